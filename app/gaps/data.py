"""Load survey answers for the gap analysis, placed in the areas being mapped.

Areas, services, council buildings and travel times come from the shared
loader, :mod:`app.loaders` (cached per data version); this module reads only
what the survey adds.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from sqlalchemy import select

from ..analysis.voice import BARRIER_QUESTIONS
from ..loaders import BNG
from ..models import Answer, Area, Response


def travel_status(session) -> dict:
    """Network journeys or straight line (see :mod:`app.geodata.journeys`)."""
    from ..geodata.journeys import journey_status

    return journey_status(session)


def load_journeys(session):
    """The stored journeys for the current data (cached per data version), or None."""
    from ..cache import cached
    from ..geodata.journeys import current_journeys

    status = travel_status(session)
    return cached("journeys", session, {"run": status["computed_at"]},
                  lambda: current_journeys(session), responses=False)


def load_responses(session, level: str, areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Long answers table (``response_id``, ``area_code``, ``question_id``, ``value``)
    with every response placed in an area of ``level``.

    A response recorded at another level (an LSOA, say, when wards are shown)
    is placed in the ``level`` area containing that area's representative
    point.  Only barrier questions are read: nothing else is needed here.
    """
    resp = pd.DataFrame(session.execute(
        select(Response.id, Response.area_level, Response.area_code)
        .where(Response.area_code.is_not(None))
    ).all(), columns=["response_id", "area_level", "area_code"])
    cols = ["response_id", "area_code", "question_id", "value"]
    if resp.empty:
        return pd.DataFrame(columns=cols)
    other = resp[resp["area_level"].fillna(level) != level]
    if len(other) and areas is not None and len(areas):
        mapping = _place_codes(session, other[["area_level", "area_code"]].drop_duplicates(),
                               areas)
        keys = list(zip(other["area_level"], other["area_code"], strict=True))
        resp.loc[other.index, "area_code"] = [mapping.get(k) for k in keys]
    elif len(other):
        resp.loc[other.index, "area_code"] = None
    resp = resp[resp["area_code"].notna()]
    answers = pd.DataFrame(session.execute(
        select(Answer.response_id, Answer.question_id, Answer.value)
        .where(Answer.question_id.in_(BARRIER_QUESTIONS), Answer.is_free_text.is_(False))
    ).all(), columns=["response_id", "question_id", "value"])
    long = resp[["response_id", "area_code"]].merge(answers, on="response_id", how="left")
    return long[cols]


def _place_codes(session, pairs: pd.DataFrame, areas: gpd.GeoDataFrame) -> dict:
    rows = session.execute(
        select(Area.level, Area.code, Area.centroid_x, Area.centroid_y)
        .where(Area.code.in_(pairs["area_code"].tolist()))
    ).all()
    pts = pd.DataFrame(rows, columns=["level", "code", "x", "y"]).dropna()
    if pts.empty:
        return {}
    gpts = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts["x"], pts["y"]), crs=BNG)
    joined = gpd.sjoin(gpts, areas[["geometry"]].rename_axis("target").reset_index(),
                       how="left", predicate="within")
    return {(lv, c): t for lv, c, t in zip(joined["level"], joined["code"], joined["target"],
                                           strict=True) if isinstance(t, str)}


def figure_sources(areas: gpd.GeoDataFrame) -> dict:
    """{figure: {source, year, note}} from ``area_figures``' attrs (may be empty)."""
    return dict(areas.attrs.get("sources") or {})
