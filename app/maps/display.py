"""Geometry for display: simplified, in WGS84, coordinates rounded.

Boundaries are simplified in British National Grid (tolerance in metres,
topology kept), then reprojected to EPSG:4326 and snapped to a 1e-5 degree
grid (about 1 m): enough for a council-wide map, and it keeps the
Herefordshire LSOA or ward page well under 1.5 MB.
"""

from __future__ import annotations

import json

import geopandas as gpd
import shapely

from ..geodata.crs import BNG, WGS84, transformer

DEFAULT_TOLERANCE_M = 40.0
GRID_DEG = 1e-5


def display_geometry(gdf: gpd.GeoDataFrame, tolerance_m: float = DEFAULT_TOLERANCE_M,
                     grid: float = GRID_DEG) -> gpd.GeoSeries:
    geom = gdf.geometry
    if gdf.crs is not None and gdf.crs.is_projected:
        geom = geom.simplify(tolerance_m, preserve_topology=True)
    geom = geom.to_crs(WGS84) if gdf.crs is not None else geom
    snapped = shapely.set_precision(geom.values, grid)
    # A sliver can collapse to nothing; keep the unsnapped shape then.
    keep = shapely.is_empty(snapped)
    snapped[keep] = geom.values[keep]
    return gpd.GeoSeries(snapped, index=gdf.index, crs=WGS84)


def _to_latlon():
    """This thread's BNG -> WGS84 transformer (:func:`app.geodata.crs.transformer`)."""
    return transformer(BNG, WGS84)


def points_latlon(x, y):
    """(lat, lon) arrays for eastings/northings."""
    import numpy as np

    t = _to_latlon()
    lon, lat = t.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.round(lat, 5), np.round(lon, 5)


def feature_collection(geoms: gpd.GeoSeries, properties: list[dict], **members) -> dict:
    """A GeoJSON FeatureCollection dict (``members`` added at the top level)."""
    features = []
    for geom, props in zip(geoms.values, properties, strict=True):
        features.append({"type": "Feature", "id": props.get("code"),
                         "properties": props,
                         "geometry": json.loads(shapely.to_geojson(geom))})
    return {"type": "FeatureCollection", **members, "features": features}
