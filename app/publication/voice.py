"""Published voice figures per area (the gap map's "voice" part), by cell key.

Each figure is the set of responses placed in the area (``responses``), or
those of them citing a barrier (``cites_cost``, ``cites_transport``,
``cites_nothing_near``, ``cites_any``); its published value comes from the
record keys of exactly those responses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from ..analysis.voice import BARRIER_QUESTIONS, VOICE_COLUMNS, barrier_kind
from .release import Member, Releaser, cid

COUNTY = "*"  # key of the county-wide figures in a level's document


def voice_cells(long: pd.DataFrame, rel: Releaser, level: str,
                codes: Iterable[str]) -> dict[str, dict[str, int | None]]:
    """{area code: {figure: published value}} for every area of ``level`` in
    ``codes`` (an area nobody answered from gets its own cells too, so an area
    never appears when its first answer arrives), and the county ``COUNTY``."""
    sets: dict[tuple[str, str], list[Member]] = {}
    if long is not None and not long.empty:
        # One pass over the rows (a snapshot makes these at every level, every night):
        # each response once in its area's "responses", and once in each barrier kind it
        # cites and in "any" (a kind worked out once per distinct option value).
        kinds: dict[Any, str | None] = {}
        counted: set[tuple[str, Any]] = set()
        questions = set(BARRIER_QUESTIONS)
        for code, rid, key, opened, qid, value in zip(
                long["area_code"].tolist(), long["response_id"].tolist(),
                long["record_key"].tolist(), long["open"].tolist(),
                long["question_id"].tolist(), long["value"].tolist(), strict=True):
            member = Member(int(rid), int(key), bool(opened))
            cited: tuple[str, ...] = ("responses",)
            if qid in questions and not _missing(value):
                if value not in kinds:
                    kinds[value] = barrier_kind(value)
                kind = kinds[value]
                if kind is not None:
                    cited = ("responses", "cites_any", f"cites_{kind}")
            for col in cited:
                if (col, rid) not in counted:
                    counted.add((col, rid))
                    sets.setdefault((code, col), []).append(member)
    out: dict[str, dict[str, int | None]] = {}
    for code in sorted({str(c) for c in codes} | {c for c, _col in sets}):
        margin = len(sets.get((code, "responses"), []))
        out[code] = {col: rel.cell(cid("voice", level, code, col), sets.get((code, col), []),
                                   None if col == "responses" else margin)
                     for col in VOICE_COLUMNS}
    # The whole county (every response placed in an area of this level): its own cells.
    everyone = len([m for (_c, col), ms in sets.items() if col == "responses" for m in ms])
    out[COUNTY] = {col: rel.cell(cid("voice", level, COUNTY, col),
                                 [m for (_c, c), ms in sets.items() if c == col for m in ms],
                                 None if col == "responses" else everyone)
                   for col in VOICE_COLUMNS}
    return out


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def voice_frame(cells: dict[str, dict[str, int | None]],
                index: Sequence[Any]) -> pd.DataFrame:
    """The published voice figures as a frame over ``index`` (an area missing from
    the snapshot, made after it, gets 0); ``None`` marks a suppressed value."""
    rows = {code: cells.get(str(code), {}) for code in index}
    return pd.DataFrame({col: pd.array([rows[c].get(col, 0) for c in index], dtype="object")
                         for col in VOICE_COLUMNS}, index=pd.Index(index))
