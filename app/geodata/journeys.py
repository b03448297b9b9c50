"""Compute journeys for the whole county and keep them; read them back for views.

No Flask here: the command line, a background job or a test passes a
database session.  :func:`run_journeys` is the job's entry point (it reports
progress through a callback); :func:`current_journeys` gives views the last
complete run (``None`` only before the first, or without a road network: views
then use straight-line estimates and say so).  A run is *stale* once the
journey inputs version (:func:`app.dataversion.journeys_version`) has moved past
the one it read; views keep using it and say it is being updated while a
background job (:func:`refresh_journeys`) brings it up to date.

Population points: every live postcode carries an equal share of its
LSOA's young people (Census 2021 by age); an LSOA without postcodes is
represented by its population-weighted origin or representative point.
"""

from __future__ import annotations

import io
import json
import time as clock
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, NotRequired, TypedDict

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from ..analysis.arrays import FloatArray, IntArray
from ..analysis.filelimits import TransportLimits
from ..analysis.journey_figures import (
    MODE_TO_NETWORK,
    PointJourneys,
    align,
    area_matrix,
    evening_figures,
    scale_to_area,
)
from ..analysis.journeys import JourneyResult, compute
from ..analysis.typicalweek import dates_sentence
from ..dataversion import journeys_version
from ..models import JourneyRun, TransportData
from .crs import BNG
from .journey_inputs import FileSource, Progress, journey_inputs_digest

DEFAULT_LIMIT_MIN = 90.0


class JourneyStatus(TypedDict):
    """What the pages say about travel times (:func:`journey_status`)."""

    basis: Literal["network", "straight-line"]
    network: FileSource | None  # the imported road network
    timetable: FileSource | None  # the imported bus timetable
    computed_at: str | None  # the newest run's time (ISO, to the minute)
    stale: bool  # inputs changed since the newest run
    run: int | None  # the newest run's id
    computed_text: NotRequired[str]  # computed_at as a person reads it
    inputs_version: NotRequired[int]
    session_dates: NotRequired[dict[str, str]]  # weekday ("0" = Monday) -> ISO date
    # Added by a service page: modes with travel times imported from a routing engine.
    imported: NotRequired[list[str]]


@dataclass
class StoredJourneys:
    """A stored journey run read back: minutes per point and venue or session."""

    result: JourneyResult
    point_xy: FloatArray
    youth: FloatArray
    point_lsoa: npt.NDArray[np.str_]
    service_ids: IntArray
    sessions: pd.DataFrame
    meta: dict[str, Any]  # the run's stored summary (JSON)

    def point_areas(self, areas: gpd.GeoDataFrame) -> IntArray:
        """Row of ``areas`` holding each point (-1 for none)."""
        codes = list(areas.index)
        if len(codes) and set(self.point_lsoa) & set(codes):
            pos = {c: i for i, c in enumerate(codes)}
            return np.asarray([pos.get(c, -1) for c in self.point_lsoa], dtype=int)
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(self.point_xy[:, 0],
                                                            self.point_xy[:, 1]), crs=BNG)
        poly = gpd.GeoDataFrame({"row": np.arange(len(areas))}, geometry=areas.geometry.values,
                                crs=BNG)
        joined = gpd.sjoin(pts, poly, how="left", predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        rows: IntArray = joined["row"].fillna(-1).astype(int).to_numpy()
        return rows

    def matrix(self, mode: str, areas: gpd.GeoDataFrame) -> pd.DataFrame | None:
        """Area -> service minutes by ``mode`` for ``areas``, or ``None``."""
        return area_matrix(self.result, mode, self.sessions, self.service_ids,
                           self.point_areas(areas), list(areas.index), self.youth,
                           limit_min=self.result.threshold_min)

    @property
    def limit_min(self) -> float:
        """The longest journey computed: no threshold may be above it."""
        return float(self.result.threshold_min)

    def holds(self, mode: str) -> bool:
        """Whether the run has journeys by ``mode`` (walk, cycle and car need roads)."""
        return mode == "bus" or MODE_TO_NETWORK.get(mode) in self.result.network_minutes

    def for_points(self, xy: np.ndarray, lsoa: np.ndarray,
                   service_ids: Sequence[int]) -> PointJourneys:
        """The run's journeys for the gap analysis's own points and services.

        See :func:`app.analysis.journey_figures.align`.
        """
        return align(self.result, self.sessions, self.service_ids, self.point_xy,
                     self.point_lsoa, xy, lsoa, service_ids)

    def evening(self, areas: gpd.GeoDataFrame, threshold_min: float) -> pd.DataFrame:
        """The evening journey figures of ``areas`` within ``threshold_min``."""
        sums = evening_figures(self.result, self.sessions, min(threshold_min,
                                                               self.result.threshold_min),
                               self.point_areas(areas), list(areas.index), self.youth)
        return scale_to_area(sums, areas["young_people"] if "young_people" in areas else None)


def run_journeys(session: Session, *, limit_min: float = DEFAULT_LIMIT_MIN,
                 progress: Progress | None = None, reference_date: date | None = None,
                 limits: TransportLimits | None = None,
                 min_change_min: float = 3.0) -> JourneyRun:
    """Compute every journey and store it (replacing the previous run).

    ``progress(done, total, note)`` is called as the work goes on.  A stored
    timetable over ``limits`` (:class:`~app.analysis.filelimits.TransportLimits`)
    raises :class:`~app.analysis.gtfs.TimetableError` before anything is written.
    """
    from .journey_update import read_inputs, save_run

    started = clock.perf_counter()
    inputs = read_inputs(session, limits)
    result = compute(inputs.point_xy, inputs.venue_xy, inputs.sessions, network=inputs.network,
                     feed=inputs.feed, threshold_min=limit_min, reference_date=reference_date,
                     min_change_min=min_change_min, progress=progress)
    return save_run(session, inputs, result, limit_min=limit_min, started=started,
                    on=reference_date, min_change_min=min_change_min)


def refresh_journeys(session: Session, *, progress: Progress | None = None,
                     reference_date: date | None = None,
                     limits: TransportLimits | None = None) -> tuple[JourneyRun | None, bool]:
    """Bring the stored run up to date: ``(run, computed)``.

    Nothing to do without a run or while it is current.  When the inputs read
    now are the ones the run was computed from (a service moved and moved back,
    a new draft listing), the run is only stamped current; when few services
    changed, only theirs are computed (:func:`~.journey_update.update_run`);
    otherwise every journey is computed again at the run's limit
    (:func:`run_journeys`).
    """
    run = session.scalar(select(JourneyRun).order_by(JourneyRun.id.desc()).limit(1))
    if run is None:
        return None, False
    version = journeys_version(session)
    if run.inputs_version == version:
        return run, False
    if run.inputs_sha256 and run.inputs_sha256 == journey_inputs_digest(session):
        run.inputs_version = version
        session.flush()
        return run, False
    from .journey_update import update_run

    margin = float((run.summary or {}).get("min_change_min", 3.0))  # the run's own margin
    updated = update_run(session, run, progress=progress, reference_date=reference_date,
                         limits=limits, min_change_min=margin)
    if updated is not None:
        return updated, True
    return run_journeys(session, limit_min=run.limit_min, progress=progress,
                        reference_date=reference_date, limits=limits,
                        min_change_min=margin), True


def load_run(run: JourneyRun) -> StoredJourneys:
    """Read a stored :class:`JourneyRun` back."""
    with np.load(io.BytesIO(run.payload), allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        result = JourneyResult(threshold_min=run.limit_min,
                               network_minutes={k[4:]: z[k] for k in z.files
                                                if k.startswith("net_")},
                               pt_there_min=z["pt_there"], pt_home_min=z["pt_home"],
                               session_dates={int(k): v for k, v in
                                              meta["session_dates"].items()},
                               scans=meta["scans"])
        sessions = pd.DataFrame(z["sessions"].reshape(-1, 4),
                                columns=["venue", "day", "start_s", "end_s"])
        return StoredJourneys(result, z["point_xy"], z["youth"], z["point_lsoa"].astype(str),
                              z["service_ids"], sessions, meta)


def current_journeys(session: Session) -> StoredJourneys | None:
    """The last complete run, stale or not (see :func:`journey_status`).

    ``None`` before the first or without a road network (straight-line
    estimates then).
    """
    if not journey_status(session)["basis"] == "network":
        return None
    run = session.scalar(select(JourneyRun).order_by(JourneyRun.id.desc()).limit(1))
    return None if run is None else load_run(run)


def when_text(moment: datetime) -> str:
    """A time as a person reads it: '30 November 2026 at 19:46' (UTC, as stored)."""
    return f"{moment:%-d %B %Y} at {moment:%H:%M}"


def _latest_run(session: Session) -> Row[tuple[int, int, int, datetime, float, float,
                                                 dict[str, Any]]] | None:
    """The newest run's columns without its payload (a page asks on every view)."""
    return session.execute(
        select(JourneyRun.id, JourneyRun.data_version, JourneyRun.inputs_version,
               JourneyRun.computed_at, JourneyRun.limit_min, JourneyRun.seconds,
               JourneyRun.summary)
        .order_by(JourneyRun.id.desc()).limit(1)).first()


def journey_status(session: Session) -> JourneyStatus:
    """What the pages say about travel times: network or straight line, and why.

    ``basis`` is ``network`` once a run was completed on an imported road network,
    and stays so while the run is ``stale`` (inputs changed since; the figures
    are the last complete run's until the background job replaces it).
    """
    run = _latest_run(session)
    have: dict[str, FileSource] = {
        r.kind: {"file_name": r.file_name, "source_date": r.source_date}
        for r in session.execute(select(TransportData.kind, TransportData.file_name,
                                        TransportData.source_date))}
    status: JourneyStatus = {"basis": "straight-line", "network": have.get("roads"),
                             "timetable": have.get("timetable"), "computed_at": None,
                             "stale": False, "run": None}
    if run is not None:
        status["computed_at"] = run.computed_at.isoformat(timespec="minutes")
        status["computed_text"] = when_text(run.computed_at)
        status["run"] = run.id
        status["inputs_version"] = run.inputs_version
        status["stale"] = run.inputs_version != journeys_version(session)
        if status["network"] is not None:
            status["basis"] = "network"
            status["session_dates"] = run.summary.get("session_dates", {})
    return status


def stored_run_summary(session: Session) -> dict[str, Any] | None:
    """The newest run: when, how long, for what (``None`` before the first)."""
    run = _latest_run(session)
    if run is None:
        return None
    return {**(run.summary or {}), "id": run.id, "limit_min": run.limit_min,
            "seconds": run.seconds, "data_version": run.data_version,
            "computed_at": run.computed_at.isoformat(timespec="minutes"),
            "computed_text": when_text(run.computed_at),
            "current": run.inputs_version == journeys_version(session)}


def travel_sentence(travel: JourneyStatus, mode: str) -> str:
    """One sentence for every page: what travel times by ``mode`` rest on.

    ``travel`` is :func:`journey_status`'s answer; with ``imported`` (the modes
    a routing engine's times were imported for, which win over journeys) too.
    """
    if mode in travel.get("imported", ()):
        return ("Travel times: imported from a routing engine for every area and service "
                "they cover; straight-line estimates for any pair they lack.")
    if travel.get("basis") == "network":
        net, tt = travel.get("network"), travel.get("timetable")
        text = ("Travel times: journeys on the road network"
                + (f" (OpenStreetMap, {net['source_date']})" if net and net.get("source_date")
                   else ""))
        if mode == "bus":
            text += (", by bus at each session's own day and times"
                     + (f" (timetable {tt['file_name']})" if tt and tt.get("file_name") else
                        ": no timetable imported, so walking only"))
        when = travel.get("computed_text") or travel.get("computed_at")
        # which dates' timetable every bus figure rests on
        days = ""
        if mode == "bus":
            dates = travel.get("session_dates") or {}
            days = " " + dates_sentence({int(day): on for day, on in dates.items()})
        if travel.get("stale"):
            return text + (f"; computed {when}, being updated: the directory or data changed "
                           "since, so these figures use the last complete run's journeys (a "
                           "service paused or closed since no longer counts; one added or "
                           "moved since counts once the update finishes)." + days.rstrip())
        return text + f"; computed {when}." + days.rstrip()
    why = (" (no road network imported)" if not travel.get("network") else
           " (journeys not yet computed: compute them on the planning travel data page, "
           "or with flask geodata compute-journeys)")
    return f"Travel times: straight-line estimates{why}."
