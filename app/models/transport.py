"""Imported road network and bus timetable, one of each.

Each is stored whole in the database (``payload``: the processed network as
compressed numpy arrays, or the validated GTFS zip as published), so every app
server and worker sees the same data and an import is one transaction: all of
it, or none.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow
from .tenancy import CouncilOwned

TRANSPORT_KINDS = ("roads", "timetable")


class TransportData(CouncilOwned, Base):
    __tablename__ = "transport_data"
    __table_args__ = (UniqueConstraint("council_id", "kind", name="uq_transport_data_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # roads / timetable
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    # The data's own date (OSM extract timestamp; GTFS first service date), for attribution.
    source_date: Mapped[str | None] = mapped_column(String(20))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class JourneyRun(CouncilOwned, Base):
    """The latest complete journey computation: minutes per population point and
    service/session (compressed numpy arrays in ``payload``).

    ``inputs_version`` is the journey-inputs counter (:func:`app.dataversion.
    journeys_version`) when the run read its inputs, ``inputs_sha256`` a digest
    of those inputs (services' places and sessions, population points, the
    imported road network and timetable).  While the counter has moved on, the
    run is *stale*: views still use it, say it is being updated, and a
    background job brings it up to date."""

    __tablename__ = "journey_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    data_version: Mapped[int] = mapped_column(default=0)
    inputs_version: Mapped[int] = mapped_column(default=0)
    inputs_sha256: Mapped[str] = mapped_column(String(64), default="")
    limit_min: Mapped[float] = mapped_column(default=90.0)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seconds: Mapped[float] = mapped_column(default=0.0)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
