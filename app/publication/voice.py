"""Published voice figures per area (the gap map's "voice" part), by cell key.

Each figure is the set of responses placed in the area (``responses``), or
those of them citing a barrier (``cites_cost``, ``cites_transport``,
``cites_nothing_near``, ``cites_any``); its published value comes from the
record keys of exactly those responses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from ..analysis.voice import BARRIER_QUESTIONS, VOICE_COLUMNS, _kinds
from .release import Member, Releaser, cid

COUNTY = "*"  # key of the county-wide figures in a level's document


def voice_cells(long: pd.DataFrame, rel: Releaser, level: str,
                codes: Iterable[str]) -> dict[str, dict[str, int | None]]:
    """{area code: {figure: published value}} for every area of ``level`` in
    ``codes`` (an area nobody answered from gets its own cells too, so an area
    never appears when its first answer arrives), and the county ``COUNTY``."""
    sets: dict[tuple[str, str], list[Member]] = {}
    if long is not None and not long.empty:
        people = long.drop_duplicates("response_id")
        for code, rid, key, opened in zip(people["area_code"], people["response_id"],
                                          people["record_key"], people["open"], strict=True):
            sets.setdefault((code, "responses"), []).append(
                Member(int(rid), int(key), bool(opened)))
        barriers = long[long["question_id"].isin(BARRIER_QUESTIONS)].copy()
        if len(barriers):
            barriers["kind"] = _kinds(barriers["value"])
            barriers = barriers.dropna(subset=["kind"])
            for kind, sub in [("any", barriers)] + [(k, barriers[barriers["kind"] == k])
                                                    for k in ("cost", "transport",
                                                              "nothing_near")]:
                sub = sub.drop_duplicates("response_id")
                for code, rid, key, opened in zip(sub["area_code"], sub["response_id"],
                                                  sub["record_key"], sub["open"], strict=True):
                    sets.setdefault((code, f"cites_{kind}"), []).append(
                        Member(int(rid), int(key), bool(opened)))
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


def voice_frame(cells: dict[str, dict[str, int | None]],
                index: Sequence[Any]) -> pd.DataFrame:
    """The published voice figures as a frame over ``index`` (an area missing from
    the snapshot, made after it, gets 0); ``None`` marks a suppressed value."""
    rows = {code: cells.get(str(code), {}) for code in index}
    return pd.DataFrame({col: pd.array([rows[c].get(col, 0) for c in index], dtype="object")
                         for col in VOICE_COLUMNS}, index=pd.Index(index))
