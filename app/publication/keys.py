"""Reading the latest snapshot and one published figure, and the key survey tables
are stored under.

Kept apart from :mod:`.snapshot` (which writes them) so that modules the
snapshot itself uses, such as :mod:`.waves`, can read figures without an import
cycle.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import PublishedFigure, PublishedSnapshot


def figure(session: Session, snapshot: PublishedSnapshot | None, dataset: str,
           key: str) -> Any:
    """The payload of one published figure of ``snapshot`` (None without one)."""
    if snapshot is None:
        return None
    return session.scalar(select(PublishedFigure.payload).where(
        PublishedFigure.snapshot_id == snapshot.id, PublishedFigure.dataset == dataset,
        PublishedFigure.key == key))


def survey_key(slug: str, area: str | None = None, age: str | None = None) -> str:
    """``slug|area|age``: the key of a survey's table for one area and age band."""
    return f"{slug}|{area or ''}|{age or ''}"


def latest(session: Session) -> PublishedSnapshot | None:
    """The newest published snapshot (None before the first)."""
    return session.scalar(select(PublishedSnapshot)
                          .order_by(PublishedSnapshot.id.desc()).limit(1))
