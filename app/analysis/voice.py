"""Young people's voice per area: how many answered and what stops them.

Input is a long table, one row per answer (a response with no answers may
appear once with an empty ``question_id``): columns ``response_id``,
``area_code``, ``question_id``, ``value``.  Survey definitions are owned by the
survey module and may change, so barrier answers are recognised by the
question id (any of :data:`BARRIER_QUESTIONS`) and classified by keywords in
the option value (:data:`BARRIER_KEYWORDS`), not by a fixed list of codes.

All figures here are raw counts: publish them only through disclosure
control (:mod:`app.publication`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

BARRIER_QUESTIONS = ("barriers", "barrier", "what_stops_you", "stops_you", "why_not")
BARRIER_KEYWORDS = {
    "cost": ("cost", "expensive", "afford", "money", "price", "pay"),
    "transport": ("transport", "bus", "travel", "lift", "get_there", "getting_there"),
    "nothing_near": ("nothing_near", "nothing near", "nothing_nearby", "none_near",
                     "too_far", "far_away", "nothing_local", "no_provision"),
}


_PATTERNS = {
    kind: re.compile("|".join(rf"(?:^|[^a-z]){re.escape(w)}" for w in words))
    for kind, words in BARRIER_KEYWORDS.items()
}


def barrier_kind(value: str | None) -> str | None:
    """'cost', 'transport', 'nothing_near' or ``None`` for an option value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).lower()
    for kind in ("nothing_near", "cost", "transport"):
        if _PATTERNS[kind].search(text):
            return kind
    return None


def _kinds(values: pd.Series) -> pd.Series:
    """:func:`barrier_kind` of each value, working out each distinct value once."""
    uniques = values.dropna().unique()
    lookup = {v: barrier_kind(v) for v in uniques}
    return values.map(lookup)


VOICE_COLUMNS = ("responses", "cites_cost", "cites_transport", "cites_nothing_near",
                 "cites_any")


def voice_figures(responses: pd.DataFrame, index: pd.Index | None = None, *,
                  questions: Sequence[str] = BARRIER_QUESTIONS) -> pd.DataFrame:
    """Survey responses and the barriers they cite, per area.

    Per area: ``responses`` (distinct responses), the number of responses
    citing cost, transport and nothing near (each response counted once per
    barrier) and ``cites_any`` (responses citing at least one of them).  ``index`` (area codes) fixes the rows; areas with no responses
    get zeros.  ``responses`` may be ``None`` or empty.
    """
    cols = list(VOICE_COLUMNS)
    if responses is None or len(responses) == 0:
        out = pd.DataFrame(0, index=pd.Index(index if index is not None else [], name="code"),
                           columns=cols)
        return out
    df = pd.DataFrame(responses)
    df = df[df["area_code"].notna()]
    counts = df.groupby("area_code")["response_id"].nunique().rename("responses")
    out = pd.DataFrame(counts)
    if "question_id" in df.columns:
        barriers = df[df["question_id"].isin(questions)].copy()
        barriers["kind"] = _kinds(barriers["value"])
        barriers = barriers.dropna(subset=["kind"])
        out["cites_any"] = barriers.groupby("area_code")["response_id"].nunique()
        barriers = barriers.drop_duplicates(["response_id", "kind"])
        per = barriers.groupby(["area_code", "kind"]).size().unstack(fill_value=0)
        for kind in ("cost", "transport", "nothing_near"):
            out[f"cites_{kind}"] = per[kind] if kind in per.columns else 0
    for c in cols:
        if c not in out.columns:
            out[c] = 0
    out = out[cols].fillna(0).astype(int)
    if index is not None:
        out = out.reindex(pd.Index(index), fill_value=0)
    return out
