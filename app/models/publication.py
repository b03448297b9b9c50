"""Published snapshots: the only place figures about people are read from.

A :class:`PublishedSnapshot` is made on the council's schedule (or when an admin
publishes now)
by :mod:`app.publication`; it holds disclosure-controlled figures only, as
JSON documents in :class:`PublishedFigure` rows (one per survey and filter,
and one per area level for the gap map's voice figures).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow
from .tenancy import CouncilOwned


class PublishedSnapshot(CouncilOwned, Base):
    __tablename__ = "published_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A random token for versions, ETags and cache keys: carries no count or id.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    # How it was made: "schedule", "admin" or "cli"; and the method's parameters.
    trigger: Mapped[str] = mapped_column(String(20), default="schedule")
    method: Mapped[dict] = mapped_column(JSON, default=dict)
    # Internal bookkeeping, never shown: the highest response id read (responses
    # after it wait for the next snapshot).
    through_response: Mapped[int] = mapped_column(Integer, default=0)


class ReleaseState(CouncilOwned, Base):
    """Internal bookkeeping of the release model (:mod:`app.publication.release`),
    never shown: for each published cell, how many people it held when its value
    was last released, the highest response id then, and the value released.  The
    next snapshot keeps a cell's value until enough independent people changed it."""

    __tablename__ = "release_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("published_snapshot.id", ondelete="CASCADE"), unique=True)
    cells: Mapped[dict] = mapped_column(JSON, default=dict)


class PublishedFigure(CouncilOwned, Base):
    """One published document: ``dataset`` is "survey" (key: survey slug and filter),
    "voice" (key: area level) or "totals"; ``payload`` holds protected figures only."""

    __tablename__ = "published_figure"
    __table_args__ = (UniqueConstraint("snapshot_id", "dataset", "key",
                                       name="uq_published_figure_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("published_snapshot.id", ondelete="CASCADE"), index=True)
    dataset: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSON)
