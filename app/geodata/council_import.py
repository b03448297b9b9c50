"""Import one council from a folder of official files as published: no manifest.

``import_council(session, directory, code)`` recognises every file by its
columns (:mod:`.recognise`), picks the council's rows out of national files
by its ONS code (streamed: :mod:`.streaming`), and runs the same checked
imports a manifest would, in the caller's transaction (the caller commits,
or rolls back on :class:`GeodataError`: all or nothing).  ``code`` ``None``
takes the one council every file with a local authority column has in
common (a folder already cut to one council).

Which file for which role:

* LSOA 2021 boundaries (required) and the newest ward boundaries (required),
  cut to the council by their LAD field, else by the council's LSOA codes
  (from the lookups, the Indices, the postcode directory), else (wards) by
  overlap with the council's LSOAs; of two copies, the one already in
  British National Grid;
* the Indices of Deprivation, one file per edition (2019 on LSOA 2011, 2025
  on LSOA 2021; of two, the one with more measures); rural-urban
  classification per edition; one population file (required);
* the LSOA 2011 -> 2021 lookup (required when a 2011-based file is used);
* postcodes: :mod:`.postcode_fill` (directory, filled from Code-Point Open).

Pure: no Flask.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import pandas as pd
import pyogrio
import shapely
from sqlalchemy.orm import Session

from .crs import BNG, BNG_EPSG
from .errors import FilePath, GeodataError, ImportReport
from .recognise import Found, recognise_folder
from .streaming import council_rows, la_codes
from .tables import LSOA_CODE, Header, read_csv

if TYPE_CHECKING:  # read only when a layer is cut by SQL (geopandas is slow to import)
    import geopandas as gpd

COUNCIL_CODE = re.compile(r"^[EWSN]0[6-9]\d{6}$")
SMALL = 50_000_000  # bytes: larger files are national; they are only streamed


def _check_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not COUNCIL_CODE.match(code):
        raise GeodataError(None, f"'{code}' is not a local authority code (for example "
                           "E06000019 for Herefordshire)")
    return code


def infer_council(found: list[Found]) -> str:
    """The one council code every file with a local authority column shares."""
    common: set[str] | None = None
    for f in found:
        if not f.la_column or f.role in ("schools", "council_outline"):
            continue
        codes: set[str]
        if f.crs is not None:  # a boundary layer
            codes = set(pyogrio.read_dataframe(f.path, layer=f.layer, columns=[f.la_column],
                                               read_geometry=False)[f.la_column].astype(str))
        else:
            codes = la_codes(f)
        codes = {c.strip() for c in codes if COUNCIL_CODE.match(c.strip())}
        common = codes if common is None else common & codes
    if not common or len(common) != 1:
        shown = ", ".join(sorted(common or [])[:5]) or "none"
        raise GeodataError(None, "cannot tell which council the folder is for (local "
                           f"authority codes in every file: {shown}); name it with "
                           "flask geodata import-council CODE DIR")
    return common.pop()


@overload
def _one(found: list[Found], role: str, what: str, *, edition: str | None = None,
         required: Literal[True] = True,
         prefer: Callable[[Found], Any] | None = None) -> tuple[Found, list[Found]]: ...
@overload
def _one(found: list[Found], role: str, what: str, *, edition: str | None = None,
         required: bool,
         prefer: Callable[[Found], Any] | None = None) -> tuple[Found | None, list[Found]]: ...
def _one(found: list[Found], role: str, what: str, *, edition: str | None = None,
         required: bool = True,
         prefer: Callable[[Found], Any] | None = None) -> tuple[Found | None, list[Found]]:
    """The preferred file of ``role`` (and ``edition``) and the others passed over.

    ``prefer`` sorts the candidates (the first wins; by default the one in British
    National Grid, then a file of its own, then by name).
    """
    items = [f for f in found if f.role == role and (edition is None or f.edition == edition)]
    if not items:
        if required:
            raise GeodataError(None, f"no file for {what}: add it to the folder "
                               "(docs/GEOGRAPHY.md says which file to download)")
        return None, []
    items.sort(key=prefer or (lambda f: (not str(f.crs or "").endswith(str(BNG_EPSG)),
                                         f.layer is not None, f.path.name)))
    return items[0], items[1:]


def _edition(f: Found) -> str:
    """The edition :mod:`.recognise` gave ``f`` (every role imported here has one)."""
    if f.edition is None:
        raise GeodataError(f.path, f"no edition recognised for the {f.role}")
    return f.edition


def _frame_of(f: Found, code: str) -> tuple[pd.DataFrame, bool]:
    """(The council's rows of a CSV, strict).

    Strict (every row must match an imported LSOA) when the file's LA column
    holds only the council's code.  Without an LA column, rows for LSOAs that
    are not the council's are skipped and counted in the report.
    """
    if f.la_column and f.size > SMALL:
        frame, _codes = council_rows(f, code)
        if frame.empty:
            raise GeodataError(f.path, f"has no row for {code} in column '{f.la_column}'",
                               column=f.la_column)
        return frame, True
    frame = read_csv(f.path)
    if f.la_column is None:  # rows of other councils cannot be told from mistakes
        return frame, False
    la = frame[f.la_column]
    if (la != code).any():
        return frame[la == code] if (la == code).any() else frame, False
    return frame, True


def council_lsoas(found: list[Found], code: str) -> set[str]:
    """LSOA codes (either edition) that files pair with the council's code."""
    codes: set[str] = set()
    for f in found:
        if f.role in ("lsoa_lookup", "area_lookup", "deprivation") and f.la_column:
            frame, _strict = _frame_of(f, code)
            frame = frame[frame[f.la_column] == code]
            for column in frame.columns:
                if "lsoa" in column.lower() and "nm" not in column.lower() \
                        and "name" not in column.lower():
                    codes |= set(frame[column])
    return {c for c in codes if c}


def _boundaries(session: Session, f: Found, level: str, code: str, lsoas: set[str],
                reports: list[ImportReport]) -> None:
    """Import the council's areas of ``level`` from ``f`` (cut to the council)."""
    from .boundaries import import_areas, read_layer

    where = None
    if f.la_column:  # codes are checked (COUNCIL_CODE, LSOA_CODE) before going into SQL
        where = f"{f.la_column} = '{code}'"
    elif level == "lsoa":
        if not lsoas:
            raise GeodataError(f.path, f"has no LAD field and no other file says which LSOAs "
                               f"are {code}'s: add the ONS LSOA 2011 to 2021 lookup")
        listed = sorted(c for c in lsoas if LSOA_CODE.match(c))
        # Only the council's features are read from a national file.
        where = f"{f.code_column} IN ({', '.join(repr(c) for c in listed)})"
    frame = read_layer(f.path, layer=f.layer) if where is None else \
        _read_where(f, where)
    if f.la_column is None and level == "ward":
        from ..models import Area

        council = shapely.union_all([a.geometry for a in session.query(Area)
                                     .filter(Area.level == "lsoa")])
        frame = frame.to_crs(BNG) if frame.crs and frame.crs.to_epsg() != BNG_EPSG else frame
        inside = [g.intersection(council).area / g.area >= 0.5 if g.area else False
                  for g in frame.geometry]
        frame = frame[inside]
    if frame.empty:
        raise GeodataError(f.path, f"has no {level} of {code}", column=f.la_column)
    if f.code_column is None or f.name_column is None:
        raise GeodataError(f.path, f"no code or name column recognised for the {level}s")
    reports.append(import_areas(session, f.path, level=level, code_field=f.code_column,
                                name_field=f.name_column, layer=f.layer,
                                edition=f.edition, frame=frame.reset_index(drop=True)))


def _read_where(f: Found, where: str) -> gpd.GeoDataFrame:
    """The features of ``f`` matching the SQL ``where``."""
    import geopandas as gpd

    try:
        frame: gpd.GeoDataFrame = gpd.read_file(f.path, layer=f.layer, engine="pyogrio",
                                                where=where)
        return frame
    except Exception as exc:
        raise GeodataError(f.path, f"cannot be read ({exc})") from None


Progress = Callable[[float, str], None]


def import_council(session: Session, directory: FilePath, code: str | None = None, *,
                   derive: bool = True, age_min: int = 13, age_max: int = 19,
                   progress: Progress | None = None) -> list[ImportReport]:
    """Import the council ``code`` from ``directory``; see the module's description.

    ``progress(fraction, message)``, when given, is told each step as it starts and
    what the step before it imported (the admin page's background job shows it).
    """
    from .indicators import (
        deprivation_columns,
        import_deprivation,
        import_lsoa_lookup,
        import_rurality,
    )
    from .population import import_population

    directory = Path(directory)
    reports: list[ImportReport] = []
    say = _reporter(progress, reports)
    found = recognise_folder(directory)
    code = _check_code(code) if code else infer_council(found)
    reports.append(ImportReport(directory, f"council {code}"))
    say(0.1, f"Recognised {len(found)} files by their columns; council {code}")
    lsoa_file, spare = _one(found, "lsoa_boundaries", "the LSOA 2021 boundaries",
                            edition="2021")
    wards = sorted((f for f in found if f.role == "ward_boundaries"),
                   key=lambda f: (-int(_edition(f)), not str(f.crs or "").endswith(str(BNG_EPSG)),
                                  f.layer is not None, f.path.name))
    if not wards:
        raise GeodataError(None, "no file for the ward boundaries: add the ONS Wards (May "
                           "year) Boundaries (docs/GEOGRAPHY.md)")
    lsoas = council_lsoas(found, code)
    used = [lsoa_file, wards[0]]
    say(0.15, f"Reading the LSOA boundaries ({lsoa_file.path.name})")
    _boundaries(session, lsoa_file, "lsoa", code, lsoas, reports)
    lookup, _ = _one(found, "lsoa_lookup", "the LSOA 2011 to 2021 lookup", required=False)
    uses_2011 = any(f.role in ("deprivation", "rurality") and "2011" in (f.edition or "")
                    for f in found)
    if lookup is None and uses_2011:
        raise GeodataError(None, "files on LSOA 2011 (IoD2019, RUC 2011) need the ONS LSOA "
                           "2011 to 2021 lookup in the folder")
    if lookup is not None:
        used.append(lookup)
        say(0.3, f"Reading the LSOA lookup ({lookup.path.name})")
        frame, _strict = _frame_of(lookup, code)
        reports.append(import_lsoa_lookup(session, lookup.path, frame=frame))
    say(0.35, f"Reading the ward boundaries ({wards[0].path.name})")
    _boundaries(session, wards[0], "ward", code, lsoas, reports)
    for edition in sorted({_edition(f) for f in found if f.role == "deprivation"}):
        best, _rest = _one(found, "deprivation", "deprivation", edition=edition, prefer=lambda f: (
            -len(deprivation_columns(f.path, Header(f.columns), f.code_column)), f.size))
        used.append(best)
        say(0.45, f"Reading the Indices of Deprivation ({best.path.name})")
        frame, strict = _frame_of(best, code)
        reports.append(import_deprivation(session, best.path, frame=frame,
                                          only_imported=not strict))
    if not any(f.role == "deprivation" for f in found):
        raise GeodataError(None, "no file for the English Indices of Deprivation (2019 or "
                           "2025): add File 7 of either edition")
    for edition in sorted({_edition(f) for f in found if f.role == "rurality"}):
        best, _rest = _one(found, "rurality", "rurality", edition=edition)
        used.append(best)
        say(0.5, f"Reading the rural-urban classification ({best.path.name})")
        frame, strict = _frame_of(best, code)
        reports.append(import_rurality(session, best.path, frame=frame, only_imported=not strict))
    pops = [f for f in found if f.role == "population"]
    if len(pops) != 1:
        raise GeodataError(None, "no file for the population by age per LSOA (Census 2021)"
                           if not pops else "two population files ("
                           + ", ".join(f.path.name for f in pops) + "): keep one")
    used.append(pops[0])
    say(0.55, f"Reading the population ({pops[0].path.name})")
    frame, strict = _frame_of(pops[0], code)
    from .recognise import census_column

    frame = frame.rename(columns=census_column)  # Census bulk tables' own headings
    reports.append(import_population(session, pops[0].path, frame=frame,
                                     only_imported=not strict))
    session.flush()
    reports[0].notes.extend(_what_was_used(found, used))
    say(0.6, "Placing every postcode and filling the postcode areas the directory lacks")
    reports.extend(_postcodes(session, found, code, age_min, age_max))
    if derive:
        from .derived import store_derived_figures

        say(0.9, "Working out the ward and parish figures")
        reports.extend(store_derived_figures(session, age_min=age_min, age_max=age_max))
    return reports


def _reporter(progress: Progress | None, reports: list[ImportReport]) -> Progress:
    """``say(fraction, step)``: tells ``progress`` what the last step imported, and the step."""
    def say(fraction: float, step: str) -> None:
        if progress is not None:
            done = reports[-1] if len(reports) > 1 else None
            note = f" ({done.notes[-1]})" if done is not None and done.notes else ""
            after = f". Done: {done.path.name}, {done.rows:,} rows{note}" if done else ""
            progress(fraction, step + after)
    return say


def _postcodes(session: Session, found: list[Found], code: str, age_min: int,
               age_max: int) -> list[ImportReport]:
    """Every postcode of the council (filled where the directory lacks them), its coverage."""
    from ..models import Area
    from .coverage import lsoa_coverage, store_coverage
    from .lsoa_figures import lsoa_figures
    from .postcode_fill import collect

    files = [f for f in found if f.role in ("postcode_directory", "codepoint",
                                            "postcode_points")]
    council = shapely.union_all([a.geometry for a in session.query(Area)
                                 .filter(Area.level == "lsoa")])
    reports, rows, summary = collect(session, files, code, council)
    session.flush()
    table = lsoa_coverage(lsoa_figures(session, age_min=age_min, age_max=age_max), rows,
                          reference=summary.pop("reference", None))
    reports.append(store_coverage(session, table, summary))
    return reports


def _what_was_used(found: list[Found], used: list[Found]) -> list[str]:
    """One line per recognised file: used, or why not."""
    lines: list[str] = []
    for f in found:
        if f in used or f.role in ("postcode_directory", "codepoint", "postcode_points"):
            why = "used" if f in used else "see the postcode lines below"
        elif f.role == "lsoa_boundaries" and f.edition == "2011":
            why = "not needed: figures on 2011 LSOAs go onto 2021 LSOAs through the lookup"
        elif f.role in ("lsoa_boundaries", "ward_boundaries", "deprivation", "rurality"):
            why = "passed over: another file for the same role and edition (or a newer " \
                  "edition) was used"
        elif f.role == "area_lookup":
            why = "read only to tell which LSOAs are the council's"
        else:
            why = "not imported here"
        lines.append(f"{f.label}: {why}")
    return lines
