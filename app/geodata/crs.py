"""The two coordinate reference systems the app uses, named once.

Everything is stored and measured in British National Grid (:data:`BNG`,
metres; ``x``/``y`` are easting/northing); maps and GeoJSON are drawn in
:data:`WGS84` longitude/latitude.  Give these to pyproj, geopandas and shapely
(``to_crs(WGS84)``, ``Transformer.from_crs(WGS84, BNG, always_xy=True)``) and
compare EPSG codes with :data:`BNG_EPSG` / :data:`WGS84_EPSG`.  No other module
writes the literals (``tests/codebase/test_crs.py``).
"""

from __future__ import annotations

from typing import Final

BNG_EPSG: Final = 27700
WGS84_EPSG: Final = 4326
BNG: Final = f"EPSG:{BNG_EPSG}"
WGS84: Final = f"EPSG:{WGS84_EPSG}"
