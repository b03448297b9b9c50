"""Population by age per LSOA: the age bands of a population file and their import.

* ``age_band`` reads a column header as an age band (Census 2021 bands such as
  'age_16_24' or 'Aged 16 to 24 years', single years such as 'age_13', open bands
  such as 'Aged 65 years and over'); ``band_name`` / ``parse_band_name`` are the
  stored indicator names of a band (``population_age_16_24``, ``..._65_plus``),
  read back by the figures (:mod:`.lsoa_figures`) to make the youth band.
* ``import_population`` stores usual residents by band plus the total, checking
  the whole file first and replacing every band of that year, inside the caller's
  transaction (as every importer in :mod:`.indicators`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AreaIndicator
from .errors import FilePath, GeodataError, ImportReport
from .indicators import IndicatorRow, code_column, keep_known, replace_indicators
from .tables import check_codes, find_column, number, read_csv, records, row_number

AGE_HEADER = re.compile(
    r"^(?:age[sd]?|aged)?[\s_:-]*(\d{1,3})"
    r"(?:[\s_-]*(?:to|-|_)[\s_-]*(\d{1,3})|[\s_-]*(plus|\+|andover|and over|and_over))?"
    r"(?:[\s_-]*years?)?$",
    re.IGNORECASE,
)
OPEN_END = 100  # the open band '65 plus' is taken as 65 to 99 for band splits


def age_band(column: str) -> tuple[int, int | None] | None:
    """'age_16_24' -> (16, 24); 'Aged 65 years and over' -> (65, None); else None."""
    text = column.strip().lower().replace("aged ", "age ").replace(" years and over", " plus")
    text = text.replace(" years", "")
    match = AGE_HEADER.match(text)
    if not match:
        return None
    low = int(match.group(1))
    if match.group(3):
        return low, None
    high = int(match.group(2)) if match.group(2) else low
    return (low, high) if high >= low else None


def band_name(low: int, high: int | None) -> str:
    """The indicator name of an age band (``population_age_16_24``, ``..._65_plus``)."""
    return f"population_age_{low}_plus" if high is None else f"population_age_{low}_{high}"


def parse_band_name(name: str) -> tuple[int, int | None] | None:
    """``(low, high)`` of an age-band indicator name (``high`` ``None`` for plus), or ``None``."""
    match = re.match(r"^population_age_(\d+)_(\d+|plus)$", name)
    if not match:
        return None
    high = None if match.group(2) == "plus" else int(match.group(2))
    return int(match.group(1)), high


def import_population(session: Session, path: FilePath, *, year: int = 2021,
                      encoding: str = "utf-8", only_imported: bool = False,
                      source: str | None = None,
                      frame: pd.DataFrame | None = None) -> ImportReport:
    """Usual residents by age band (or single year of age) per LSOA, plus the total."""
    path = Path(path)
    frame = read_csv(path, encoding=encoding) if frame is None else frame
    code_col, _edition = code_column(path, frame)
    bands: dict[str, tuple[int, int | None]] = {}
    for column in frame.columns:
        band = age_band(column)
        if band is not None:
            bands[column] = band
    if not bands:
        raise GeodataError(
            path, "no age columns found: expected columns such as 'age_0_15', 'age_16_24', "
            "'Aged 16 to 24 years', 'age_13' or 'age_65_plus'; the file has "
            + ", ".join(repr(c) for c in frame.columns),
        )
    ordered = sorted(bands.items(), key=lambda item: item[1][0])
    for (col_a, (_lo_a, hi_a)), (col_b, (lo_b, _hi_b)) in zip(ordered, ordered[1:], strict=False):
        if hi_a is None or hi_a >= lo_b:
            raise GeodataError(path, f"age bands '{col_a}' and '{col_b}' overlap", column=col_b)
    total_col = find_column(path, frame, ["total", "all ages", "all_ages", "Total: All usual "
                                          "residents", "all usual residents"], "the total",
                            required=False)
    codes = check_codes(path, frame, code_col)
    report = ImportReport(path, f"population {year} by age")
    frame = keep_known(session, path, frame, code_col, codes, only_imported, report.notes)
    source = f"{source or f'Census {year} usual residents by age, ONS'} [{path.name}]"
    rows: list[IndicatorRow] = []
    names = {band_name(*b) for b in bands.values()} | {"population_total"}
    for index, record in records(frame):
        total = 0.0
        code = record[code_col]
        for column, band in bands.items():
            value = number(path, record[column], index, column, allow_blank=False, minimum=0,
                           maximum=1e7)
            total += value
            rows.append({"level": "lsoa", "area_code": code, "source": source, "year": year,
                         "name": band_name(*band), "value": value})
        if total_col is not None:
            stated = number(path, record[total_col], index, total_col, allow_blank=False,
                            minimum=0, maximum=1e7)
            if abs(stated - total) > max(2.0, 0.001 * stated):
                raise GeodataError(
                    path, f"the total {stated:g} is not the sum of the age columns ({total:g})",
                    row=row_number(index), column=total_col,
                )
            total = stated
        rows.append({"level": "lsoa", "area_code": code, "source": source, "year": year,
                     "name": "population_total", "value": total})
    # A new population file replaces every band of that year.
    old = set(session.scalars(select(AreaIndicator.name).distinct().where(
        AreaIndicator.year == year, AreaIndicator.name.like("population_%"))))
    replace_indicators(session, names | old, year, rows)
    report.rows = len(frame)
    report.notes.append("age bands: " + ", ".join(
        f"{lo}+" if hi is None else f"{lo}-{hi}" for lo, hi in sorted(bands.values())))
    return report
