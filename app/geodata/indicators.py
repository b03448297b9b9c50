"""Import official per-LSOA indicator files as published.

* English Indices of Deprivation 2019 (LSOA 2011) and 2025 (LSOA 2021): IMD
  score, rank and decile and every domain and sub-domain the file has (IDACI,
  Children and Young People, ...).  Both MHCLG's long column names
  ('Index of Multiple Deprivation (IMD) Score') and common tidied names
  ('imd_score', 'IMD_decile') are recognised.
* Rural-urban classification 2011 (A1..F2) and 2021 (UN1, RSF1, ...).
* The ONS LSOA 2011 -> 2021 lookup.

Population by age is imported by :mod:`.population` and postcodes by
:mod:`.postcodes`, with the helpers here (``code_column``, ``keep_known``,
``replace_indicators``) that every per-LSOA importer shares.

Each function checks the whole file first, then replaces what an earlier
import of the same kind stored, inside the caller's transaction (the caller
commits, or rolls back on :class:`GeodataError`).  Nothing is committed here.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import NotRequired, TypedDict

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..models import Area, AreaIndicator, LsoaLookup
from .errors import FilePath, GeodataError, ImportReport
from .tables import (
    LSOA_CODE,
    Columns,
    check_codes,
    find_column,
    norm,
    number,
    read_csv,
    records,
    row_number,
)

IOD_SOURCE = {
    2019: "English Indices of Deprivation 2019, MHCLG (LSOA 2011)",
    2025: "English Indices of Deprivation 2025, MHCLG (LSOA 2021)",
}
RUC_SOURCE = {
    2011: "Rural-Urban Classification 2011 of LSOAs, ONS/Defra",
    2021: "Rural-Urban Classification 2021 of LSOAs, ONS/Defra",
}

CODE_2011 = ["lsoa11cd", "lsoa11_code", "LSOA code (2011)", "LSOA 2011 Code", "LSOA11"]
CODE_2021 = ["lsoa21cd", "lsoa21_code", "LSOA code (2021)", "LSOA 2021 Code", "LSOA21"]

# (keyword in the normalised header, domain key).  Order matters: the first
# keyword found wins, so the specific ones come before 'imd', 'income', ...
DOMAINS = [
    ("idaci", "idaci"),
    ("incomedeprivationaffectingchildren", "idaci"),
    ("idaopi", "idaopi"),
    ("incomedeprivationaffectingolderpeople", "idaopi"),
    ("childrenandyoungpeople", "children_young_people"),
    ("adultskills", "adult_skills"),
    ("geographicalbarriers", "geographical_barriers"),
    ("widerbarriers", "wider_barriers"),
    ("outdoors", "outdoors"),
    ("indoors", "indoors"),
    ("indexofmultipledeprivation", "imd"),
    ("imd", "imd"),
    ("income", "income"),
    ("employment", "employment"),
    ("education", "education"),
    ("health", "health"),
    ("crime", "crime"),
    ("barrier", "barriers"),
    ("housing", "barriers"),
    ("environment", "living_environment"),
]
SKIP = ("within", "numerator", "denominator", "pop", "lad", "localauthority", "name", "code")


class FigureRow(TypedDict):
    """What every stored figure of an area has: area, name, value, source, year.

    An :class:`AreaIndicator` as imported, a :class:`DerivedFigure` as derived.
    """

    level: str
    area_code: str
    name: str
    value: float | None
    source: str
    year: int


class IndicatorRow(FigureRow):
    """One stored :class:`AreaIndicator` as the importers insert it."""

    text_value: NotRequired[str | None]
    note: NotRequired[str | None]


class LookupRow(TypedDict):
    """One stored :class:`LsoaLookup` pair."""

    lsoa11: str
    lsoa21: str
    change_code: str


def known_lsoa_codes(session: Session) -> set[str]:
    """Codes of imported LSOAs plus both sides of the imported 2011 -> 2021 lookup."""
    codes = set(session.scalars(select(Area.code).where(Area.level == "lsoa")))
    for old, new in session.execute(select(LsoaLookup.lsoa11, LsoaLookup.lsoa21)):
        codes.add(old)
        codes.add(new)
    return codes


def code_column(path: FilePath, frame: pd.DataFrame,
                year_hint: int | None = None) -> tuple[str, int]:
    """(code column, LSOA edition 2011/2021)."""
    c11 = find_column(path, frame, CODE_2011, "the LSOA 2011 code", required=False)
    c21 = find_column(path, frame, CODE_2021, "the LSOA 2021 code", required=False)
    if c21 is not None and (c11 is None or year_hint != 2011):
        return c21, 2021
    if c11 is not None:
        return c11, 2011
    generic = find_column(path, frame, ["lsoa_code", "lsoacd", "LSOA code"], "the LSOA code",
                          required=False)
    if generic is not None:
        return generic, year_hint or 2021
    raise GeodataError(
        path,
        "no column for the LSOA code: expected one of "
        + ", ".join(repr(c) for c in CODE_2011 + CODE_2021)
        + "; the file has " + ", ".join(repr(c) for c in frame.columns),
    )


def keep_known(session: Session, path: FilePath, frame: pd.DataFrame, code_col: str,
               codes: list[str], only_imported: bool, notes: list[str]) -> pd.DataFrame:
    """Keep rows whose code is an imported LSOA (or in the lookup); refuse otherwise."""
    known = known_lsoa_codes(session)
    if not known:
        raise GeodataError(path, "no LSOAs are imported yet: import the LSOA boundaries "
                           "(flask geodata import-areas FILE --level lsoa ...) first")
    unknown = [i for i, c in zip(frame.index, codes, strict=True) if c not in known]
    if unknown and not only_imported:
        first = unknown[0]
        raise GeodataError(
            path,
            f"code '{frame.at[first, code_col]}' matches no imported LSOA "
            f"({len(unknown)} rows do not match). Import the LSOA boundaries (and, for 2011 "
            "codes, the LSOA 2011 to 2021 lookup) first; for a national file add "
            "--only-imported-areas to keep just this council's rows.",
            row=row_number(first), column=code_col,
        )
    if len(unknown) == len(frame):
        raise GeodataError(path, "no row's code matches an imported LSOA", column=code_col)
    if unknown:
        notes.append(f"{len(unknown)} rows for LSOAs outside the imported areas were skipped")
        frame = frame.drop(index=unknown)
    return frame


def replace_indicators(session: Session, names: Collection[str], year: int,
                       rows: list[IndicatorRow]) -> None:
    """Replace the stored LSOA indicators ``names`` of ``year`` with ``rows``."""
    session.execute(delete(AreaIndicator).where(
        AreaIndicator.level == "lsoa", AreaIndicator.year == year,
        AreaIndicator.name.in_(sorted(names)),
    ))
    if rows:
        session.execute(insert(AreaIndicator), rows)
    from ..dataversion import bump

    bump(session)


# --- deprivation -----------------------------------------------------------

def deprivation_columns(path: FilePath, frame: Columns,
                        code_col: str | None) -> dict[str, str]:
    """{canonical name: column}, for example {'imd_score': 'IMD_score'}.

    ``code_col`` (the LSOA code column, when known) is not a measure.
    """
    found: dict[str, str] = {}
    for column in frame.columns:
        if column == code_col:
            continue
        key = norm(column)
        if "approx" in key and "idaci" in key:
            stat = "rate_approx"
        elif "decile" in key:
            stat = "decile"
        elif "rank" in key:
            stat = "rank"
        elif "score" in key or key.endswith("rate"):
            stat = "score"
        else:
            continue
        stripped = key.replace("score", "").replace("rank", "").replace("decile", "")
        if any(word in stripped for word in SKIP):
            continue
        domain = next((d for word, d in DOMAINS if word in key), None)
        if domain is None:
            continue
        name = f"{domain}_{stat}"
        if name in found:
            raise GeodataError(
                path, f"columns '{found[name]}' and '{column}' both look like {name}; "
                "rename or remove one", column=column,
            )
        found[name] = column
    return found


def import_deprivation(session: Session, path: FilePath, *, year: int | None = None,
                       encoding: str = "utf-8", only_imported: bool = False,
                       source: str | None = None,
                       frame: pd.DataFrame | None = None) -> ImportReport:
    """English Indices of Deprivation 2019 or 2025, one row per LSOA."""
    path = Path(path)
    frame = read_csv(path, encoding=encoding) if frame is None else frame
    code_col, edition = code_column(path, frame, 2011 if year == 2019 else None)
    year = year or (2019 if edition == 2011 else 2025)
    columns = deprivation_columns(path, frame, code_col)
    for needed, label in (("imd_score", "the IMD score"), ("imd_decile", "the IMD decile")):
        if needed not in columns:
            raise GeodataError(
                path, f"no column for {label} (for example 'imd_score' / 'IMD_decile' or "
                "MHCLG's 'Index of Multiple Deprivation (IMD) Score' / '... Decile ...'); "
                "the file has " + ", ".join(repr(c) for c in frame.columns),
            )
    codes = check_codes(path, frame, code_col)
    report = ImportReport(path, f"deprivation {year} (LSOA {edition})")
    frame = keep_known(session, path, frame, code_col, codes, only_imported, report.notes)
    source = source or IOD_SOURCE.get(year, f"English Indices of Deprivation {year}, MHCLG")
    source = f"{source} [{path.name}]"
    # The mid-2015 population denominators of IoD2019 (File 6), used to weight merges.
    pop_col = find_column(path, frame, ["pop_total_mid2015", "Total population: mid 2015 "
                                        "(excluding prisoners)"], "population", required=False)
    if pop_col is not None:
        columns["pop_total_mid2015"] = pop_col
    rows: list[IndicatorRow] = []
    for index, record in records(frame):
        for name, column in columns.items():
            bounds: dict[str, float] = {}
            if name.endswith("_decile"):
                bounds = {"minimum": 1, "maximum": 10}
            elif name.endswith("_rank"):
                bounds = {"minimum": 1, "maximum": 100000}
            required = name in ("imd_score", "imd_decile")
            value = number(path, record[column], index, column,
                           allow_blank=not required, **bounds)
            if value is None:
                continue
            rows.append({"level": "lsoa", "area_code": record[code_col], "name": name,
                         "value": value, "source": source, "year": year,
                         "note": "approximate: rounded, partly suppressed numerator / "
                                 "mid-2015 children" if name == "idaci_rate_approx" else None})
    replace_indicators(session, set(columns), year, rows)
    report.rows = len(frame)
    report.notes.append("measures: " + ", ".join(sorted(columns)))
    return report


# --- rurality --------------------------------------------------------------

RURAL_2011 = re.compile(r"^[DEF]\d?$")
URBAN_2011 = re.compile(r"^[ABC]\d?$")
RURAL_2021 = re.compile(r"^R[A-Z]{2}\d?$")
URBAN_2021 = re.compile(r"^U[A-Z]{1,2}\d?$")


def import_rurality(session: Session, path: FilePath, *, year: int | None = None,
                    encoding: str = "utf-8", only_imported: bool = False,
                    source: str | None = None,
                    frame: pd.DataFrame | None = None) -> ImportReport:
    """Rural-urban classification of LSOAs (2011: A1..F2; 2021: UN1, UF1, RLN1, RSF1 ...)."""
    path = Path(path)
    frame = read_csv(path, encoding=encoding) if frame is None else frame
    code_col, edition = code_column(path, frame, 2011 if year == 2011 else None)
    year = year or edition
    class_col = find_column(path, frame, ["RUC11CD", "ruc11_code", "RUC21CD", "ruc21_code",
                                          "ruc_code"], "the rural-urban class code")
    label_col = find_column(path, frame, ["RUC11", "RUC11NM", "RUC21NM", "classification",
                                          "ruc_name"], "the class name", required=False)
    codes = check_codes(path, frame, code_col)
    report = ImportReport(path, f"rural-urban classification {year}")
    frame = keep_known(session, path, frame, code_col, codes, only_imported, report.notes)
    source = f"{source or RUC_SOURCE.get(year, f'Rural-Urban Classification {year}')} [{path.name}]"
    rows: list[IndicatorRow] = []
    for index, record in records(frame):
        klass = record[class_col].upper()
        if RURAL_2011.match(klass) or RURAL_2021.match(klass):
            rural = 1.0
        elif URBAN_2011.match(klass) or URBAN_2021.match(klass):
            rural = 0.0
        else:
            raise GeodataError(
                path, f"'{record[class_col]}' is not a rural-urban class (2011: A1 to F2; "
                "2021: for example UN1, UF1, RLN1, RSF1)",
                row=row_number(index), column=class_col,
            )
        label = record[label_col] if label_col else None
        code = record[code_col]
        rows.append({"level": "lsoa", "area_code": code, "source": source, "year": year,
                     "name": "ruc_class", "value": None, "text_value": klass, "note": label})
        rows.append({"level": "lsoa", "area_code": code, "source": source, "year": year,
                     "name": "rural", "value": rural, "text_value": None,
                     "note": "1 = rural (2011 classes D-F; 2021 classes R...), 0 = urban"})
    replace_indicators(session, {"ruc_class", "rural"}, year, rows)
    report.rows = len(frame)
    return report


# --- LSOA 2011 -> 2021 lookup ---------------------------------------------

def import_lsoa_lookup(session: Session, path: FilePath, *, encoding: str = "utf-8",
                       frame: pd.DataFrame | None = None) -> ImportReport:
    """ONS LSOA (2011) to LSOA (2021) lookup: U unchanged, S split, M merged, X complex."""
    path = Path(path)
    frame = read_csv(path, encoding=encoding) if frame is None else frame
    old_col = find_column(path, frame, CODE_2011, "the LSOA 2011 code")
    new_col = find_column(path, frame, CODE_2021, "the LSOA 2021 code")
    change_col = find_column(path, frame, ["change_code", "chgind", "CHNGIND", "change"],
                             "the change indicator (U, S, M or X)")
    seen: dict[tuple[str, str], int] = {}
    rows: list[LookupRow] = []

    for index, record in records(frame):
        for column in (old_col, new_col):
            if not LSOA_CODE.match(record[column]):
                raise GeodataError(path, f"'{record[column]}' is not an LSOA code",
                                   row=row_number(index), column=column)
        change = record[change_col].upper()
        if change not in ("U", "S", "M", "X"):
            raise GeodataError(path, f"'{record[change_col]}' is not a change code (U, S, M or X)",
                               row=row_number(index), column=change_col)
        key = (record[old_col], record[new_col])
        if key in seen:
            raise GeodataError(path, f"the pair {key[0]} -> {key[1]} appears twice (first on "
                               f"row {seen[key]})", row=row_number(index), column=new_col)
        seen[key] = row_number(index)
        rows.append({"lsoa11": key[0], "lsoa21": key[1], "change_code": change})
    session.execute(delete(LsoaLookup))
    session.execute(insert(LsoaLookup), rows)
    report = ImportReport(path, "LSOA 2011 to 2021 lookup", rows=len(rows))
    counts = pd.Series([r["change_code"] for r in rows]).value_counts().to_dict()
    report.notes.append("changes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return report
