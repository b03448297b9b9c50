"""Names a person knows for LSOAs: the parish and ward an LSOA's centre lies in.

Planning works on LSOAs, whose official names ("Wyvernshire 012C") and codes
mean little to a councillor.  :func:`place_names` gives each LSOA the name of
the parish and of the ward containing its centre (its ``origin_x``/``origin_y``),
from the ``area`` table; an LSOA outside every parish and ward keeps its own name.
"""

from __future__ import annotations

import pandas as pd
import shapely
from sqlalchemy import select

from ..models import Area


def _containing(points, session, level: str) -> list[str | None]:
    """For each point, the name of the ``level`` area containing it (newest edition
    first when several editions are loaded), else ``None``."""
    rows = session.execute(select(Area.name, Area.geom_wkb).where(Area.level == level)
                           .order_by(Area.edition.desc(), Area.name)).all()
    out: list[str | None] = [None] * len(points)
    xs, ys = shapely.get_x(points), shapely.get_y(points)
    for name, wkb in rows:
        geom = shapely.from_wkb(wkb)
        shapely.prepare(geom)
        inside = shapely.contains_xy(geom, xs, ys)
        for i in inside.nonzero()[0]:
            if out[i] is None:
                out[i] = name
    return out


def place_names(session, lsoas: pd.DataFrame) -> dict[str, str]:
    """``{LSOA code: "Parish (Ward ward)"}`` for the LSOAs of ``lsoas`` (indexed by
    code, with ``origin_x``/``origin_y``) that lie in a parish or ward.  A parish
    named like its ward is said once ("Marlbridge", not "Marlbridge (Marlbridge
    ward)")."""
    if not len(lsoas):
        return {}
    points = shapely.points(lsoas["origin_x"].to_numpy(dtype=float),
                            lsoas["origin_y"].to_numpy(dtype=float))
    parishes = _containing(points, session, "parish")
    wards = _containing(points, session, "ward")
    out = {}
    for code, parish, ward in zip(lsoas.index, parishes, wards, strict=True):
        if parish and ward and ward != parish:
            out[str(code)] = f"{parish} ({ward} ward)"
        elif parish or ward:
            out[str(code)] = parish or f"{ward} ward"
    return out
