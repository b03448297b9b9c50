"""The safeguarding lead's queue: flagged free-text answers, read one at a time and
recorded (audited).  Reads the flagged response itself, by design: this is not a
publication (tests/publication/test_boundary.py lists it as an exception).

The views in :mod:`app.survey.safeguarding_routes` parse the request, call one
function here and render.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import func, select

from ..audit import record, snapshot
from ..extensions import db
from ..models import Area, SafeguardingFlag, Survey, utcnow
from .store import definition_of

STATUSES = (("open", "Open"), ("reviewed", "Reviewed"), ("action_taken", "Action taken"))


def queue(status: str) -> dict:
    """Flags with ``status`` (any other value: every flag), newest first, and how
    many flags have each status: the queue page's template context."""
    q = select(SafeguardingFlag).order_by(SafeguardingFlag.created_on.desc(),
                                          SafeguardingFlag.ref)
    if status in dict(STATUSES):
        q = q.where(SafeguardingFlag.status == status)
    else:
        status = "all"
    counts = dict(db.session.execute(select(SafeguardingFlag.status, func.count())
                                     .group_by(SafeguardingFlag.status)).all())
    return {"flags": db.session.scalars(q).all(), "status": status, "statuses": STATUSES,
            "counts": counts}


@dataclass
class Review:
    """A posted review of a flag: its new status and an optional note."""

    status: str | None
    note: str = ""


@dataclass
class FlagPage:
    flag: SafeguardingFlag
    errors: dict = field(default_factory=dict)
    saved: bool = False
    response: object = None  # the flagged response
    texts: list = field(default_factory=list)  # its free-text answers
    labels: dict = field(default_factory=dict)  # question id -> the question asked
    area_name: str | None = None

    @property
    def status(self) -> int:
        return 400 if self.errors else 200


def flag_page(ref: str, review: Review | None, user) -> FlagPage:
    """One flagged answer, after recording ``review`` when one was posted (``saved``
    then set), else after recording that ``user`` read it.  Both are audited; 404
    for an unknown reference."""
    flag = db.session.scalar(select(SafeguardingFlag).where(SafeguardingFlag.ref == ref[:32]))
    if flag is None:
        abort(404)
    page = FlagPage(flag=flag)
    if review is not None:
        page.errors = _review_errors(review)
        if not page.errors:
            _save_review(flag, review, user)
            page.saved = True
            return page
    else:
        record(db.session, user=user, action="view", obj=flag)
        db.session.commit()
    response = page.response = flag.response
    page.texts = [a for a in response.answers if a.is_free_text]
    definition = definition_of(db.session.get(Survey, response.survey_id))
    page.labels = {q.id: q.label for q in definition.questions}
    if response.area_code:
        page.area_name = db.session.scalar(select(Area.name)
                                           .where(Area.code == response.area_code).limit(1))
    return page


def _review_errors(review: Review) -> dict:
    errors = {}
    if review.status not in dict(STATUSES):
        errors["status"] = "Choose open, reviewed or action taken"
    if review.status == "action_taken" and not review.note:
        errors["note"] = "Say what action was taken"
    if len(review.note) > 4000:
        errors["note"] = "The note must be 4,000 characters or fewer"
    return errors


def _save_review(flag: SafeguardingFlag, review: Review, user) -> None:
    before = snapshot(flag, exclude=("notes",))
    flag.status = review.status
    if review.note:
        stamp = utcnow().strftime("%d %b %Y %H:%M")
        entry = f"[{stamp} {user.email}] {review.note}"
        flag.notes = f"{flag.notes}\n{entry}" if flag.notes else entry
    flag.reviewed_by = user.id
    flag.reviewed_at = utcnow()
    # Notes stay out of the audit trail: they are deleted on their own schedule.
    record(db.session, user=user, action="review", obj=flag, before=before,
           after=snapshot(flag, exclude=("notes",)),
           note="note added" if review.note else None)
    db.session.commit()
