"""What a browser asks for when it shows tiles of :mod:`app.geodata.tiles`.

The zoom at which bounds fit a window and the tiles under it (the bench's
"first view").  No Flask.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pyproj import Transformer

from .crs import WGS84
from .tiles import ORIGIN, WEB_MERCATOR, TileOptions, tile_range


def fit_zoom(bounds: Sequence[float], width: int, height: int, padding: int = 10) -> float:
    """The zoom at which Web Mercator ``bounds`` fit a ``width`` x ``height`` px view.

    (512 px tiles, as MapLibre draws vector tiles; ``fitBounds`` with ``padding``).
    """
    metres_x = max(bounds[2] - bounds[0], 1.0)
    metres_y = max(bounds[3] - bounds[1], 1.0)
    zx = math.log2((width - 2 * padding) * 2 * ORIGIN / (512 * metres_x))
    zy = math.log2((height - 2 * padding) * 2 * ORIGIN / (512 * metres_y))
    return min(zx, zy)


def view_tiles(bounds: Sequence[float], width: int, height: int,
               options: TileOptions | None = None) -> tuple[int, list[tuple[int, int, int]]]:
    """The zoom MapLibre loads and the tiles it asks for when it fits ``bounds``.

    (Web Mercator) into a ``width`` x ``height`` view: the tiles under the view.
    """
    options = options or TileOptions()
    zoom = fit_zoom(bounds, width, height)
    z = min(max(int(math.floor(zoom)), options.min_zoom), options.max_zoom)
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    metres_px = 2 * ORIGIN / (512 * 2 ** zoom)
    half_w, half_h = width / 2 * metres_px, height / 2 * metres_px
    xs, ys = tile_range((cx - half_w, cy - half_h, cx + half_w, cy + half_h), z)
    return z, [(z, x, y) for x in xs for y in ys]


def mercator_bounds(lonlat: Sequence[float]) -> tuple[float, float, float, float]:
    """Web Mercator bounds of (west, south, east, north) in degrees."""
    to_merc = Transformer.from_crs(WGS84, WEB_MERCATOR, always_xy=True)
    x0, y0 = to_merc.transform(lonlat[0], lonlat[1])
    x1, y1 = to_merc.transform(lonlat[2], lonlat[3])
    return float(x0), float(y0), float(x1), float(y1)
