"""The publication boundary: everything about people leaves the app from here.

Flask-free.  :mod:`.snapshot` reads the response and answer rows (through
:mod:`.microdata`, the only reader outside survey storage, safeguarding,
retention and the admin's record-level export), protects every count with the
cell key method plus the council's suppression and rounding
(:mod:`.cellkey`), keeps each cell's last value until enough independent people
changed it (:mod:`.release`), leaves out answers held for review
(:mod:`.review`), and stores the result as a dated snapshot.  Views,
downloads, the API, the evidence pack, the dashboard, campaigns and planning
read that snapshot through the functions below, and nothing else: shares,
scores, ranks, orders, class breaks and versions are then worked out from
protected figures only.  Planning pages' counts of young people (census
population, not answers) are published by :mod:`.planning`.  docs/DISCLOSURE.md
describes the method.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from ..analysis.voice import VOICE_COLUMNS
from ..models import PublishedSnapshot
from .cellkey import CellKeyMethod, cell_key, ptable
from .keys import figure, latest, latest_token, survey_key
from .planning import publish_counts, publish_parts_total, publish_population_total, publish_rows
from .release import ReleaseRule
from .review import HeldGroup, HoldRules, held_groups, release
from .snapshot import Schedule, is_due, publish, status
from .survey_tables import NOT_SAID, Table
from .themes import page_themes, wave_themes
from .themes import themes as survey_themes
from .voice import COUNTY, voice_frame
from .waves import change, survey_waves, wave_tables, wave_voice


def version(session: Session) -> str:
    """The published version: the latest snapshot's random token ("none" before the
    first).  Safe in cache keys, ETags and the API: it carries no count or id."""
    return latest_token(session) or "none"


def survey_tables(session: Session, slug: str, area: str | None = None,
                  age: str | None = None) -> tuple[int | None, list[Table],
                                                   PublishedSnapshot | None]:
    """``(published total, [Table], snapshot)`` for one survey and filter.  The total is
    ``None`` when suppressed or when that filter is not published (an age band of an
    area too small to break down), and ``0`` before any snapshot."""
    snap = latest(session)
    doc = figure(session, snap, "survey", survey_key(slug, area, age))
    if doc is None:
        return (None if snap is not None and (area or age) else 0), [], snap
    return doc["total"], [Table.from_json(t) for t in doc["tables"]], snap


def breakdown(session: Session, slug: str, area: str | None) -> bool:
    """Whether the latest snapshot breaks ``area`` down by age and answer (areas whose
    published total reaches ``PUBLISH_BREAKDOWN_MIN``; the whole survey always)."""
    if not area:
        return True
    doc = figure(session, latest(session), "survey", survey_key(slug, area, None))
    return bool(doc and doc.get("breakdown", True))


def survey_areas(session: Session, slug: str) -> list[tuple[str, str]]:
    """(code, name) of the areas in the published area table, by name."""
    _total, tables, _snap = survey_tables(session, slug)
    for t in tables:
        if t.id == "area":
            pairs = [(c, n) for c, n in zip(t.codes, t.rows, strict=True) if c]
            return sorted(pairs, key=lambda p: (p[1], p[0]))
    return []


def totals(session: Session) -> dict[str, Any]:
    """{"all": n, "surveys": {slug: n}, "versions": {survey id: n}}, published values."""
    doc = figure(session, latest(session), "totals", "all")
    return doc or {"all": 0, "surveys": {}, "versions": {}}


def voice(session: Session, level: str, index: Iterable[Any]) -> pd.DataFrame:
    """Published voice figures for the areas ``index`` of ``level``."""
    cells = figure(session, latest(session), "voice", level) or {}
    return voice_frame(cells, list(index))


def voice_totals(session: Session, level: str) -> dict[str, Any]:
    """County-wide published voice figures at ``level`` (all zeros before any answer)."""
    cells = figure(session, latest(session), "voice", level) or {}
    return cells.get(COUNTY) or {col: 0 for col in VOICE_COLUMNS}


__all__ = ["NOT_SAID", "CellKeyMethod", "HeldGroup", "HoldRules", "ReleaseRule", "Schedule",
           "Table", "breakdown", "cell_key", "held_groups", "is_due", "latest", "page_themes",
           "ptable", "publish", "publish_counts", "publish_parts_total",
           "publish_population_total", "publish_rows", "release", "status", "survey_areas",
           "survey_tables", "survey_themes", "totals", "wave_themes", "version", "voice",
           "voice_totals", "change", "survey_waves", "wave_tables", "wave_voice"]
