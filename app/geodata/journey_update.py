"""Store a journey run, and bring one up to date by recomputing only what changed.

:func:`read_inputs` reads everything a run needs; :func:`save_run` stores a
computed run with what it was computed from: the journey inputs version, a
SHA-256 of all inputs, the reference date (it picks each weekday's timetable),
a digest of the population points and imports (``base_sha256``) and one of each
service's place and sessions (``service_digests``).

:func:`update_run` is the cheap path of the background update: when the
population points, the imports and the reference date are the ones the run was
computed from and at most half of the services changed (moved, new, or with
other sessions), only those services' journeys are computed (their trees on the
road network, their timetable scans); every other service's columns are kept
from the stored run, and removed services are dropped.  Otherwise it answers
``None`` and the caller computes the whole run.
"""

from __future__ import annotations

import hashlib
import io
import json
import time as clock
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy.orm import Session

from ..analysis.arrays import FloatArray, IntArray
from ..analysis.filelimits import TransportLimits
from ..analysis.gtfs import Feed
from ..analysis.journeys import JourneyResult, compute
from ..analysis.roads import RoadNetwork
from ..dataversion import current, journeys_version
from ..models import JourneyRun, TransportData
from .journey_inputs import (
    CodeArray,
    Progress,
    file_source,
    inputs_digest,
    population_points,
    session_inputs,
    store_run,
    transport_hashes,
)


@dataclass
class Inputs:
    """What a journey run reads, with the versions it was read at."""

    version: int
    inputs_version: int
    network: RoadNetwork | None
    roads: TransportData | None
    feed: Feed | None
    timetable: TransportData | None
    point_xy: FloatArray
    youth: FloatArray
    lsoa: CodeArray
    service_ids: IntArray
    venue_xy: FloatArray
    sessions: pd.DataFrame
    transport: list[tuple[str, str]]


def read_inputs(session: Session, limits: TransportLimits | None = None) -> Inputs:
    """Everything a run reads (the stored timetable checked against ``limits``)."""
    from .transport import load_network, load_timetable

    version = current(session)[0]
    inputs_version = journeys_version(session)  # read first: a later change stays "stale"
    network, roads = load_network(session)
    feed, timetable = load_timetable(session, limits)
    point_xy, youth, lsoa = population_points(session)
    service_ids, venue_xy, sessions = session_inputs(session)
    return Inputs(version, inputs_version, network, roads, feed, timetable, point_xy, youth,
                  lsoa, service_ids, venue_xy, sessions, transport_hashes(session))


def base_digest(inputs: Inputs) -> str:
    """SHA-256 of the population points and the imports' own digests."""
    h = hashlib.sha256()
    for arr in (np.asarray(inputs.point_xy, float), np.asarray(inputs.youth, float)):
        h.update(np.ascontiguousarray(arr).tobytes())
    h.update("\n".join(map(str, inputs.lsoa)).encode())
    h.update(json.dumps(inputs.transport).encode())
    return h.hexdigest()


def service_digests(inputs: Inputs) -> dict[str, str]:
    """{service id: digest of its place and sessions}."""
    rows = inputs.sessions[["venue", "day", "start_s", "end_s"]].to_numpy(np.int64)
    out: dict[str, str] = {}
    for i, sid in enumerate(inputs.service_ids):
        h = hashlib.sha256(np.asarray(inputs.venue_xy[i], float).tobytes())
        h.update(np.ascontiguousarray(rows[rows[:, 0] == i, 1:]).tobytes())
        out[str(int(sid))] = h.hexdigest()[:20]
    return out


def save_run(session: Session, inputs: Inputs, result: JourneyResult, *, limit_min: float,
             started: float, on: date | None, min_change_min: float = 3.0,
             extra: dict[str, Any] | None = None) -> JourneyRun:
    """Store ``result`` in place of the previous run (the caller commits)."""
    meta: dict[str, Any] = {  # the run's summary, stored as JSON
        "network": file_source(inputs.roads), "timetable": file_source(inputs.timetable),
        "session_dates": result.session_dates, "scans": result.scans,
        "points": int(len(inputs.point_xy)), "services": int(len(inputs.service_ids)),
        "sessions": int(len(inputs.sessions)), "on": (on or date.today()).isoformat(),
        "base_sha256": base_digest(inputs), "service_digests": service_digests(inputs),
        "min_change_min": float(min_change_min), **(extra or {})}
    buffer = io.BytesIO()
    arrays: dict[str, Any] = {f"net_{k}": v for k, v in result.network_minutes.items()}
    pt_there, pt_home = result.pt_tables()
    np.savez_compressed(buffer, point_xy=inputs.point_xy, youth=inputs.youth,
                        point_lsoa=inputs.lsoa.astype("U"), service_ids=inputs.service_ids,
                        sessions=inputs.sessions.to_numpy(np.int64),
                        pt_there=pt_there, pt_home=pt_home,
                        meta=np.array(json.dumps(meta)), **arrays)
    digest = inputs_digest(inputs.point_xy, inputs.youth, inputs.lsoa, inputs.service_ids,
                           inputs.venue_xy, inputs.sessions, inputs.transport)
    return store_run(session, JourneyRun(
        data_version=inputs.version, inputs_version=inputs.inputs_version,
        inputs_sha256=digest, limit_min=float(limit_min), summary=meta,
        seconds=round(clock.perf_counter() - started, 2), payload=buffer.getvalue()))


def update_run(session: Session, run: JourneyRun, *, progress: Progress | None = None,
               reference_date: date | None = None, limits: TransportLimits | None = None,
               max_share: float = 0.5, min_change_min: float = 3.0) -> JourneyRun | None:
    """``run`` brought up to date by computing only the changed services' journeys.

    ``None`` when the whole run must be computed again (see the module).
    """
    started = clock.perf_counter()
    meta = run.summary or {}
    on = reference_date or date.today()
    if meta.get("on") != on.isoformat() or "service_digests" not in meta \
            or float(meta.get("min_change_min", 3.0)) != float(min_change_min):
        return None
    inputs = read_inputs(session, limits)
    if base_digest(inputs) != meta.get("base_sha256"):
        return None
    now, before = service_digests(inputs), meta["service_digests"]
    changed = [i for i, sid in enumerate(inputs.service_ids)
               if before.get(str(int(sid))) != now[str(int(sid))]]
    if len(changed) > max_share * max(len(inputs.service_ids), 1):
        return None
    with np.load(io.BytesIO(run.payload), allow_pickle=False) as z:
        old = {k: z[k] for k in z.files if k != "meta"}
    dates = {int(k): v for k, v in (meta.get("session_dates") or {}).items()}
    spliced = _splice(inputs, old, changed, run.limit_min, on, dates, progress,
                      min_change_min)
    if spliced is None:
        return None
    return save_run(session, inputs, spliced, limit_min=run.limit_min, started=started, on=on,
                    min_change_min=min_change_min, extra={"updated_services": len(changed)})


def _splice(inputs: Inputs, old: dict[str, npt.NDArray[Any]], changed: list[int],
            limit_min: float, on: date, dates: dict[int, str], progress: Progress | None,
            min_change_min: float = 3.0) -> JourneyResult | None:
    """The old run's columns for unchanged services, new ones for ``changed``."""
    old_ids = old["service_ids"]
    old_pos = {int(s): i for i, s in enumerate(old_ids)}
    old_rows = old["sessions"].reshape(-1, 4)
    old_col = {(int(old_ids[r[0]]), int(r[1]), int(r[2]), int(r[3])): j
               for j, r in enumerate(old_rows)}
    sessions = inputs.sessions
    venue_of = sessions["venue"].to_numpy(int)
    in_changed = np.isin(venue_of, changed)
    sub_sessions = sessions[in_changed].reset_index(drop=True)
    sub_sessions["venue"] = sub_sessions["venue"].map({i: k for k, i in enumerate(changed)})
    sub = compute(inputs.point_xy, inputs.venue_xy[changed], sub_sessions,
                  network=inputs.network, feed=inputs.feed, threshold_min=limit_min,
                  reference_date=on, min_change_min=min_change_min,
                  progress=progress) if changed else JourneyResult(limit_min)
    result = JourneyResult(threshold_min=limit_min, scans=sub.scans)
    n = len(inputs.point_xy)
    for key in (k for k in old if k.startswith("net_")):
        mode, cols = key[4:], []
        for i, sid in enumerate(inputs.service_ids):
            cols.append(sub.network_minutes[mode][:, changed.index(i)] if i in changed
                        else old[key][:, old_pos[int(sid)]])
        result.network_minutes[mode] = (np.column_stack(cols).astype(old[key].dtype) if cols
                                        else np.empty((n, 0), old[key].dtype))
    sub_j = np.cumsum(in_changed) - 1
    picks = []
    for j, (v, day, start, end) in enumerate(sessions[["venue", "day", "start_s", "end_s"]]
                                             .to_numpy(np.int64)):
        held = (int(inputs.service_ids[v]), int(day), int(start), int(end))
        if not in_changed[j] and held not in old_col:
            return None  # should not happen: the service's digest was unchanged
        picks.append(("sub", sub_j[j]) if in_changed[j] else ("old", old_col[held]))
    for name, attr in (("pt_there", "pt_there_min"), ("pt_home", "pt_home_min")):
        new = getattr(sub, attr)
        cols = [new[:, k] if src == "sub" else old[name][:, k] for src, k in picks]
        setattr(result, attr, np.column_stack(cols).astype(old[name].dtype) if cols
                else np.empty((n, 0), old[name].dtype))
    result.session_dates = {**dates, **sub.session_dates}
    return result
