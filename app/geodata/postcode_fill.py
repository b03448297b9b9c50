"""Every postcode of a council, from the postcode files in a folder.

The postcode directory (NSPL or ONSPD: national, one file per postcode area,
or already cut) gives the council's postcodes with their LSOA.  A directory
may be *partial*: the shared Herefordshire file holds only the HR and LD
postcode areas, while 8% of the council's postcodes are in GL, NP, SY and WR.
The postcode areas the directory lacks are then filled from another official
point file whose rows carry the council's code (OS Code-Point Open), or, with
no code column, whose points lie in the council's area; and the import says
so ("NSPL November 2021, HR and LD areas: 92% of the council's postcodes;
filled from OS Code-Point Open 2014 for GL, NP, SY and WR: 8%").

Pure: pandas, shapely; no Flask.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NotRequired, TypedDict

import pandas as pd
import shapely
from sqlalchemy.orm import Session

from .errors import GeodataError, ImportReport
from .postcodes import PostcodeRow, parse_postcodes, place_postcodes, stored, write_postcodes
from .recognise import Found
from .streaming import council_rows

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_MONTH_YEAR = re.compile(r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
                         r"[_ .-]?((?:19|20)\d{2})(?!\d)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
PUBLISHERS = {"postcode_directory": "ONS", "codepoint": "Ordnance Survey",
              "postcode_points": "unknown publisher"}
# Columns the postcode import reads (the rest of a 40-column directory is never loaded).
WANTED = ["pcds", "pcd", "pcd7", "pcd8", "postcode", "oseast1m", "osnrth1m", "east1m",
          "north1m", "easting", "northing", "eastings", "northings", "lat", "long", "latitude",
          "longitude", "lsoa21cd", "lsoa21", "lsoa11cd", "lsoa11", "doterm", "dointr",
          "usertype", "usrtypind", "households", "Postcode", "Eastings", "Northings"]


# (label, {LSOA: the council's postcodes in it}) from a file covering every postcode area.
Reference = tuple[str, Counter[str]]
# (label of a filling file, the postcode areas it filled, how many postcodes).
Filling = tuple[str, set[str], int]


class PostcodeSummary(TypedDict):
    """What the postcode files gave, for the coverage rows and the import report."""

    text: str  # the sentence saying which files were used
    year: int | None
    council: str
    live: int
    filled: int
    primary_areas: list[str]
    filled_areas: list[str]
    reference: NotRequired[Reference | None]  # taken out by the caller for the coverage


def area_of(postcode: str) -> str:
    """'HR1 1AA' -> 'HR'."""
    letters = re.match(r"[A-Z]+", postcode)
    if letters is None:
        raise ValueError(f"{postcode!r} does not start with a postcode area")
    return letters.group(0)


def edition(found: Found, frame: pd.DataFrame | None = None) -> tuple[str, int | None]:
    """(``'November 2021'``, 2021) from the file's name, else from its newest ``dointr``."""
    match = _MONTH_YEAR.search(found.path.stem)
    if match:
        month = next(m for m in MONTHS if m.startswith(match.group(1).lower()))
        return f"{month.title()} {match.group(2)}", int(match.group(2))
    intro = None
    if frame is not None and "dointr" in frame.columns and len(frame):
        values = frame["dointr"].str.replace("-", "").str[:6]
        values = values[values.str.fullmatch(r"\d{6}")]
        intro = str(values.max()) if len(values) else None
    if intro:
        month_no, year = int(intro[4:6]), int(intro[:4])
        return f"with postcodes introduced up to {MONTHS[month_no - 1].title()} {year}", year
    match = _YEAR.search(found.path.stem)
    if match:
        return match.group(1), int(match.group(1))
    return "edition not stated", None


def product(found: Found) -> str:
    """'NSPL', 'ONSPD', 'OS Code-Point Open' or 'postcode points'."""
    if found.role == "postcode_directory":
        keys = {c.lower() for c in found.columns}
        return "ONSPD" if "oslaua" in keys or "osward" in keys else "NSPL"
    if found.role == "codepoint":
        return "OS Code-Point Open"
    return "postcode points"


def _areas_text(areas: Iterable[str]) -> str:
    areas = sorted(areas)
    return areas[0] if len(areas) == 1 else ", ".join(areas[:-1]) + " and " + areas[-1]


def collect(session: Session, files: list[Found], code: str,
            council: Any) -> tuple[list[ImportReport], list[PostcodeRow], PostcodeSummary]:
    """Read, fill, place and store the council's postcodes.

    Returns (reports, rows, summary) where each row has ``filled`` set.
    ``council``: the council's area (a shapely geometry, EPSG:27700), used for
    point files without a local authority column.
    """
    directories = [f for f in files if f.role == "postcode_directory"]
    others = sorted((f for f in files if f.role != "postcode_directory"),
                    key=lambda f: (f.role != "codepoint", f.path.name))
    primary_files = directories or others[:1]
    fills = [f for f in others if f not in primary_files]
    if not primary_files:
        raise GeodataError(None, "no postcode file: add the ONS postcode directory (NSPL or "
                           "ONSPD) for the council's postcode areas, or OS Code-Point Open")
    seen: dict[str, int] = {}
    reports: list[ImportReport] = []
    rows: list[PostcodeRow] = []
    primary_label: tuple[str, int | None] | None = None
    for found in primary_files:
        frame, _codes = council_rows(found, code, columns=WANTED)
        text, year = edition(found, frame)
        label = f"{product(found)} {text}"
        primary_label = primary_label or (label, year)
        got, skipped, lsoa_edition = parse_postcodes(found.path, frame, seen=seen,
                                                     source=f"{label} [{found.path.name}]")
        if not got and found.la_column:
            raise GeodataError(found.path, f"has no postcode of {code} in column "
                               f"'{found.la_column}'", column=found.la_column)
        notes = place_postcodes(session, got, edition=lsoa_edition)
        if skipped:
            notes.append(f"{skipped} postcodes without coordinates were left out")
        reports.append(ImportReport(found.path, f"postcodes ({label})", rows=len(got),
                                    notes=notes))
        rows.extend(got)
    covered = {area_of(r["postcode"]) for r in rows}
    filled_from: list[Filling] = []
    reference: Reference | None = None
    for found in fills:
        cut = code if found.la_column else None
        frame, _codes = council_rows(found, cut, columns=WANTED)
        text, _year = edition(found, frame)
        label = f"{product(found)} {text}"
        got, _skipped, lsoa_edition = parse_postcodes(found.path, frame,
                                                      source=f"{label} [{found.path.name}]")
        if found.la_column:  # the council's postcodes per LSOA, over every such file
            ref = [r.copy() for r in got if r["terminated"] is None and not r["large_user"]]
            place_postcodes(session, ref, edition=lsoa_edition)
            reference = reference or (label, Counter())
            reference[1].update(r["lsoa_code"] for r in ref if r["lsoa_code"])
        new = [r for r in got if area_of(r["postcode"]) not in covered]
        if cut is None and new:  # no council column: keep the points in the council's area
            inside = shapely.contains_xy(council, [r["x"] for r in new], [r["y"] for r in new])
            new = [r for r, keep in zip(new, inside, strict=True) if keep]
        if not new:
            reports.append(ImportReport(found.path, f"postcodes ({label})", notes=[
                "not used: the postcode directory already covers every postcode area it has "
                "for the council"]))
            continue
        for row in new:
            row["filled"] = True
        notes = place_postcodes(session, new, edition=lsoa_edition)
        areas = {area_of(r["postcode"]) for r in new}
        covered |= areas
        filled_from.append((label, areas, len(new)))
        reports.append(ImportReport(found.path, f"postcodes ({label}), filling "
                                    f"{_areas_text(areas)}", rows=len(new), notes=notes))
        rows.extend(new)
    write_postcodes(session, [stored(r) for r in rows])
    assert primary_label is not None  # there is at least one primary file (else refused)
    summary = summarise(rows, primary_label, filled_from, code)
    summary["reference"] = reference
    return reports, rows, summary


def live(rows: Iterable[PostcodeRow]) -> list[PostcodeRow]:
    """Live postcodes that are not large-user (business) ones."""
    return [r for r in rows if r["terminated"] is None and not r["large_user"]]


def summarise(rows: Sequence[PostcodeRow], primary_label: tuple[str, int | None],
              filled_from: list[Filling], code: str) -> PostcodeSummary:
    """What was used, in one sentence, and the counts behind it."""
    alive = live(rows)
    total = len(alive) or 1
    filled = sum(1 for r in alive if r.get("filled"))
    primary_areas = {area_of(r["postcode"]) for r in rows if not r.get("filled")}
    label, year = primary_label
    text = (f"{label}, {_areas_text(primary_areas)} "
            f"{'area' if len(primary_areas) == 1 else 'areas'}")
    if filled_from:
        text += f": {(total - filled) / total:.0%} of the council's live residential postcodes"
    for fill_label, areas, _n in filled_from:
        share = sum(1 for r in alive if r.get("filled") and area_of(r["postcode"]) in areas)
        text += f"; filled from {fill_label} for {_areas_text(areas)}: {share / total:.0%}"
    return {"text": text, "year": year, "council": code, "live": len(alive),
            "filled": filled, "primary_areas": sorted(primary_areas),
            "filled_areas": sorted({a for _l, areas, _n in filled_from for a in areas})}
