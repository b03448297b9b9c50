"""Published voice figures per area (the gap map's "voice" part), by cell key.

Each figure is the set of responses placed in the area (``responses``), or
those of them citing a barrier (``cites_cost``, ``cites_transport``,
``cites_nothing_near``, ``cites_any``); its published value comes from the
record keys of exactly those responses.
"""

from __future__ import annotations

import pandas as pd

from ..analysis.voice import BARRIER_QUESTIONS, VOICE_COLUMNS, _kinds
from .cellkey import CellKeyMethod

COUNTY = "*"  # key of the county-wide figures in a level's document


def voice_cells(long: pd.DataFrame, method: CellKeyMethod) -> dict[str, dict[str, int | None]]:
    """{area code: {figure: published value}} for areas with at least one response."""
    if long is None or long.empty:
        return {}
    people = long.drop_duplicates("response_id")[["response_id", "record_key", "area_code"]]
    sets: dict[tuple[str, str], list[int]] = {}
    for code, key in zip(people["area_code"], people["record_key"], strict=True):
        sets.setdefault((code, "responses"), []).append(int(key))
    barriers = long[long["question_id"].isin(BARRIER_QUESTIONS)].copy()
    if len(barriers):
        barriers["kind"] = _kinds(barriers["value"])
        barriers = barriers.dropna(subset=["kind"])
        for kind, sub in [("any", barriers)] + [(k, barriers[barriers["kind"] == k])
                                                for k in ("cost", "transport", "nothing_near")]:
            sub = sub.drop_duplicates("response_id")
            for code, key in zip(sub["area_code"], sub["record_key"], strict=True):
                sets.setdefault((code, f"cites_{kind}"), []).append(int(key))
    out: dict[str, dict[str, int | None]] = {}
    for code in sorted(set(people["area_code"])):
        out[str(code)] = {col: method.publish_cell(sets.get((code, col), []))
                          for col in VOICE_COLUMNS}
    # The whole county (every response placed in an area of this level): its own cells.
    out[COUNTY] = {col: method.publish_cell([k for (_c, c), keys in sets.items() if c == col
                                             for k in keys]) for col in VOICE_COLUMNS}
    return out


def voice_frame(cells: dict, index) -> pd.DataFrame:
    """The published voice figures as a frame over ``index`` (areas without any
    response get 0, which is a true zero); ``None`` marks a suppressed value."""
    rows = {code: cells.get(str(code), {}) for code in index}
    return pd.DataFrame({col: pd.array([rows[c].get(col, 0) for c in index], dtype="object")
                         for col in VOICE_COLUMNS}, index=pd.Index(index))
