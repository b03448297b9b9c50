"""Reading the latest snapshot and one published figure, and the key survey tables
are stored under.

Kept apart from :mod:`.snapshot` (which writes them) so that modules the
snapshot itself uses, such as :mod:`.waves`, can read figures without an import
cycle.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..models import PublishedFigure, PublishedSnapshot

_T = TypeVar("_T", bound=tuple[Any, ...])


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
    return session.scalar(_newest(select(PublishedSnapshot)))


def latest_token(session: Session) -> str | None:
    """The newest published snapshot's token alone (None before the first): what a
    cache key needs, without loading the snapshot row."""
    return session.scalar(_newest(select(PublishedSnapshot.token)))


def _newest(query: Select[_T]) -> Select[_T]:
    return query.order_by(PublishedSnapshot.id.desc()).limit(1)
