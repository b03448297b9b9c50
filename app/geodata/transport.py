"""Import a road network (OSM PBF) and a bus timetable (GTFS zip).

Each replaces the previous one of its kind inside the caller's transaction,
is audited, and keeps the data's own date for attribution.  Nothing is
written until the whole file has been read and checked, and a file over the
size limits (:class:`~app.analysis.filelimits.TransportLimits`, the ``GTFS_*``
and ``OSM_*`` settings, which the callers pass in) is refused before it is read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis.filelimits import TransportLimits, megabytes
from ..analysis.gtfs import Feed, TimetableError, validate_feed
from ..analysis.roads import NetworkError, RoadNetwork, read_osm
from ..audit import record
from ..models import TransportData
from .errors import FilePath, GeodataError, ImportReport

ACTOR = "command line (flask geodata)"

# What a file held (counts, lengths, dates), stored as JSON with it and shown on the pages.
Summary = dict[str, Any]


class TransportImport(TypedDict):
    """What is imported of one kind, for the pages (without the data itself)."""

    file_name: str
    source_date: str | None
    imported_at: str  # ISO date and time, to the minute
    summary: Summary


def _store(session: Session, kind: str, path: Path, payload: bytes, digest: str,
           source_date: str | None, summary: Summary) -> TransportData:
    """Keep the file as imported (one row per kind) and audit the change."""
    row = session.scalar(select(TransportData).where(TransportData.kind == kind))
    before: dict[str, Any] | None = None
    if row is None:
        row = TransportData(kind=kind)
        session.add(row)
    else:
        before = {"file_name": row.file_name, "sha256": row.sha256,
                  "source_date": row.source_date, "summary": row.summary}
    row.file_name, row.sha256, row.source_date = path.name, digest, source_date
    row.summary, row.payload = summary, payload
    from ..models.base import utcnow

    row.imported_at = utcnow()
    session.flush()
    record(session, user=ACTOR, action=f"import {kind}", obj=row, before=before,
           after={"file_name": path.name, "sha256": digest, "source_date": source_date,
                  "summary": summary})
    return row


def import_network(session: Session, path: FilePath,
                   limits: TransportLimits | None = None) -> ImportReport:
    """Read an OpenStreetMap ``.osm.pbf`` extract into walk, cycle and drive networks."""
    path = Path(path)
    if not path.is_file():
        raise GeodataError(path, "file not found")
    try:
        network = read_osm(path, name=path.name, limits=limits)
    except NetworkError as exc:
        raise GeodataError(None, str(exc)) from None
    with path.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    summary = network.summary()
    _store(session, "roads", path, network.to_bytes(), digest, network.source_date, summary)
    report = ImportReport(path, "road network", rows=int(summary["edges"]))
    report.notes += [f"{summary['nodes']} nodes; walk {summary['walk_km']} km, cycle "
                     f"{summary['cycle_km']} km, drive {summary['drive_km']} km",
                     f"OpenStreetMap data as of {network.source_date or 'an unknown date'}"]
    return report


def import_timetable(session: Session, path: FilePath,
                     limits: TransportLimits | None = None) -> ImportReport:
    """Check a GTFS zip and keep it as published."""
    path = Path(path)
    if not path.is_file():
        raise GeodataError(path, "file not found")
    limits = limits or TransportLimits()
    size = path.stat().st_size
    if size > limits.gtfs_max_bytes:
        raise GeodataError(path, f"the zip file is {megabytes(size)}, over the "
                                 f"{limits.gtfs_max_mb} MB allowed (GTFS_MAX_UNCOMPRESSED_MB)")
    data = path.read_bytes()
    try:
        summary = validate_feed(data, name=path.name, limits=limits)
    except TimetableError as exc:
        raise GeodataError(None, str(exc)) from None
    digest = hashlib.sha256(data).hexdigest()
    _store(session, "timetable", path, data, digest, summary["first_date"], summary)
    report = ImportReport(path, "bus timetable (GTFS)", rows=summary["stop_times"])
    report.notes += [f"{summary['stops']} stops, {summary['routes']} routes, "
                     f"{summary['trips']} trips",
                     f"services from {summary['first_date']} to {summary['last_date']}"]
    return report


def load_network(session: Session) -> tuple[RoadNetwork | None, TransportData | None]:
    """The imported road network and its row, or ``(None, None)``."""
    row = session.scalar(select(TransportData).where(TransportData.kind == "roads"))
    return (RoadNetwork.from_bytes(row.payload), row) if row else (None, None)


def load_timetable(session: Session, limits: TransportLimits | None = None
                   ) -> tuple[Feed | None, TransportData | None]:
    """The imported bus timetable as a :class:`~app.analysis.gtfs.Feed` and its row.

    :class:`~app.analysis.gtfs.TimetableError` if the stored zip is over ``limits``.
    """
    row = session.scalar(select(TransportData).where(TransportData.kind == "timetable"))
    return (Feed.read(row.payload, name=row.file_name, limits=limits), row) if row \
        else (None, None)


def transport_summaries(session: Session) -> dict[str, TransportImport]:
    """What is imported, by kind (``roads``, ``timetable``).

    File, dates and summary, without reading the stored data itself.
    """
    rows = session.execute(select(TransportData.kind, TransportData.file_name,
                                  TransportData.source_date, TransportData.imported_at,
                                  TransportData.summary))
    return {r.kind: {"file_name": r.file_name, "source_date": r.source_date,
                     "imported_at": r.imported_at.isoformat(timespec="minutes"),
                     "summary": dict(r.summary or {})} for r in rows}
