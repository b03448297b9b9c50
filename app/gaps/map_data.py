"""What the gap map draws and the GeoJSON download carries: area properties, the
services as points, the ten areas most in need and the folium map itself.  Split
from :mod:`app.gaps.service` (which calls :func:`build_map`); the downloads call
:func:`geojson_payload`.  Reads a :class:`~app.gaps.service.GapView`, never the
database but for the map's context layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from flask import current_app, url_for

from ..analysis import FIGURES, TABLE_COLUMNS, filter_mask, format_value, records, services_frame
from ..analysis.gaps import rank_label
from ..analysis.travel import radius_for
from ..extensions import db
from ..inputs import map_context
from ..maps.display import feature_collection, points_latlon
from ..maps.gap_map import COST_LABELS, build_gap_map, cost_band
from ..maps.page import page_parts
from ..models.directory import SERVICE_TYPES
from ..security import csp_nonce

if TYPE_CHECKING:
    from .service import GapView


def _num(v):
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _service_points(view: GapView) -> list[dict]:
    svc = services_frame(view.services) if len(view.services) else view.services
    if svc is None or svc.empty:
        return []
    svc = svc[svc["x"].notna() & svc["y"].notna()]
    if svc.empty:
        return []
    p = view.params
    passes = filter_mask(svc, p.filter, max_monthly=p.max_monthly)
    lat, lon = points_latlon(svc["x"], svc["y"])
    out = []
    for n, row in enumerate(svc.itertuples(index=False)):
        monthly = _num(row.monthly_cost)
        band = cost_band(monthly, p.max_monthly)
        cost_text = "free" if band == "free" else (
            "price not known" if monthly is None else f"£{monthly:,.2f} a month")
        # A service outside the council counts for reach; its mark says where it is.
        name = f"{row.name} (in a neighbouring area)" if row.outside_council else row.name
        out.append({"id": int(row.id), "name": name, "lat": float(lat[n]),
                    "lon": float(lon[n]), "type": row.service_type,
                    "type_label": SERVICE_TYPES.get(row.service_type, row.service_type),
                    "cost_band": band, "cost_text": cost_text, "passes": bool(passes[n])})
    return out


def _incomplete_text(row: dict) -> str:
    """' (incomplete: no rurality figure)' for an area scored without an input."""
    if row.get("complete") is not False:
        return ""
    return f" (incomplete: no {row.get('missing') or 'figure'} figure)"


def area_properties(view: GapView) -> list[dict]:
    c = view.classification()
    fig = view.params.figure
    label = FIGURES[fig]["label"]
    props = []
    for n, row in enumerate(records(view.published, TABLE_COLUMNS)):
        value = row.get(fig)
        props.append({**row, "figure": fig, "value": value, "colour": c.value_colours[n],
                      "class": c.classes[n],
                      "value_text": f"{label}: {format_value(fig, value)}"})
    return props


def geojson_payload(view: GapView) -> dict:
    """The GeoJSON download and the data ``gaps.js`` restyles the map with."""
    if not view.has_areas:
        return {"type": "FeatureCollection", "features": [], "legend": None}
    p = view.params
    services = _service_points(view)
    return feature_collection(
        view.display, area_properties(view),
        figure=p.figure, legend=view.legend(), summary=view.summary(),
        parameters=p.query(),
        services_passing=[s["id"] for s in services if s["passes"]],
        catchment_m=round(radius_for(p.threshold, p.mode)),
        top=[{"rank": rank_label(r["rank"], view.published["rank"]), "name": r["name"],
              "code": r["code"],
              "value": format_value(p.figure, r.get(p.figure))}
             for r in top_rows(view, 10)],
    )


def top_rows(view: GapView, n: int = 10) -> list[dict]:
    """The ``n`` areas most in need by the mapped figure (gap score: by rank)."""
    fig = view.params.figure
    df = view.published
    worse = FIGURES[fig]["worse"]
    key = pd.to_numeric(df[fig], errors="coerce") if fig in df.columns else df["gap_score"]
    df = df.assign(_k=key).sort_values(["_k", "rank"], ascending=[worse == "low", True],
                                       na_position="last")
    return records(df.head(n), TABLE_COLUMNS)


def build_map(view: GapView) -> dict:
    p = view.params
    props = area_properties(view)
    inside = view.display.representative_point()  # where each area's name goes
    fc = feature_collection(view.display, [
        {"code": pr["code"], "name": pr["name"], "colour": pr["colour"],
         "incomplete": pr.get("complete") is False, "label": [round(pt.y, 5), round(pt.x, 5)],
         "value_text": pr["value_text"] + _incomplete_text(pr)
         + (" (uncertain: few or no postcodes)" if pr.get("uncertain") else "")}
        for pr, pt in zip(props, inside, strict=True)])
    b = view.display.total_bounds
    services = _service_points(view)
    buildings = []
    if view.buildings is not None and len(view.buildings):
        lat, lon = points_latlon(view.buildings["x"], view.buildings["y"])
        buildings = [{"name": r.name, "kind": r.kind, "lat": float(lat[n]),
                      "lon": float(lon[n])}
                     for n, r in enumerate(view.buildings.itertuples(index=False))]
    tiles_url = current_app.config["MAP_TILES_URL"]
    gm = build_gap_map(
        fc, services, buildings, bounds=[[b[1], b[0]], [b[3], b[2]]],
        catchment_m=radius_for(p.threshold, p.mode),
        tiles_url=tiles_url,
        attribution=current_app.config["MAP_TILES_ATTRIBUTION"],
        context=None if tiles_url else map_context.gap_map_context(db.session),
    )
    parts = page_parts(gm.map, lambda package, filename: url_for(
        "vendor.asset", name=package, filename=filename), csp_nonce())
    return {**parts, "names": gm.names, "cost_labels": COST_LABELS,
            "top": top_rows(view, 10)}
