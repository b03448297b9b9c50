"""Travel times for the analysis, cached per data version: times imported from a
routing engine (:func:`travel_matrix`, :func:`imported_travel_modes`), else the
computed journeys (:mod:`app.geodata.journeys`) while they match the data."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import pandas as pd
from sqlalchemy import select

from ..cache import cached
from ..geodata.crs import BNG
from ..models import Area, TravelTime
from .areas import lsoa_areas

__all__ = ["imported_travel_modes", "travel_matrix"]


def travel_matrix(session, mode: str, *, to_kind: str = "service",
                  areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame | None:
    """Imported travel times (``from_code``, ``to_id``, ``minutes``) to ``to_kind``
    (service/building) by ``mode``, or ``None`` when none are imported.

    With ``areas`` (the level being mapped), times imported for areas of
    another level (an LSOA matrix when wards are shown, say) stand for each
    mapped area whose origin (``origin_x``/``origin_y`` or representative
    point, as in :func:`app.analysis.reach.area_origins`) lies in that area;
    an area's own imported rows win over borrowed ones.
    """
    codes = "" if areas is None else hashlib.sha256(
        ",".join(map(str, areas.index)).encode()).hexdigest()[:24]
    imported = cached("travel", session, {"mode": mode, "to": to_kind, "areas": codes},
                      lambda: _travel_matrix(session, mode, to_kind, areas), responses=False)
    if imported is not None or to_kind != "service":
        return imported
    return _journey_matrix(session, mode, areas, codes)


def _journey_matrix(session, mode, areas, codes) -> pd.DataFrame | None:
    """Without imported times: the computed journeys (:mod:`app.geodata.journeys`)
    while they match the current data, per area (LSOAs when ``areas`` is None)."""
    from ..geodata.journeys import current_journeys, journey_status

    status = journey_status(session)
    if status["basis"] != "network":
        return None

    def build():
        journeys = cached("journeys", session, {"id": status.get("run")},
                          lambda: current_journeys(session), responses=False)
        return None if journeys is None else journeys.matrix(
            mode, areas if areas is not None else lsoa_areas(session))

    return cached("journey-travel", session, {"mode": mode, "areas": codes,
                                              "id": status.get("run")},
                  build, responses=False)


def imported_travel_modes(session, to_kind: str = "service") -> list[str]:
    """The modes with travel times imported from a routing engine to ``to_kind``
    (they win over computed journeys and estimates)."""
    return cached("travel-modes", session, {"to": to_kind}, lambda: sorted(
        session.scalars(select(TravelTime.mode).where(TravelTime.to_kind == to_kind)
                        .distinct())), responses=False)


def _travel_matrix(session, mode, to_kind, areas) -> pd.DataFrame | None:
    rows = session.execute(
        select(TravelTime.from_code, TravelTime.to_id, TravelTime.minutes)
        .where(TravelTime.mode == mode, TravelTime.to_kind == to_kind)
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
