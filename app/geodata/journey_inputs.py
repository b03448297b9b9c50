"""What a journey run reads, its digest, and storing a run in place of the last.

The inputs: population points, active services' sessions, the imported transport
files' digests.

Split from :mod:`.journeys` so that :mod:`.journey_update` can read its inputs
without importing :mod:`.journeys` (which calls it): no import cycle, even through
imports inside functions (``tests/codebase/test_import_cycles.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis.arrays import FloatArray, IntArray
from ..analysis.journeys import session_frame
from ..models import JourneyRun, Postcode, Service, ServiceSession, TransportData

# Area codes, one per point (str objects, as pandas gives them).
CodeArray = npt.NDArray[np.object_]
# ``progress(done, total, note)`` while journeys are computed.
Progress = Callable[[float, float, str], object]


class FileSource(TypedDict):
    """An imported transport file a journey run read: its name and the data's date."""

    file_name: str
    source_date: str | None


def population_points(session: Session) -> tuple[FloatArray, FloatArray, CodeArray]:
    """(xy, young people, LSOA code) for every population point."""
    from .figures import area_figures

    lsoas = area_figures(session, "lsoa")
    rows = session.execute(select(Postcode.x, Postcode.y, Postcode.lsoa_code)
                           .where(Postcode.terminated.is_(None))).all()
    pcs = pd.DataFrame(rows, columns=["x", "y", "lsoa"])
    pcs = pcs[pcs["lsoa"].isin(lsoas.index)]
    counts = pcs["lsoa"].value_counts()
    youth = lsoas["young_people"].fillna(0.0) if "young_people" in lsoas else pd.Series(
        0.0, index=lsoas.index)
    pcs["youth"] = youth.reindex(pcs["lsoa"]).to_numpy() / counts.reindex(pcs["lsoa"]).to_numpy()
    bare = [c for c in lsoas.index if c not in counts.index]
    if bare:
        from ..analysis.reach import area_origins

        xy = area_origins(lsoas.loc[bare])
        pcs = pd.concat([pcs, pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "lsoa": bare,
                                            "youth": youth.reindex(bare).to_numpy()})])
    xy_out: FloatArray = pcs[["x", "y"]].to_numpy(float)
    youth_out: FloatArray = pcs["youth"].to_numpy(float)
    codes: CodeArray = pcs["lsoa"].astype(str).to_numpy()
    return xy_out, youth_out, codes


def session_inputs(session: Session) -> tuple[IntArray, FloatArray, pd.DataFrame]:
    """(service ids, venue xy, sessions frame) for active services with a place."""
    rows = session.execute(
        select(Service.id, Service.x, Service.y, ServiceSession.day, ServiceSession.start,
               ServiceSession.end)
        .join(ServiceSession, ServiceSession.service_id == Service.id)
        .where(Service.status == "active", Service.x.is_not(None), Service.y.is_not(None))
        .order_by(Service.id, ServiceSession.day, ServiceSession.start)).all()
    ids: list[int] = sorted({r[0] for r in rows})
    pos = {sid: i for i, sid in enumerate(ids)}
    xy = {r[0]: (r[1], r[2]) for r in rows}
    sessions = session_frame([(pos[r[0]], r[3], r[4], r[5]) for r in rows])
    return np.asarray(ids, dtype=np.int64), np.asarray([xy[i] for i in ids], float).reshape(
        -1, 2), sessions


def store_run(session: Session, run: JourneyRun) -> JourneyRun:
    """Keep ``run`` in place of the previous one (the caller commits).

    Unless a run from newer inputs was stored meanwhile (a job that overlapped
    this one): that run is kept and returned instead.
    """
    newer = session.scalar(select(JourneyRun).where(
        JourneyRun.inputs_version > run.inputs_version).order_by(JourneyRun.id.desc()).limit(1))
    if newer is not None:
        return newer
    for old in session.scalars(select(JourneyRun)).all():
        session.delete(old)
    session.add(run)
    session.flush()
    return run


def transport_hashes(session: Session) -> list[tuple[str, str]]:
    """(kind, SHA-256) of each imported transport file, by kind."""
    return [(r[0], r[1]) for r in session.execute(
        select(TransportData.kind, TransportData.sha256).order_by(TransportData.kind))]


def inputs_digest(point_xy: FloatArray, youth: FloatArray, lsoa: Iterable[object],
                  service_ids: IntArray, venue_xy: FloatArray, sessions: pd.DataFrame,
                  transport: list[tuple[str, str]]) -> str:
    """SHA-256 of everything a journey run reads.

    Population points, active services' ids and places, their sessions, and the
    imported files' own digests.
    """
    h = hashlib.sha256()
    for arr in (np.asarray(point_xy, float), np.asarray(youth, float),
                np.asarray(service_ids, np.int64), np.asarray(venue_xy, float),
                sessions.to_numpy(np.int64)):
        h.update(np.ascontiguousarray(arr).tobytes())
        h.update(str(arr.shape).encode())
    h.update("\n".join(map(str, lsoa)).encode())
    h.update(json.dumps(transport).encode())
    return h.hexdigest()


def journey_inputs_digest(session: Session) -> str:
    """The digest of the journey inputs as they are now (see :func:`inputs_digest`)."""
    point_xy, youth, lsoa = population_points(session)
    service_ids, venue_xy, sessions = session_inputs(session)
    return inputs_digest(point_xy, youth, lsoa, service_ids, venue_xy, sessions,
                         transport_hashes(session))


def file_source(row: TransportData | None) -> FileSource | None:
    """The file a run read, for its stored metadata and the pages, or ``None``."""
    if row is None:
        return None
    return {"file_name": row.file_name, "source_date": row.source_date}
