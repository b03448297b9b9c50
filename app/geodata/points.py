"""Population points from the imported data.

LSOA young people spread over their live residential postcodes (see
:mod:`app.analysis.population`).

Pure: SQLAlchemy, pandas; no Flask.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..analysis.population import assign_points, population_points
from ..models import Postcode
from .lsoa_figures import lsoa_figures


def live_residential_postcodes(session: Session) -> pd.DataFrame:
    """Postcodes in use that are not large-user (business) postcodes.

    Columns ``x``, ``y``, ``lsoa_code``, ``households``.
    """
    rows = session.execute(
        select(Postcode.x, Postcode.y, Postcode.lsoa_code, Postcode.households)
        .where(Postcode.terminated.is_(None), Postcode.lsoa_code.is_not(None),
               or_(Postcode.large_user.is_(None), Postcode.large_user.is_(False)))
    ).all()
    frame = pd.DataFrame(rows, columns=["x", "y", "lsoa_code", "households"])
    if frame["households"].isna().all():
        frame = frame.drop(columns="households")
    return frame


def load_points(session: Session, level: str, areas: gpd.GeoDataFrame, *, age_min: int = 13,
                age_max: int = 19, lsoas: gpd.GeoDataFrame | None = None) -> pd.DataFrame | None:
    """Population points with the code of the ``level`` area holding each.

    (``area``; points outside every area are left out), or ``None`` when no
    population figures are imported (the analysis then uses one point per area).
    ``lsoas``: :func:`lsoa_figures` for that band when the caller already has it (read,
    never changed).
    """
    if lsoas is None:
        lsoas = lsoa_figures(session, age_min=age_min, age_max=age_max)
    if lsoas.empty or lsoas["young_people"].isna().all():
        return None
    points = population_points(lsoas, live_residential_postcodes(session))
    where = assign_points(points, areas, by_code=(level == "lsoa"))
    points = points[where >= 0].reset_index(drop=True)
    points["area"] = areas.index.to_numpy()[where[where >= 0]]
    points.attrs["postcodes"] = int((points["kind"] == "postcode").sum())
    return points
