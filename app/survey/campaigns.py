"""Campaigns: one link (and QR code) per school, club or event.  No Flask.

Schools come from the DfE's Get Information About Schools (GIAS) CSV.  The
import is all-or-nothing: a bad row stops it with the file, row and column.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass

import segno
from sqlalchemy import select

from ..geodata.council_area import GRID_BOUNDS
from ..geodata.lookup import areas_containing
from ..models import Campaign

# Phases whose pupils include 11-19 year olds ("Not applicable" covers special schools).
DEFAULT_PHASES = ("Secondary", "All-through", "16 plus", "Middle deemed secondary",
                  "Not applicable")
REQUIRED = ("urn", "establishment_name", "education_phase", "number_of_pupils")
MAX_PUPILS = 10_000  # the largest English school has under 5,000
# GIAS's own download uses these headings; the tidy extract uses the snake-case ones.
ALIASES = {"URN": "urn", "EstablishmentName": "establishment_name",
           "PhaseOfEducation (name)": "education_phase",
           "NumberOfPupils": "number_of_pupils", "Easting": "easting", "Northing": "northing"}


class GiasError(ValueError):
    """The schools file cannot be used; the message names the file, row and column."""


@dataclass
class School:
    urn: str
    name: str
    phase: str
    pupils: int | None
    x: float | None
    y: float | None
    ward_code: str | None


def read_gias(stream, source: str, phases=DEFAULT_PHASES) -> list[School]:
    """Schools of ``phases`` (all when ``phases`` is empty) from a GIAS CSV text stream."""
    from ..ingest import IngestError, column_length, csv_rows, number

    try:
        fieldnames, body = csv_rows(stream.read(), source)
    except IngestError as exc:
        raise GiasError(str(exc)) from None
    if not fieldnames:
        raise GiasError(f"{source}: the file is empty")
    headers = {h: ALIASES.get(h.strip(), h.strip().lower()) for h in fieldnames}
    missing = [c for c in REQUIRED if c not in headers.values()]
    if missing:
        raise GiasError(f"{source}: missing column(s) {', '.join(missing)} "
                        "(is this a Get Information About Schools CSV?)")
    schools, seen = [], set()
    name_max = column_length(Campaign, "name")
    for rowno, raw in body:
        row = {headers[k]: (v or "").strip() for k, v in raw.items() if k in headers}
        for col in REQUIRED:
            row.setdefault(col, "")
        if phases and row["education_phase"] not in phases:
            continue
        urn = row["urn"]
        if not re.fullmatch(r"\d{5,7}", urn):
            raise GiasError(f"{source}: row {rowno}, column urn: {urn!r} is not a school URN "
                            "(5 to 7 digits)")
        if urn in seen:
            raise GiasError(f"{source}: row {rowno}, column urn: URN {urn} appears twice")
        seen.add(urn)
        if not row["establishment_name"]:
            raise GiasError(f"{source}: row {rowno}, column establishment_name: the name is empty")
        if len(row["establishment_name"]) > name_max:
            raise GiasError(f"{source}: row {rowno}, column establishment_name: longer than "
                            f"{name_max} characters")
        try:
            pupils = number(row.get("number_of_pupils"), source, rowno, "number_of_pupils",
                            0, MAX_PUPILS, whole=True)
            coords = [number(row.get(col), source, rowno, col, 0, top)
                      for col, top in (("easting", GRID_BOUNDS[2]), ("northing", GRID_BOUNDS[3]))]
        except IngestError as exc:
            raise GiasError(str(exc)) from None
        schools.append(School(urn, row["establishment_name"], row["education_phase"], pupils,
                              coords[0], coords[1], row.get("ward25_code") or None))
    return schools


def new_code(rng=None) -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    if rng is None:
        return "".join(secrets.choice(alphabet) for _ in range(7))
    return "".join(rng.choice(alphabet) for _ in range(7))


def upsert_school_campaigns(session, slug: str, schools: list[School], *, area_level=None,
                            rng=None) -> tuple[int, int]:
    """Add or update one campaign per school (matched by URN).  Returns (added, updated).

    Flushes but does not commit: the caller commits once, so it is all-or-nothing.
    """
    existing = {c.school_urn: c for c in session.scalars(
        select(Campaign).where(Campaign.survey_slug == slug, Campaign.school_urn.is_not(None)))}
    codes = set(session.scalars(select(Campaign.code).where(Campaign.survey_slug == slug)))
    added = updated = 0
    # Each school's area, found for all the placed schools at once.
    placed = [s for s in schools if s.x is not None and s.y is not None] if area_level else []
    found = areas_containing(session, [(s.x, s.y) for s in placed], area_level) \
        if placed else []
    area_of = {id(s): area for s, area in zip(placed, found, strict=True)}
    for s in schools:
        area = area_of.get(id(s))
        area_code = area.code if area is not None else s.ward_code
        camp = existing.get(s.urn)
        if camp is None:
            code = new_code(rng)
            while code in codes:
                code = new_code(rng)
            codes.add(code)
            camp = Campaign(survey_slug=slug, code=code, kind="school", school_urn=s.urn)
            session.add(camp)
            added += 1
        else:
            updated += 1
        camp.name, camp.pupils, camp.area_code = s.name, s.pupils, area_code
    session.flush()
    return added, updated


def qr(url: str, kind: str) -> tuple[bytes, str]:
    """A QR code of ``url`` as PNG or SVG bytes with its MIME type."""
    code = segno.make(url, error="m")
    out = io.BytesIO()
    if kind == "svg":
        code.save(out, kind="svg", scale=8, border=4, title="QR code for the survey link")
        return out.getvalue(), "image/svg+xml"
    code.save(out, kind="png", scale=10, border=4)
    return out.getvalue(), "image/png"
