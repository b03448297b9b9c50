"""Survey waves in the published snapshot.  No Flask.

A wave ("2026") is the responses whose submission date falls within its dates
(:class:`app.models.SurveyWave`).  Each wave gets its own published tables, built
exactly like the survey's (:func:`.survey_tables.build_tables`) and so protected
the same way: every cell by the cell key method, suppression, rounding and the
release model.  A wave's cells are named ``slug@wave|...``: they are figures of
the wave's people, never the survey's.

A change between two waves is **never a published figure**: a page works it out
with :func:`change` from the two published values, and gives none when either is
hidden.  So a difference says nothing the two published values do not; a hidden
count in one wave cannot be recovered by subtracting the other wave's figure from
the survey's total, because each of the three is perturbed with its own cell key
and rounded (tests/survey/test_waves_attack.py).

Options renamed between versions are counted together: the current definition's
``option_map`` ({question: {old value: new value}}) is applied to every answer
before any table is built (:func:`apply_option_map`); a new option is simply new.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import PublishedSnapshot, SurveyWave
from .cohort import Cohort, Selection
from .keys import figure, survey_key
from .release import Releaser
from .survey_tables import Filter, Table, build_tables
from .voice import voice_cells

WAVE = "wave"
WAVE_VOICE = "wave_voice"


def wave_slug(slug: str, wave: str) -> str:
    """The name a wave's cells and documents carry."""
    return f"{slug}@{wave}"


def survey_waves(session: Session, slug: str) -> list[SurveyWave]:
    """The waves of survey ``slug``, oldest first."""
    return list(session.scalars(select(SurveyWave).where(SurveyWave.survey_slug == slug)
                                .order_by(SurveyWave.opens_on, SurveyWave.id)))


def apply_option_map(answers: list[tuple[int, str, str | None]],
                     mapping: dict[str, dict[str, str]]) -> list[tuple[int, str, str | None]]:
    """``answers`` ((response id, question, value) rows) with old option values renamed,
    so answers to every version of a question count together."""
    if not mapping:
        return answers
    return [(rid, qid, mapping[qid].get(v, v) if v is not None else v)
            if qid in mapping else (rid, qid, v) for rid, qid, v in answers]


def in_wave(wave: SurveyWave, record: dict[str, Any]) -> bool:
    when = record.get("submitted_on")
    return when is not None and wave.holds(when, record.get("version"))


def wave_docs(session: Session, slug: str, definition: Any, records: Any, cohort: Cohort,
              rel: Releaser, names: dict[str, str], area_rows: list[str],
              ward_long: Any = None,
              ward_codes: Iterable[str] = ()) -> list[tuple[str, str, dict[str, Any]]]:
    """Every wave's documents: the wave's whole page (area and age tables, one table per
    question), each area's page (its total, and its answers when the area's published
    wave total reaches ``PUBLISH_BREAKDOWN_MIN``), and the wave's voice figures per ward
    (for the ward report) when ``ward_long`` (the ward level's voice records) is given.
    ``cohort``: the survey's people, in the order of ``records.responses``."""

    out: list[tuple[str, str, dict[str, Any]]] = []
    for wave in survey_waves(session, slug):
        ws = wave_slug(slug, wave.name)
        rows = cohort.where(np.fromiter((in_wave(wave, r) for r in records.responses),
                                        np.bool_, cohort.size))
        size = rows.count()
        codes = list(area_rows) + sorted(str(c) for c in cohort.present(rows, cohort.area)
                                         if c and c not in area_rows)

        def page(area: str | None, subset: Selection, codes_: Iterable[str] = (),
                 breakdown: bool = True, ws: str = ws, name: str = wave.name) -> None:
            total, tables = build_tables(subset, definition, rel, Filter(ws, area),
                                         names=names, area_rows=list(codes_),
                                         campaigns=[], grid_areas=None, breakdown=breakdown)
            out.append((WAVE, survey_key(ws, area, None),
                        {"total": total, "tables": [t.to_json() for t in tables],
                         "breakdown": breakdown, "wave": name}))

        for code in codes:  # areas first, as for the survey: one figure per area
            mine = rows & cohort.of(cohort.area, code)
            shown = rel.cell(Filter(ws, code).cell(), mine, size or None)
            page(code, mine, breakdown=shown is not None and shown >= rel.rule.breakdown_min)
        page(None, rows, codes)
        if ward_long is not None:
            long = ward_long[ward_long["response_id"].isin(rows.ids())]
            out.append((WAVE_VOICE, f"{ws}|ward",
                        voice_cells(long, rel, f"ward@{ws}", ward_codes)))
    return out


def wave_tables(session: Session, snapshot: PublishedSnapshot | None, slug: str, wave: str,
                area: str | None = None) -> tuple[int | None, list[Table]]:
    """``(published total, [Table])`` of one wave (and area) in ``snapshot``;
    ``(None, [])`` when the snapshot has no such document (a wave made after it)."""

    doc = figure(session, snapshot, WAVE, survey_key(wave_slug(slug, wave), area, None))
    if doc is None:
        return None, []
    total: int | None = doc["total"]
    return total, [Table.from_json(t) for t in doc["tables"]]


def wave_voice(session: Session, snapshot: PublishedSnapshot | None, slug: str,
               wave: str) -> dict[str, Any] | None:
    """A wave's published voice figures per ward ({ward code: {figure: value}})."""

    doc: dict[str, Any] | None = figure(session, snapshot, WAVE_VOICE,
                                        f"{wave_slug(slug, wave)}|ward")
    return doc


def change(before: int | None, after: int | None) -> int | None:
    """The change between two published values, or ``None`` when either is hidden
    (never worked out from anything but the published values)."""
    if before is None or after is None:
        return None
    return after - before


__all__ = ["apply_option_map", "change", "in_wave", "survey_waves", "wave_docs",
           "wave_slug", "wave_tables", "wave_voice"]
