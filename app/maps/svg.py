"""A static SVG choropleth for print (the evidence pack).  Pure: no Flask.

Drawn straight from the display geometry (EPSG:4326 scaled by cos(latitude)
so shapes are not stretched); needs no JavaScript and prints crisply.
"""

from __future__ import annotations

import math
from html import escape

import shapely


def choropleth_svg(geoms, colours, names, *, width: int = 640, title: str = "") -> str:
    geoms = list(geoms)
    if not geoms:
        return ""
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    k = math.cos(math.radians((miny + maxy) / 2))
    w = (maxx - minx) * k or 1.0
    h = (maxy - miny) or 1.0
    height = int(width * h / w)
    sx = width / w

    def ring(coords):
        pts = [f"{(x - minx) * k * sx:.1f},{(maxy - y) * sx:.1f}" for x, y in coords]
        return "M" + "L".join(pts) + "Z"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{escape(title)}" class="evidence-map">']
    for geom, colour, name in zip(geoms, colours, names, strict=True):
        polys = getattr(geom, "geoms", [geom])
        d = ""
        for poly in polys:
            if poly.geom_type != "Polygon":
                continue
            d += ring(poly.exterior.coords)
            for interior in poly.interiors:
                d += ring(interior.coords)
        parts.append(f'<path d="{d}" fill="{colour}" stroke="#333" stroke-width="0.5" '
                     f'fill-rule="evenodd"><title>{escape(str(name))}</title></path>')
    parts.append("</svg>")
    return "".join(parts)
