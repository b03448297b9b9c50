"""How much background work one person, and one council, may have waiting.

A job a person asks for is recorded with who asked, its kind (``pdf``,
``journeys``, ``import``, ``sites``: the ``kind`` of its task) and the council.
Once recorded it is counted against three limits, all settings:

* ``JOBS_QUOTA_PER_USER``: jobs of one kind one person has queued or running;
* ``JOBS_QUOTA_PER_COUNCIL``: jobs of every kind the council has queued or running;
* a kind's own council limit (``JOBS_QUOTA_JOURNEYS_PER_COUNCIL`` for journey runs).

Over any of them the job is withdrawn before a worker sees it and
:class:`QuotaExceeded` (a 429 whose page says what to wait for) is raised.  The
count is made *after* the job is stored, so two requests at the same moment
cannot both slip under the limit: each sees the other, and at worst both are
refused.  Asking again for work already queued, running or finished returns that
job and is never counted (:func:`app.jobs.enqueue` checks only new jobs).
Work no person asked for (a command, the system) is counted but never refused.
"""

from __future__ import annotations

from flask import current_app, render_template
from werkzeug.exceptions import TooManyRequests

from .ledger import active

# One council per deployment: every job is the same council's.  Issue 27 keys this
# by the council's id (the user's council, or the job's).
COUNCIL = "council"

# What a person is told they already have, by kind: (one, many).
NOUNS = {
    "pdf": ("PDF being made", "PDFs being made"),
    "journeys": ("journey run waiting or running", "journey runs waiting or running"),
    "import": ("import waiting or running", "imports waiting or running"),
    "sites": ("best-sites case being worked out", "best-sites cases being worked out"),
}
# A kind's own limit for the whole council (the setting's name).
COUNCIL_LIMITS = {"journeys": "JOBS_QUOTA_JOURNEYS_PER_COUNCIL"}


class QuotaExceeded(TooManyRequests):
    """Too many jobs waiting; ``description`` says whose and what to do."""

    def __init__(self, message: str, waiting: list[str] | None = None):
        super().__init__(description=message, retry_after=30)
        self.waiting = list(waiting or [])


def council_for(user_id: int | None) -> str:
    """The council whose queue a job counts against: the current council's ONS code
    (app/tenancy; the job row also carries its ``council_id``)."""
    return asker(user_id, "")["council"]


def asker(user_id: int | None, kind: str, council: str | None = None) -> dict:
    """The columns recorded on a job for its quota (and its queue: the workers
    serve the councils in turn, keyed by ``council``, the council's ONS code).
    One short transaction finds the current council and its code."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models.tenancy import Council, resolve_council_id

    with db.engine.begin() as conn:
        council_id = resolve_council_id(conn)
        if council is None:
            council = conn.execute(select(Council.code).where(
                Council.id == council_id)).scalar() or COUNCIL
    return {"user_id": user_id, "kind": kind, "council": council, "council_id": council_id}


def _noun(kind: str, count: int) -> str:
    one, many = NOUNS.get(kind, ("job waiting or running", "jobs waiting or running"))
    return f"{count} {one if count == 1 else many}"


def refusal(jid: str, who: dict) -> QuotaExceeded | None:
    """Why the job ``jid`` just stored for ``who`` is over a limit (``None`` if not)."""
    cfg = current_app.config
    user_id, kind, council = who["user_id"], who["kind"], who["council"]
    if user_id is None:
        return None
    mine = [j for j in active(user_id=user_id, kind=kind) if j != jid]
    limit = int(cfg["JOBS_QUOTA_PER_USER"])
    if len(mine) >= limit:
        return QuotaExceeded(f"You already have {_noun(kind, len(mine))}; wait for one to "
                             "finish, then try again.", mine)
    setting = COUNCIL_LIMITS.get(kind)
    if setting:
        theirs = [j for j in active(kind=kind, council=council) if j != jid]
        if len(theirs) >= int(cfg[setting]):
            return QuotaExceeded(f"The council already has {_noun(kind, len(theirs))}; wait "
                                 "for it to finish (its result is what every page will use), "
                                 "then try again if you still need to.", theirs)
    everyone = [j for j in active(council=council) if j != jid]
    if len(everyone) >= int(cfg["JOBS_QUOTA_PER_COUNCIL"]):
        return QuotaExceeded(f"The council's background work is full: "
                             f"{_noun('', len(everyone))}. Wait a few minutes for some to "
                             "finish, then try again.")
    return None


def refused_page(error: QuotaExceeded):
    """The 429 page: the message, and links to the jobs to wait for."""
    from . import status

    waiting = [info for info in (status(j) for j in error.waiting[:10]) if info is not None]
    return render_template("jobs/refused.html", message=error.description,
                           waiting=waiting), 429, {"Retry-After": "30"}
