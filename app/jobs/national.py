"""The national picture kept current: when a council publishes or its published data
change, one background job puts the national roll-up together again
(docs/NATIONAL.md, "The stored roll-up").

What counts as a change: anything that moves a council's data version (the
directory, the geography, travel times: :mod:`app.dataversion`), a published
snapshot, a journey run (reach) or a council's own row (its name, region, a new
council).  :func:`app.models.watch.watch` notes such a commit; when the request,
command or job ends (:func:`after_commit`) :func:`queue_rebuild` queues
:func:`rebuild_national_job` (``NATIONAL_KEEP_CURRENT``), but only once a
roll-up has been made or asked for (the first /national or ``flask national
rebuild`` makes the first).

Debounced like the journeys update (:mod:`.journeys`): the key names the roll-up
the job follows, so every change made while it waits in the queue is the same
job, which reads the data only when it starts, once no council's data have
changed for ``NATIONAL_SETTLE_SECONDS``.  A change made while it runs queues one
follow-up, which waits for the running one to finish.

The job is the system's, not a council's: it is recorded for the deployment's
default council, in a queue of its own (``<JOBS_QUEUE>:jobs:national``, served in
turn with the councils'), never counted against a council's quota, and it builds
each council's feed *as that council* (:func:`app.national.service.council_feeds`).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from contextlib import contextmanager

from flask import current_app, url_for
from sqlalchemy.orm import Session

from ..access import PLANNERS
from ..extensions import db
from ..models import DataVersion, JourneyRun, PublishedSnapshot
from ..models.tenancy import Council, default_council_id, use_council
from ..models.watch import watch
from . import backend, enqueue, ledger, quotas, task
from .runner import _current, perform, report, wait_while_others_run

log = logging.getLogger(__name__)
WATCHED = (DataVersion, PublishedSnapshot, JourneyRun, Council)
QUEUE = "national"  # the job's queue and quota label: no council's
CHANGED = "yvm_national_changed"  # committed: queue a rebuild when the context ends


def _page_url(info) -> str:
    return url_for("national.index")


@task(roles=PLANNERS, title="Putting the national picture together", kind="national",
      result_url=_page_url)
def rebuild_national_job(settle: bool = True) -> dict:
    """Every council's feed, added up, with the HSDS file: the new roll-up, stored in
    ``national_rollup`` (:mod:`app.national.rollup`) in the job's transaction, which
    the runner commits with "finished"; the job's own result says which roll-up."""
    from ..national.service import build_and_store

    if settle:
        wait_while_others_run("national", "Waiting for the national picture being built to finish")
        _wait_until_settled(float(current_app.config["NATIONAL_SETTLE_SECONDS"]))
    job_id = (_current.get() or (None,))[0]
    return build_and_store(job_id, progress=report)


def _wait_until_settled(settle: float, rounds: int = 20) -> None:
    """Wait until no council's data version or snapshot has changed for ``settle``
    seconds (each council read as itself)."""
    from ..national.service import every_version

    if settle <= 0:
        return
    for _ in range(rounds):
        before = every_version()
        report(0.02, "Waiting for the councils' changes to settle")
        time.sleep(settle)
        if every_version() == before:
            return


@contextmanager
def as_system():
    """Work as the deployment's default council: the national job is one job for the
    whole deployment, whichever council's change or request asked for it."""
    with db.engine.connect() as conn:
        council_id = default_council_id(conn)
    with use_council(council_id):
        yield


def queue_rebuild():
    """Queue the rebuild (joining one already waiting); its :class:`~app.jobs.JobInfo`."""
    from ..national.rollup import latest_id

    with as_system():
        after = latest_id() or ""
        info = None
        for n in range(4):
            key = json.dumps({"after": after, "n": n}, sort_keys=True)
            existed = ledger.get(ledger.job_id(rebuild_national_job.yvm_path, key))
            info = enqueue(rebuild_national_job, {}, key=key, user_id=None, council=QUEUE)
            # A job made now, or still waiting in the queue, reads the data after this change.
            if existed is None or existed.state in ("queued", "failed") or info.state == "queued":
                return info
        return info


def build_here(key: str | None = None) -> str:
    """Put the roll-up together in this process now (the first /national, ``flask
    national rebuild``), as a ledger job so another process asking at the same moment
    waits for it instead of building its own; the job's state afterwards."""
    b = backend()
    b.start_heartbeat()  # renews the lease while this process builds
    key = key or json.dumps({"by_hand": uuid.uuid4().hex})
    with as_system():
        jid, _new = ledger.create(rebuild_national_job.yvm_path, {"settle": False}, key,
                                  owner=b.owner, lease_until=time.time() + b.lease,
                                  result_ttl=b.result_ttl,
                                  asker=quotas.asker(None, "national", QUEUE))
        row = ledger.get(jid)
        if row is not None and row.state == "queued":
            perform(jid, b)  # another process may have claimed it first: then it builds
        row = ledger.get(jid)
    return row.state if row is not None else "gone"


def worker_seen() -> bool | None:
    """Has a worker that would run the rebuild been seen lately?  ``None`` when the
    backend cannot tell or needs none: the in-process pool runs jobs in the app
    processes themselves, and this app's ledger keeps no register of workers (its
    heartbeat only renews the leases of jobs held, so an idle worker leaves no
    trace there).  With RQ, RQ's own register of workers: each ``flask jobs worker``
    (:class:`~app.jobs.rqfair.FairWorker`) registers under the plain queue
    ``<JOBS_QUEUE>`` when it starts and its key lives ``worker_ttl`` + 60 seconds
    (8 minutes by default) past its last heartbeat, so a stopped or killed worker
    stops counting within minutes.  ``False``: none alive."""
    b = backend()
    if b.kind != "rq":
        return None
    from redis.exceptions import RedisError
    from rq import Worker

    try:
        keys = Worker.all_keys(queue=b.queue.plain())
        return any(b.connection.exists(key) for key in keys)
    except RedisError:  # the page says what it can; the queueing itself reports Redis
        log.warning("could not read RQ's register of workers", exc_info=True)
        return None


def wait_for_first(seconds: float) -> bool:
    """Wait up to ``seconds`` for a roll-up being built elsewhere; whether one exists."""
    from ..national.rollup import being_built, latest_id

    deadline = time.monotonic() + seconds
    while latest_id() is None:
        if time.monotonic() >= deadline or not being_built():
            return latest_id() is not None
        time.sleep(0.1)
    return True


# ---- noticing a change ------------------------------------------------------------------

def _committed(session: Session) -> None:
    session.info[CHANGED] = True


watch(WATCHED, _committed, name="national")


def after_commit(exc=None) -> None:
    """At the end of each request, command or job: queue the rebuild if a council's
    published data changed and were committed, and a roll-up is in use."""
    from ..national.rollup import in_use

    try:
        if not db.session.info.pop(CHANGED, False):
            return
        if current_app.config["NATIONAL_KEEP_CURRENT"] and in_use():
            queue_rebuild()
    except Exception:  # noqa: BLE001 - never break the page that made the change
        log.exception("could not queue the national rebuild")


def init_app(app) -> None:
    from ..national.cli import cli

    app.cli.add_command(cli)
    # Registered after Flask-SQLAlchemy's teardown, so it runs before the session is
    # removed (Flask runs teardowns in reverse order), as the journeys update's.
    app.teardown_request(after_commit)
    app.teardown_appcontext(after_commit)
