"""Journeys kept current: a change to anything computed journeys read queues one
background job that brings them up to date.

The flush listener (:mod:`app.dataversion`) moves the journey inputs version
and marks the session; when the request or command's app context ends, and
only if that change was committed, :func:`queue_refresh` queues
:func:`refresh_journeys_job` (``JOURNEYS_KEEP_CURRENT``).  Until it finishes,
pages show the last complete run and say it is being updated.

One job per stale run: the key names the stored run and the inputs it was
computed from, so every change made while the job waits in the queue is the
same job, which reads the data only when it starts (after the data have been
unchanged for ``JOURNEYS_SETTLE_SECONDS``).  A change made while it runs (it
may already have read the data) queues one follow-up, which waits for the
running job, then computes only if the data still differ from the stored run.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import date

from flask import current_app, url_for

from ..access import PLANNERS
from ..extensions import db
from . import enqueue, ledger, task
from .runner import report, wait_while_others_run

log = logging.getLogger(__name__)


def _travel_url(info) -> str:
    return url_for("planning.travel")


@task(roles=PLANNERS, title="Bringing journeys up to date", kind="journeys",
       result_url=_travel_url)
def refresh_journeys_job(on: str) -> dict:
    """Recompute the stored journeys if the data they read changed (the runner
    commits the new run with "finished")."""
    from ..analysis.filelimits import TransportLimits
    from ..analysis.gtfs import TimetableError
    from ..audit import record
    from ..geodata.journeys import refresh_journeys
    from ..planning.journeys import STAGES

    wait_while_others_run("journeys", "Waiting for the journeys being computed to finish")
    _wait_until_settled(float(current_app.config["JOURNEYS_SETTLE_SECONDS"]))

    def progress(done, total, note):
        text = STAGES.get(note) or (f"Bus journeys on {note[12:]}"
                                    if note.startswith("journeys on ") else note)
        report(0.05 + 0.9 * float(done) / total, text)

    report(0.03, "Reading the road network, timetable, homes and sessions")
    try:
        run, computed = refresh_journeys(db.session, progress=progress,
                                         reference_date=date.fromisoformat(on),
                                         limits=TransportLimits.from_config(current_app.config))
    except TimetableError as exc:  # the same data would fail again: listed, not retried
        db.session.rollback()
        report(1.0, "Stopped: the travel data cannot be used")
        return {"problems": [f"{exc.name}: {problem}" for problem in exc.problems]}
    if run is None:
        return {"run": None, "computed": False}
    if computed:
        record(db.session, user="background job", action="compute journeys", obj=run,
               after={**run.summary, "data_version": run.data_version,
                      "limit_min": run.limit_min, "seconds": run.seconds,
                      "why": "the data changed"})
    return {"run": run.id, "computed": computed, "seconds": run.seconds if computed else 0.0}


def _wait_until_settled(settle: float, rounds: int = 20) -> None:
    """Wait until the journey inputs have been unchanged for ``settle`` seconds."""
    from ..dataversion import journeys_version

    if settle <= 0:
        return
    for _ in range(rounds):
        before = journeys_version(db.session)
        db.session.rollback()  # nothing written yet: end the read, so the next one is fresh
        report(0.02, "Waiting for the changes to settle")
        time.sleep(settle)
        if journeys_version(db.session) == before:
            return
        db.session.rollback()


def queue_refresh():
    """Queue the job bringing journeys up to date, if they are stale; its
    :class:`~app.jobs.JobInfo` (``None`` when nothing needs doing)."""
    from ..dataversion import journeys_version
    from ..geodata.journeys import journey_status

    status = journey_status(db.session)
    if status["basis"] != "network" or not status["stale"]:
        return None
    base = {"after_run": status["run"], "inputs": status["inputs_version"]}
    keys = [base, {**base, "then": True},
            {**base, "then": journeys_version(db.session)}]
    info = None
    for key in keys:
        text = json.dumps(key, sort_keys=True)
        existed = ledger.get(ledger.job_id(refresh_journeys_job.yvm_path, text))
        info = enqueue(refresh_journeys_job, {"on": date.today().isoformat()}, key=text,
                       user_id=None)
        # A job made now, or still waiting in the queue, reads the data after this change.
        if existed is None or existed.state in ("queued", "failed") or info.state == "queued":
            return info
    return info


def after_commit(exc=None) -> None:
    """At the end of each request, command or job: queue the update if journey
    inputs changed and were committed (an RQ worker's app context outlives its
    jobs, so the runner calls this after each one)."""
    from ..dataversion import JOURNEYS_CHANGED

    try:
        if not db.session.info.pop(JOURNEYS_CHANGED, False):
            return
        if current_app.config["JOURNEYS_KEEP_CURRENT"]:
            queue_refresh()
    except Exception:  # noqa: BLE001 - never break the page that made the change
        log.exception("could not queue the journeys update")


def init_app(app) -> None:
    # At the end of each request (before its app context and session go), and of
    # every other app context (a command, a job): registered after
    # Flask-SQLAlchemy's own teardown, so it runs before the session is removed
    # (Flask runs teardowns in reverse order).
    app.teardown_request(after_commit)
    app.teardown_appcontext(after_commit)
