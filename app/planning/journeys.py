"""The travel data page: the road network and bus timetable imported, whether
the journeys are up to date, and the background job that computes them.

Computing journeys (:func:`app.geodata.journeys.run_journeys`) takes seconds on
the demo county and a minute or more on a real one, so the page starts it as a
job (:mod:`app.jobs`: RQ workers when ``REDIS_URL`` is set, else the app's own
thread pool) and sends the commissioner to its progress page.  One job per
data version, limit, change margin and day: a second click, or a second commissioner, follows
the same job, and its stored run is what every view reads until the data
change.  ``flask geodata compute-journeys`` still computes them in the
foreground.  A stored timetable over the size limits (lowered since it was
imported) ends the job with its problem listed on the page, not a retry.
"""

from __future__ import annotations

import json
from datetime import date

from flask import current_app, url_for

from .. import jobs
from ..access import PLANNERS
from ..audit import record
from ..dataversion import current
from ..extensions import db
from ..inputs import travel as travel_inputs
from ..models import User
from ..publication.planning import publish_population_total
from .forms import JourneysForm

STAGES = {  # progress notes of app.analysis.journeys.compute, in words for the page
    "road network: walk": "Walking times on the road network",
    "road network: cycle": "Cycling times on the road network",
    "road network: drive": "Driving times on the road network",
    "walks to bus stops": "Walks between homes, venues and bus stops",
    "timetables": "Reading the bus timetable",
    "done": "Storing the journeys",
}


def _travel_url(info) -> str:
    return url_for("planning.travel")


@jobs.task(roles=PLANNERS, title="Computing journeys", kind="journeys",
           result_url=_travel_url)
def compute_journeys_job(limit_min: float, on: str, user_id: int | None,
                         min_change_min: float | None = None) -> dict:
    """Every journey (walk, cycle, drive; bus at each session's times) for the data
    as it is now, stored in place of the last run; the runner commits it.

    ``min_change_min``: the least change between buses (``JOURNEY_MIN_CHANGE_MIN``
    when not given)."""
    from ..analysis.filelimits import TransportLimits
    from ..analysis.gtfs import TimetableError
    from ..geodata.journeys import run_journeys

    def progress(done, total, note):
        text = STAGES.get(note) or (f"Bus journeys on {note[12:]}"
                                    if note.startswith("journeys on ") else note)
        jobs.report(0.02 + 0.95 * float(done) / total, text)

    if min_change_min is None:
        min_change_min = float(current_app.config["JOURNEY_MIN_CHANGE_MIN"])
    jobs.report(0.01, "Reading the road network, timetable, homes and sessions")
    try:
        run = run_journeys(db.session, limit_min=limit_min, progress=progress,
                           reference_date=date.fromisoformat(on),
                           min_change_min=float(min_change_min),
                           limits=TransportLimits.from_config(current_app.config))
    except TimetableError as exc:  # the same data would fail again: listed, not retried
        db.session.rollback()
        jobs.report(1.0, "Stopped: the travel data cannot be used")
        return {"problems": [f"{exc.name}: {problem}" for problem in exc.problems]}
    user = db.session.get(User, user_id) if user_id else None
    record(db.session, user=user or "background job", action="compute journeys", obj=run,
           after={**run.summary, "data_version": run.data_version, "limit_min": limit_min,
                  "min_change_min": min_change_min, "seconds": run.seconds})
    return {"run": run.id, "data_version": run.data_version, "seconds": run.seconds,
            "points": run.summary["points"], "sessions": run.summary["sessions"]}


def _key(limit_min: float, on: date, min_change_min: float) -> str:
    version = current(db.session)[0]  # not the published snapshot: journeys read no answers
    return json.dumps({"data": version, "limit": float(limit_min), "on": on.isoformat(),
                       "change": float(min_change_min)})


def start_journeys(user, limit_min: float, min_change_min: float | None = None
                   ) -> jobs.JobInfo:
    """The job computing journeys for the data as they are now: started unless
    the same (data version, limit, change margin, today) is already queued,
    running or done.  ``min_change_min`` defaults to ``JOURNEY_MIN_CHANGE_MIN``."""
    on = date.today()
    if min_change_min is None:
        min_change_min = float(current_app.config["JOURNEY_MIN_CHANGE_MIN"])
    return jobs.enqueue(compute_journeys_job,
                        {"limit_min": float(limit_min), "on": on.isoformat(),
                         "user_id": getattr(user, "id", None),
                         "min_change_min": float(min_change_min)},
                        key=_key(limit_min, on, min_change_min),
                        user_id=getattr(user, "id", None))


def _evening_totals(status: dict) -> dict | None:
    """County totals of the three evening figures: the sums of the gap table's own
    area columns at the default settings (:func:`app.gaps.service.load_view`), so
    this page, the table, its CSV and the evidence pack give one number each.  The
    page prints ``shown``, published by
    :func:`app.publication.planning.publish_population_total`."""
    from ..analysis.journey_figures import JOURNEY_FIGURES
    from ..gaps.service import load_view

    if status["basis"] != "network":
        return None
    view, _ = load_view(db.session, {})
    table = view.published
    if not view.has_areas or any(k not in table.columns for k in JOURNEY_FIGURES):
        return None
    sums = {"young_people": float(table["young_people"].sum()),
            **{k: float(table[k].sum()) for k in JOURNEY_FIGURES}}
    # ``shown``: the same sums as the page prints them, published.
    return {"threshold": view.params.threshold, "level": view.params.level, **sums,
            "shown": {k: publish_population_total(v) for k, v in sums.items()}}


def travel_page(form: JourneysForm | None = None) -> dict:
    """What the travel data page shows: imports, the stored run, the last job."""
    from ..geodata.journeys import journey_status, stored_run_summary
    from ..geodata.transport import transport_summaries

    status = journey_status(db.session)
    job = jobs.latest(compute_journeys_job)
    outcome = jobs.result(job.id) if job and job.state == "finished" else None
    from ..analysis.typicalweek import dates_sentence

    run = stored_run_summary(db.session)
    return {"problems": (outcome or {}).get("problems") or [],"status": status, "imports": transport_summaries(db.session),
            "run": run, "evening": _evening_totals(status),
            "dates_sentence": dates_sentence((run or {}).get("session_dates") or {}),
            "job": job, "form": form or JourneysForm(),
            "imported_modes": travel_inputs.imported_travel_modes(db.session)}
