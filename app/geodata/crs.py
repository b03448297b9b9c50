"""The two coordinate reference systems the app uses, named once.

Everything is stored and measured in British National Grid (:data:`BNG`,
metres; ``x``/``y`` are easting/northing); maps and GeoJSON are drawn in
:data:`WGS84` longitude/latitude.  Give these to pyproj, geopandas and shapely
(``to_crs(WGS84)``, ``Transformer.from_crs(WGS84, BNG, always_xy=True)``) and
compare EPSG codes with :data:`BNG_EPSG` / :data:`WGS84_EPSG`.  No other module
writes the literals (``tests/codebase/test_crs.py``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pyproj import Transformer

BNG_EPSG: Final = 27700
WGS84_EPSG: Final = 4326
BNG: Final = f"EPSG:{BNG_EPSG}"
WGS84: Final = f"EPSG:{WGS84_EPSG}"


_THREAD = threading.local()


def transformer(source: str, target: str) -> Transformer:
    """A pyproj ``Transformer`` from ``source`` to ``target`` (x/y order), one per thread.

    Made on first use (``always_xy``).  Building one costs 15-60 ms of CPU (pyproj
    reads its database), too much to repeat per request or to pay at import (every
    process start: the RQ workers, `flask` commands); and pyproj's objects are not to be
    shared between threads, so each thread keeps its own.
    """
    made: dict[tuple[str, str], Transformer] | None = getattr(_THREAD, "made", None)
    if made is None:
        made = _THREAD.made = {}
    key = (source, target)
    if key not in made:
        from pyproj import Transformer

        made[key] = Transformer.from_crs(source, target, always_xy=True)
    return made[key]
