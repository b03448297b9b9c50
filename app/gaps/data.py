"""Load the analysis inputs from the database.  Used by the gaps views and
the planning engineer's scenarios.

Each loader returns plain pandas/geopandas tables in the shapes documented
in :mod:`app.analysis`; nothing here holds state between requests.
"""

from __future__ import annotations

from datetime import time

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..analysis.services import monthly_cost as local_monthly_cost
from ..analysis.voice import BARRIER_QUESTIONS
from ..models import Answer, Area, Building, Response, Service, TravelTime

BNG = "EPSG:27700"
EVENING = time(17, 0)


def levels_with_areas(session) -> list[str]:
    from ..models import AREA_LEVELS

    have = set(session.scalars(select(Area.level).distinct()).all())
    return [lv for lv in AREA_LEVELS if lv in have]


def load_areas(session, level: str) -> gpd.GeoDataFrame:
    """Areas of ``level`` with their figures (``app.geodata.figures.area_figures``)."""
    try:
        from ..geodata.figures import area_figures
    except ModuleNotFoundError:  # pragma: no cover - before the geography module lands
        area_figures = None
    if area_figures is not None:
        gdf = area_figures(session, level)
        if len(gdf):
            return gdf
    areas = session.scalars(select(Area).where(Area.level == level).order_by(Area.code)).all()
    return gpd.GeoDataFrame(
        {"name": [a.name for a in areas]},
        geometry=[a.geometry for a in areas], crs=BNG,
        index=pd.Index([a.code for a in areas], name="code"),
    )


def _monthly(service) -> float | None:
    try:
        from ..directory.costs import service_monthly_cost
    except ModuleNotFoundError:  # pragma: no cover - before the directory module lands
        service_monthly_cost = None
    if service_monthly_cost is not None:
        return service_monthly_cost(service)
    if service.cost_model != "free" and service.cost_amount is None:
        return None
    term = bool(service.sessions) and all(s.term_time_only for s in service.sessions)
    return local_monthly_cost(service.cost_model, service.cost_amount,
                              max(len(service.sessions), 1), term)


def load_services(session, *, include_inactive: bool = False) -> pd.DataFrame:
    """Every service as the analysis table (see ``app.analysis.services``)."""
    q = select(Service).options(selectinload(Service.sessions)).order_by(Service.id)
    if not include_inactive:
        q = q.where(Service.status == "active")
    rows = []
    for s in session.scalars(q):
        sessions = list(s.sessions)
        cost = _monthly(s)
        rows.append({
            "id": s.id, "name": s.name, "service_type": s.service_type,
            "uniformed": bool(s.uniformed), "x": s.x, "y": s.y,
            "cost_model": s.cost_model,
            "cost_amount": float(s.cost_amount) if s.cost_amount is not None else None,
            "monthly_cost": np.nan if cost is None else float(cost),
            "sessions_per_week": len(sessions),
            "evening_weekend": sum(1 for x in sessions if x.day >= 5 or x.start >= EVENING),
            "capacity": s.capacity, "funding_end": s.funding_end,
            "funding_source": s.funding_source, "status": s.status,
            "postcode": s.postcode,
        })
    cols = ["id", "name", "service_type", "uniformed", "x", "y", "cost_model", "cost_amount",
            "monthly_cost", "sessions_per_week", "evening_weekend", "capacity",
            "funding_end", "funding_source", "status", "postcode"]
    return pd.DataFrame(rows, columns=cols)


def load_buildings(session) -> pd.DataFrame:
    rows = [{"id": b.id, "name": b.name, "x": b.x, "y": b.y, "kind": b.kind}
            for b in session.scalars(select(Building).order_by(Building.id))]
    return pd.DataFrame(rows, columns=["id", "name", "x", "y", "kind"])


def load_matrix(session, mode: str,
                areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame | None:
    """Imported travel times for ``mode`` (``from_code``, ``to_id``, ``minutes``).

    With ``areas`` (the level being mapped), times imported for areas of
    another level (an LSOA matrix when wards are shown, say) stand for each
    mapped area whose origin (``origin_x``/``origin_y`` or representative
    point, as in :func:`app.analysis.reach.area_origins`) lies in that area;
    an area's own imported rows win over borrowed ones.
    """
    rows = session.execute(
        select(TravelTime.from_code, TravelTime.to_id, TravelTime.minutes)
        .where(TravelTime.mode == mode, TravelTime.to_kind == "service")
    ).all()
    if not rows:
        return None
    matrix = pd.DataFrame(rows, columns=["from_code", "to_id", "minutes"])
    if areas is None or not len(areas):
        return matrix
    direct = matrix["from_code"].isin(areas.index)
    foreign = sorted(set(matrix.loc[~direct, "from_code"]))
    if not foreign:
        return matrix
    from ..analysis.reach import area_origins

    held = session.scalars(select(Area).where(Area.code.in_(foreign))).all()
    if not held:
        return matrix[direct]
    holders = gpd.GeoDataFrame({"holder": [a.code for a in held]},
                               geometry=[a.geometry for a in held], crs=BNG)
    xy = area_origins(areas)
    pts = gpd.GeoDataFrame({"code": list(areas.index)},
                           geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=BNG)
    joined = gpd.sjoin(pts, holders, how="inner", predicate="within")
    joined = joined.drop_duplicates("code")  # overlapping editions: first holder
    own = set(matrix.loc[direct, "from_code"])
    link = joined.loc[~joined["code"].isin(own), ["code", "holder"]]
    borrowed = link.merge(matrix, left_on="holder", right_on="from_code")
    borrowed = borrowed.assign(from_code=borrowed["code"])[["from_code", "to_id", "minutes"]]
    return pd.concat([matrix[direct], borrowed], ignore_index=True)


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
