"""Store decision-area figures (DerivedFigure) with their source, year and method."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..models import AREA_LEVELS, Area, DerivedFigure
from .errors import ImportReport
from .figures import area_figures
from .indicators import FigureRow
from .lsoa_figures import FigureSource

STORED = ("young_people", "young_people_20_24", "population", "imd_score", "idaci",
          "share_most_deprived_20", "idaci_share_most_deprived_20", "cyp_score",
          "cyp_share_most_deprived_20", "rural_share")


class DerivedRow(FigureRow):
    """One stored :class:`DerivedFigure`."""

    method: str


def store_derived_figures(session: Session, *, age_min: int = 13, age_max: int = 19,
                          levels: Iterable[str] | None = None) -> list[ImportReport]:
    """Recompute and replace the stored figures of every level above LSOA."""
    present = set(session.scalars(select(Area.level).distinct()))
    reports: list[ImportReport] = []
    for level in levels or [lv for lv in AREA_LEVELS if lv != "lsoa" and lv in present]:
        gdf = area_figures(session, level, age_min=age_min, age_max=age_max)
        sources: dict[str, FigureSource] = gdf.attrs["sources"]
        method: str = gdf.attrs["method"]
        rows: list[DerivedRow] = []
        for code, record in gdf.iterrows():
            for name in STORED:
                meta = sources.get(name)
                year = meta.get("year") if meta else None
                if not meta or year is None:
                    continue
                value = record[name]
                value = None if value is None or math.isnan(value) else float(value)
                note = f" ({meta['note']})" if meta.get("note") else ""
                rows.append({
                    "level": level, "area_code": code, "name": name, "value": value,
                    "source": (meta["source"] + note)[:300], "year": year,
                    "method": f"{method} Inputs: {record['inputs']}. "
                              f"Youth band {age_min}-{age_max}.",
                })
        session.execute(delete(DerivedFigure).where(DerivedFigure.level == level))
        if rows:
            session.execute(insert(DerivedFigure), rows)
        reports.append(ImportReport(Path(f"{level} figures"), "derived figures",
                                    rows=len(gdf), notes=[f"{len(rows)} figures stored"]))
    return reports
