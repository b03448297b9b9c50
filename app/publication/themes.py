"""Published counts of the themes young people wrote about, by area type and wave.

Flask-free.  Only person-confirmed codes (:class:`app.models.ThemeCode`,
``status == "confirmed"``) of published responses count (held answers wait, as
everywhere).  Each count is a cell of the release model (:mod:`.release`: the
cell key method, then hide 1-7 and round to 5, kept until enough people change
it), named by who is in it, and is then shown only when its published value is at
least ``THEMES_MIN_ANSWERS`` (10): a smaller theme says "fewer than 10".  Quotes
are published only when a person approved them and they still hold no personal
detail, never with their area, age or date, and only under a theme that is shown.

Area type (city, town, rural) comes from the LSOA's rural-urban class
(2011: A1/B1 city, C1/C2 town, D-F rural; 2021: UN1 city, UF1 town, R... rural;
a codebook's ``area_types:`` mapping of class to type overrides it); a response
recorded at another level takes the class of the LSOA holding its area's centre.

Waves: one document for every answer (``"all"``) and one for each survey wave
(:mod:`.waves`, by submission date and version), each with cells of its own;
:func:`themes` reads one, :func:`wave_themes` every wave's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Answer, AreaIndicator, Response, ThemeCode, ThemeQuote
from .keys import figure, latest
from .microdata import _is_open, _place_codes, level_areas, published_rows
from .release import Member, Releaser, cid
from .waves import in_wave, survey_waves

AREA_TYPES = ("city", "town", "rural")
NOT_KNOWN = "not_known"
ALL = "all"
MAX_QUOTES = 3
_CLASSES = {"A1": "city", "B1": "city", "UN1": "city", "C1": "town", "C2": "town",
            "UF1": "town"}


def area_type_of(klass: str | None, overrides: dict[str, str] | None = None) -> str:
    """city, town or rural for a rural-urban class code (``not_known`` without one)."""
    if not klass:
        return NOT_KNOWN
    klass = klass.strip().upper()
    if overrides and klass in overrides:
        return str(overrides[klass])
    if klass in _CLASSES:
        return _CLASSES[klass]
    if klass[:1] in ("D", "E", "F", "R"):
        return "rural"
    return NOT_KNOWN


@dataclass(frozen=True)
class ThemeRule:
    min_answers: int = 10
    codebook: Any = None  # app.survey.themes.Codebook, for labels and order


def _lsoa_types(session: Session, overrides: dict[str, str] | None) -> dict[str, str]:
    rows = session.execute(select(AreaIndicator.area_code, AreaIndicator.text_value)
                           .where(AreaIndicator.name == "ruc_class")
                           .order_by(AreaIndicator.year)).all()
    return {code: area_type_of(klass, overrides) for code, klass in rows}


def _types(session: Session, rows: list[dict[str, Any]],
           overrides: dict[str, str] | None) -> dict[int, str]:
    """Response id -> area type."""
    lsoa = _lsoa_types(session, overrides)
    other = pd.DataFrame([(r["area_level"], r["area_code"]) for r in rows
                          if r["area_code"] and r["area_level"] != "lsoa"],
                         columns=["area_level", "area_code"]).drop_duplicates()
    placed: dict[Any, Any] = {}
    if len(other) and lsoa:
        placed = _place_codes(session, other, level_areas(session, "lsoa"))
    out: dict[int, str] = {}
    for r in rows:
        code = r["area_code"] if r["area_level"] == "lsoa" else \
            placed.get((r["area_level"], r["area_code"]))
        out[r["id"]] = lsoa.get(code, NOT_KNOWN) if code else NOT_KNOWN
    return out


def theme_docs(session: Session, rel: Releaser, top: int, slugs: Iterable[str],
               rule: ThemeRule) -> list[tuple[str, str, dict[str, Any]]]:
    """``[("themes", key, payload)]``: one document per survey and wave."""
    from ..survey.themes import personal_details

    overrides = getattr(rule.codebook, "area_types", None)
    out: list[tuple[str, str, dict[str, Any]]] = []
    for slug in slugs:
        writers = session.execute(
            select(Response.id, Response.record_key, Response.campaign_id, Response.review,
                   Response.area_level, Response.area_code, Response.submitted_on,
                   Response.survey_version)
            .join(Answer, Answer.response_id == Response.id)
            .where(Response.survey_slug == slug, published_rows(top),
                   Answer.is_free_text.is_(True), Answer.value.is_not(None))).all()
        rows = list({r[0]: {"id": r[0], "key": int(r[1] or 0), "open": _is_open(r[2], r[3]),
                            "area_level": r[4], "area_code": r[5], "submitted_on": r[6],
                            "version": r[7]} for r in writers}.values())
        if not rows:
            continue
        types = _types(session, rows, overrides)
        codes = session.execute(
            select(ThemeCode.theme, Answer.response_id)
            .join(Answer, Answer.id == ThemeCode.answer_id)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_slug == slug, published_rows(top),
                   ThemeCode.status == "confirmed")).all()
        by_id = {r["id"]: r for r in rows}
        quotes = session.execute(
            select(ThemeQuote.theme, Answer.value, Answer.response_id)
            .join(Answer, Answer.id == ThemeQuote.answer_id)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_slug == slug, published_rows(top),
                   ThemeQuote.approved.is_(True))
            .order_by(ThemeQuote.approved_at, ThemeQuote.id)).all()
        # Every answer ("all"), then each survey wave's own (app/publication/waves.py):
        # a wave's cells are cells of their own, protected like the waves' tables.
        groups = [(ALL, by_id)] + [
            (wave.name, {rid: r for rid, r in by_id.items() if in_wave(wave, r)})
            for wave in survey_waves(session, slug)]
        for wave, mine in groups:
            if mine or wave == ALL:
                out.append(("themes", f"{slug}|{wave}",
                            _payload(rel, slug, wave, mine, types, codes, quotes, rule,
                                     personal_details)))
    return out


def _payload(rel: Releaser, slug: str, wave: str, rows: dict[int, dict[str, Any]],
             types: dict[int, str], codes: Sequence[Any], quotes: Sequence[Any],
             rule: ThemeRule, details: Callable[[str], Any]) -> dict[str, Any]:
    def member(r: dict[str, Any]) -> Member:
        return Member(r["id"], r["key"], r["open"])

    groups = list(AREA_TYPES) + [ALL]

    def in_group(rid: int, g: str) -> bool:
        return g == ALL or types.get(rid) == g

    writers = {g: [member(r) for rid, r in rows.items() if in_group(rid, g)] for g in groups}
    wrote = {g: rel.cell(cid("themes", slug, wave, "wrote", g), writers[g]) for g in groups}
    coded: dict[str, set[int]] = {}
    for theme, rid in codes:
        if rid in rows:
            coded.setdefault(theme, set()).add(rid)
    order = list(getattr(rule.codebook, "ids", [])) or []
    order += sorted(t for t in coded if t not in order)
    themes = []
    for tid in order:
        counts: dict[str, int | None] = {}
        for g in groups:
            ms = [member(rows[rid]) for rid in coded.get(tid, ()) if in_group(rid, g)]
            value = rel.cell(cid("themes", slug, wave, tid, g), ms, len(writers[g]) or None)
            counts[g] = value if value is not None and value >= rule.min_answers else None
        shown = [q for q, rid in ((v, r) for t, v, r in quotes if t == tid)
                 if rid in rows and q and not details(q)] if counts[ALL] is not None else []
        label = rule.codebook.label(tid) if rule.codebook is not None else tid
        themes.append({"id": tid, "label": label, "counts": counts,
                       "quotes": shown[:MAX_QUOTES]})
    return {"wave": wave, "types": list(AREA_TYPES), "wrote": wrote, "themes": themes,
            "min": rule.min_answers}


def themes(session: Session, slug: str, wave: str = ALL) -> dict[str, Any] | None:
    """The latest snapshot's published themes of one survey and wave (``None``: none)."""
    doc: dict[str, Any] | None = figure(session, latest(session), "themes", f"{slug}|{wave}")
    return doc


def page_themes(session: Session) -> dict[str, Any] | None:
    """The themes shown on the ward report and the evidence pack: the first survey's
    (by slug) published themes, or ``None``."""
    found = all_themes(session)
    return found[0][1] if found else None


def all_themes(session: Session) -> list[tuple[str, dict[str, Any]]]:
    """``[(survey slug, payload)]`` of every survey's published themes (wave "all")."""
    from ..models import PublishedFigure

    snap = latest(session)
    if snap is None:
        return []
    rows = session.execute(select(PublishedFigure.key, PublishedFigure.payload).where(
        PublishedFigure.snapshot_id == snap.id, PublishedFigure.dataset == "themes")).all()
    return [(k.split("|")[0], p) for k, p in sorted(rows) if k.endswith(f"|{ALL}")]


def wave_themes(session: Session, slug: str) -> list[tuple[str, dict[str, Any]]]:
    """``[(wave name, payload)]``: each survey wave's published themes, oldest first
    (waves with no published themes left out)."""
    out = []
    for wave in survey_waves(session, slug):
        doc = themes(session, slug, wave.name)
        if doc is not None:
            out.append((wave.name, doc))
    return out
