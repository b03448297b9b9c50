"""Context for maps with no basemap, cached per imported file: roads, parish (else
ward) outlines and council buildings, drawn by :mod:`app.maps.context`.  Display,
not analysis input: nothing here feeds a figure."""

from __future__ import annotations

import geopandas as gpd
from sqlalchemy import select

from ..cache import cached
from ..geodata.crs import BNG
from ..models import Area, Building, TransportData

__all__ = ["context_near", "gap_map_context", "road_lines"]


def _roads_sha(session) -> str | None:
    """The imported road network's file hash (its cache key), or ``None``."""
    return session.scalar(select(TransportData.sha256).where(TransportData.kind == "roads"))


def road_lines(session, *, min_kmh: float = 0.0) -> gpd.GeoDataFrame | None:
    """The imported road network's drivable roads as merged lines (EPSG:27700), or
    ``None`` when no network is imported; cached per imported file."""
    sha = _roads_sha(session)
    if sha is None:
        return None

    def compute():
        from ..geodata.transport import load_network
        from ..maps.context import road_lines as lines

        return lines(load_network(session)[0], min_kmh=min_kmh)

    return cached("road_lines", session, {"sha": sha, "min_kmh": min_kmh}, compute,
                  responses=False)


def context_near(session, x: float, y: float, radius_m: float = 4000.0) -> dict:
    """The context around a point for a map with no basemap: parish (else ward)
    outlines and names, roads, and council buildings, within ``radius_m``.

    Generalised by scale (:func:`app.maps.context.generalise`): a small window (a
    service's page, 4 km) draws every street, a wider one the roads between villages,
    the whole county its A and B roads only; the wider the window, the simpler the
    lines.  A wide window (beyond :data:`app.maps.context.STREETS_HALF_M`: the
    directory's first page and other views of many results, the same for everyone) is
    cached per window, the key's data version moving with the areas, buildings and road
    network.  A street-level window is worked out each time: every postcode and service
    has its own, each cheap, and caching them would push the gap figures out of a small
    in-process cache."""
    from ..maps.context import STREETS_HALF_M

    if radius_m <= STREETS_HALF_M:
        return _context_near(session, x, y, radius_m)
    params = {"sha": _roads_sha(session), "x": round(x), "y": round(y), "r": round(radius_m)}
    return cached("context_near", session, params,
                  lambda: _context_near(session, x, y, radius_m), responses=False)


def _context_near(session, x: float, y: float, radius_m: float) -> dict:
    from ..maps.context import context_features, generalise

    min_kmh, tolerance_m = generalise(radius_m)
    window = (x - radius_m, y - radius_m, x + radius_m, y + radius_m)
    outlines = None
    for level in ("parish", "ward"):
        rows = session.execute(select(Area.name, Area.geom_wkb).where(Area.level == level)).all()
        if rows:
            import shapely

            outlines = gpd.GeoDataFrame({"name": [r.name for r in rows]},
                                        geometry=shapely.from_wkb([r.geom_wkb for r in rows]),
                                        crs=BNG)
            break
    places = [{"name": b.name, "x": b.x, "y": b.y, "kind": b.kind}
              for b in session.scalars(select(Building).where(
                  Building.x.between(window[0], window[2]),
                  Building.y.between(window[1], window[3])))]
    near = radius_m * 0.6  # surely on screen round the point
    return context_features(areas=outlines, roads=road_lines(session, min_kmh=min_kmh),
                            places=places, window=window,
                            label_window=(x - near, y - near, x + near, y + near),
                            tolerance_m=tolerance_m)


def gap_map_context(session) -> dict:
    """Roads for the county-wide gap map: the main roads only (A and B roads), cached
    per imported file."""
    from ..maps.context import MAIN_KMH, context_features

    sha = _roads_sha(session)
    if sha is None:
        return context_features()
    return cached("gap_map_context", session, {"sha": sha, "min_kmh": MAIN_KMH},
                  lambda: context_features(roads=road_lines(session, min_kmh=MAIN_KMH),
                                           tolerance_m=40.0), responses=False)
