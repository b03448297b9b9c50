"""Import an ONS postcode directory (NSPL/ONSPD style) into ``Postcode``.

Checks the whole file first, then replaces every stored postcode inside the
caller's transaction.  Each postcode keeps its LSOA 2021, its termination
date, whether it is a large-user (business) postcode and, when the file has
one, a household count: the population points of
:mod:`app.analysis.population` use live small-user postcodes.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import NotRequired, TypedDict

import pandas as pd
import shapely
from pyproj import Transformer
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..models import Area, LsoaLookup, Postcode
from .crs import BNG, WGS84
from .errors import FilePath, GeodataError, ImportReport
from .lookup import normalise_postcode
from .tables import find_column, number, read_csv, records, row_number


class PostcodeRow(TypedDict):
    """One postcode as read from a file and stored as a :class:`Postcode`."""

    postcode: str
    x: float
    y: float
    lsoa_code: str | None
    terminated: date | None
    large_user: bool | None
    households: float | None
    source: str
    # Set (True) by :func:`app.geodata.postcode_fill.collect` on a postcode filled in from
    # another file than the postcode directory; not stored (``stored`` drops it).
    filled: NotRequired[bool]


def stored(row: PostcodeRow) -> PostcodeRow:
    """``row`` as it is stored: without the ``filled`` mark."""
    out = row.copy()
    out.pop("filled", None)
    return out


def _yyyymm(path: FilePath, value: str, index: int, column: str) -> date | None:
    if not value:
        return None
    digits = value.replace("-", "").replace("/", "")
    if not re.fullmatch(r"\d{6}(\d{2})?", digits):
        raise GeodataError(path, f"'{value}' is not a date in the form YYYYMM",
                           row=row_number(index), column=column)
    month = int(digits[4:6])
    if not 1 <= month <= 12:
        raise GeodataError(path, f"'{value}' has no month {month}", row=row_number(index),
                           column=column)
    return date(int(digits[:4]), month, 1)


def _user_type(path: FilePath, value: str | None, index: int, column: str) -> bool | None:
    if value in ("", None):
        return None
    if value not in ("0", "1"):
        raise GeodataError(path, f"'{value}' is not a user type (0 small user, 1 large user)",
                           row=row_number(index), column=column)
    return value == "1"


def import_postcodes(session: Session, path: FilePath, *, encoding: str = "utf-8",
                     source: str | None = None) -> ImportReport:
    """An ONS postcode directory style file.  Replaces every stored postcode.

    Columns: postcode ('pcds', 'pcd', 'postcode'), easting/northing
    ('oseast1m'/'osnrth1m', 'easting'/'northing') or latitude/longitude
    ('lat'/'long'), optionally the LSOA ('lsoa21', 'lsoa11', ...), the
    termination date ('doterm', YYYYMM), the user type ('usertype': 1 = large
    user, a business) and a household count ('households').
    """
    path = Path(path)
    frame = read_csv(path, encoding=encoding)
    rows, skipped, edition = parse_postcodes(path, frame, source=source or path.name)
    if not rows:
        raise GeodataError(path, "no postcode in the file has coordinates")
    notes = place_postcodes(session, rows, edition=edition)
    write_postcodes(session, rows)
    report = ImportReport(path, "postcodes", rows=len(rows), notes=notes)
    if skipped:
        report.notes.append(f"{skipped} postcodes without coordinates were left out")
    terminated = sum(1 for r in rows if r["terminated"])
    report.notes.append(f"{terminated} terminated postcodes kept (not used for new look-ups)")
    return report


def parse_postcodes(path: FilePath, frame: pd.DataFrame, *, source: str,
                    seen: dict[str, int] | None = None) -> tuple[list[PostcodeRow], int, int]:
    """(rows, postcodes without coordinates, LSOA edition) from a checked frame.

    ``frame``'s index is the row's position in the file (0 = first data row),
    so a refusal names the file's own row even when the frame is a filtered
    part of a national file.  ``seen`` (postcode -> row) spans several files.
    """
    pc_col = find_column(path, frame, ["pcds", "pcd", "pcd7", "pcd8", "postcode"], "the postcode")
    east = find_column(path, frame, ["oseast1m", "east1m", "easting", "eastings", "x", "bng_e"],
                       "the easting", required=False)
    north = find_column(path, frame, ["osnrth1m", "north1m", "northing", "northings", "y",
                                      "bng_n"], "the northing", required=east is not None)
    lat = lon = None
    if east is None:
        lat = find_column(path, frame, ["lat", "latitude"],
                          "the easting ('oseast1m', 'easting') or latitude ('lat')")
        lon = find_column(path, frame, ["long", "lon", "longitude"], "the longitude")
    lsoa_col = find_column(path, frame, ["lsoa21cd", "lsoa21", "lsoa11cd", "lsoa11",
                                         "lsoa_code", "lsoa"], "the LSOA", required=False)
    term_col = find_column(path, frame, ["doterm", "terminated", "date_of_termination"],
                           "the termination date", required=False)
    user_col = find_column(path, frame, ["usertype", "usrtypind", "user_type"], "the user type",
                           required=False)
    hh_col = find_column(path, frame, ["households", "household_count", "hh"],
                         "the households", required=False)
    to_bng = Transformer.from_crs(WGS84, BNG, always_xy=True) if east is None else None
    seen = {} if seen is None else seen
    rows: list[PostcodeRow] = []
    skipped = 0
    for index, record in records(frame):
        postcode = normalise_postcode(record[pc_col])
        if postcode is None:
            raise GeodataError(path, f"'{record[pc_col]}' is not a UK postcode",
                               row=row_number(index), column=pc_col)
        if postcode in seen:
            raise GeodataError(path, f"postcode {postcode} appears twice (first on row "
                               f"{seen[postcode]})", row=row_number(index), column=pc_col)
        seen[postcode] = row_number(index)
        if east is not None:
            assert north is not None  # required whenever there is an easting
            x = number(path, record[east], index, east, minimum=0, maximum=800000)
            y = number(path, record[north], index, north, minimum=0, maximum=1300000)
        else:
            assert lat is not None and lon is not None and to_bng is not None  # no easting
            la = number(path, record[lat], index, lat, minimum=49, maximum=61)
            lo = number(path, record[lon], index, lon, minimum=-9, maximum=3)
            x = y = None
            if la is not None and lo is not None and la < 99:  # NSPL: 99.999999 = none
                x, y = to_bng.transform(lo, la)
        if x is None or y is None or (x == 0 and y == 0) or y >= 999999:
            skipped += 1  # NSPL gives 0/0 or 1999999 where a postcode has no grid reference
            continue
        lsoa = record[lsoa_col] if lsoa_col else None
        rows.append({
            "postcode": postcode, "x": float(x), "y": float(y), "lsoa_code": lsoa or None,
            "terminated": _yyyymm(path, record[term_col], index, term_col) if term_col else None,
            "large_user": _user_type(path, record[user_col], index, user_col)
            if user_col else None,
            "households": number(path, record[hh_col], index, hh_col, minimum=0, maximum=10000)
            if hh_col else None,
            "source": source[:200],
        })
    edition = 2011 if lsoa_col and "11" in lsoa_col else 2021
    return rows, skipped, edition


def write_postcodes(session: Session, rows: list[PostcodeRow]) -> None:
    """Replace every stored postcode with ``rows`` (inside the caller's transaction)."""
    if not rows:
        raise GeodataError(None, "no postcode has coordinates")
    session.execute(delete(Postcode))
    for start in range(0, len(rows), 2000):
        session.execute(insert(Postcode), rows[start:start + 2000])
    from ..dataversion import bump

    bump(session)


def place_postcodes(session: Session, rows: list[PostcodeRow], *, edition: int) -> list[str]:
    """Give every postcode the imported LSOA 2021 it lies in, where that can be known.

    2011 codes go through the lookup (a split LSOA: the child containing the
    point); postcodes without a code get the imported LSOA containing them
    (or the nearest within 250 m: generalised boundaries leave slivers).
    """
    areas = session.execute(select(Area.code, Area.geom_wkb).where(Area.level == "lsoa")).all()
    if not areas:
        return []
    codes: list[str] = [a.code for a in areas]
    known = set(codes)
    geoms = shapely.from_wkb([a.geom_wkb for a in areas])
    tree = shapely.STRtree(geoms)
    children: dict[str, list[str]] = {}
    for old, new in session.execute(select(LsoaLookup.lsoa11, LsoaLookup.lsoa21)):
        children.setdefault(old, []).append(new)

    def containing(row: PostcodeRow, among: Collection[str] | None = None) -> str | None:
        point = shapely.Point(row["x"], row["y"])
        hits = [codes[int(i)] for i in tree.query(point, predicate="intersects")]
        if among is not None:
            hits = [h for h in hits if h in among]
        if hits:
            return hits[0]
        near = [codes[int(i)] for i in tree.query_nearest(point, max_distance=250)
                if among is None or codes[int(i)] in among]
        return near[0] if near else None

    translated = placed = 0
    for row in rows:
        code = row["lsoa_code"]
        if code is not None and code in known and (edition == 2021
                                                   or len(children.get(code, [])) <= 1):
            continue
        if code and code in children:
            kids = children[code]
            row["lsoa_code"] = kids[0] if len(kids) == 1 else (containing(row, set(kids))
                                                               or kids[0])
            translated += 1
        elif not code:
            row["lsoa_code"] = containing(row)
            placed += row["lsoa_code"] is not None
    notes: list[str] = []
    if translated:
        notes.append(f"{translated} postcodes in LSOAs changed since 2011 were given their "
                     "LSOA 2021 code through the lookup")
    if placed:
        notes.append(f"{placed} postcodes without an LSOA placed in one by their coordinates")
    return notes


