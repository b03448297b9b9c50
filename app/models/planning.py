"""Planning scenarios: named sets of changes to a copy of the live directory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow
from .tenancy import CouncilOwned, _column_default


class Scenario(CouncilOwned, Base):
    __tablename__ = "scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # Ordered list of changes, each a dict with a "kind" (add, close, make_free, ...).
    changes: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class TravelTime(CouncilOwned, Base):
    """An imported travel-time matrix row (from a routing engine)."""

    __tablename__ = "travel_time"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_code: Mapped[str] = mapped_column(String(32), index=True)
    to_kind: Mapped[str] = mapped_column(String(20))  # service / building
    to_id: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[float] = mapped_column()


class DataVersion(CouncilOwned, Base):
    """A counter bumped whenever the directory or data change; cache keys carry it."""

    __tablename__ = "data_version"

    # The counter's number within its council (1: data, 2: journey inputs).
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    council_id: Mapped[int] = mapped_column(  # type: ignore[assignment]
        ForeignKey("council.id", ondelete="CASCADE"), primary_key=True,
        default=_column_default)
    version: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
