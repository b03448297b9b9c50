"""A :class:`~app.publication.national.CouncilRelease` from this deployment's own
published figures, and the national open data (CSV rows, HSDS 3).  No Flask.

This is how each council feeds the national picture: the survey figures come
from the council's latest published snapshot (read through
:mod:`app.publication`, never from responses); the counts of young people in
the age band and of those within reach of a service are census estimates, given
by the caller as the gap table shows them and published here with the council's
rule (1-7 hidden, the rest rounded to 5) before anything else sees them; the
directory's counts are services, not people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..analysis.services import active, funding_at_risk, services_frame
from ..directory import openreferral
from ..directory.costs import service_monthly_cost
from ..disclosure import DisclosureRule
from ..models import Service
from ..publication import latest, survey_tables, totals
from ..publication.national import (
    CLIFF_MONTHS,
    COST_BANDS,
    AnswerCount,
    CouncilRelease,
    NationalPicture,
    Row,
    Total,
    cost_band,
)
from ..sources import OGL

# Tables of a published survey page that are not questions.
NOT_QUESTIONS = frozenset({"area", "age_band", "area_by_age", "campaign"})
OGL_NAME = "Open Government Licence v3.0"


@dataclass(frozen=True)
class CouncilIdentity:
    """Who a council is and on what terms its open data may be reused."""

    code: str
    name: str
    region_code: str = ""
    region_name: str = ""
    licence: str = OGL_NAME
    licence_url: str = OGL
    attribution: str = ""

    def attribution_text(self) -> str:
        return self.attribution or (f"Contains public sector information from {self.name} "
                                    f"licensed under the {self.licence}.")


def _live_services(session: Session) -> list[Service]:
    return list(session.scalars(
        select(Service).where(Service.outside_council.is_not(True))
        .options(selectinload(Service.sessions), selectinload(Service.organisation))
        .order_by(Service.id)))


def service_figures(session: Session, today: date) -> tuple[int, dict[str, int], dict[int, int]]:
    """(active services, services per monthly cost band, services whose funding ends
    within 6, 12 and 24 months) of the council's own directory (a neighbouring
    area's service is not the council's provision)."""
    rows = [{"id": s.id, "name": s.name, "status": s.status,
             "funding_end": s.funding_end, "sessions_per_week": len(s.sessions),
             "monthly_cost": service_monthly_cost(s)} for s in _live_services(session)]
    frame = services_frame(rows) if rows else None
    if frame is None:
        return 0, {k: 0 for k, _u in COST_BANDS}, {m: 0 for m in CLIFF_MONTHS}
    live = active(frame, today)
    live_ids = set(int(i) for i in live["id"])
    bands = {k: 0 for k, _u in COST_BANDS}
    for row in rows:
        if row["id"] in live_ids:
            bands[cost_band(row["monthly_cost"])] += 1
    risk = funding_at_risk(frame, today=today, months=CLIFF_MONTHS)
    cliff = {m: int(risk[f"within_{m}"].sum()) for m in CLIFF_MONTHS}
    return len(live_ids), bands, cliff


def published_answers(session: Session) -> tuple[int | None, tuple[AnswerCount, ...]]:
    """(published answers in all, every question's published answers) from the latest
    snapshot: the whole-council page of each survey, exactly as published."""
    out: list[AnswerCount] = []
    for slug in sorted(totals(session).get("surveys", {})):
        _total, tables, _snap = survey_tables(session, slug)
        for table in tables:
            if table.id in NOT_QUESTIONS or table.is_grid:
                continue
            for label, value in zip(table.rows, table.values, strict=True):
                out.append(AnswerCount(slug, table.id, table.title, label,
                                       _count(value), _count(table.total)))
    everyone = totals(session).get("all", 0)
    return _count(everyone), tuple(out)


def _count(value: Any) -> int | None:
    return None if value is None else int(value)


def build_release(session: Session, who: CouncilIdentity, rule: DisclosureRule, *,
                  young_people: float | None, reached: float | None,
                  today: date | None = None) -> CouncilRelease:
    """This council's release: published figures only.  ``young_people`` and
    ``reached`` are the gap table's county sums (census estimates), published here
    with ``rule``; the survey's figures are the latest snapshot's."""
    today = today or date.today()
    services, bands, cliff = service_figures(session, today)
    responses, answers = published_answers(session)
    snap = latest(session)
    return CouncilRelease(
        code=who.code, name=who.name, region_code=who.region_code,
        region_name=who.region_name, licence=who.licence, licence_url=who.licence_url,
        attribution=who.attribution_text(),
        published_on=snap.published_at.date() if snap is not None else None,
        young_people=rule.apply(young_people), reached=rule.apply(reached),
        services=services, cost_bands=bands, cliff_services=cliff,
        responses=responses, answers=answers, population=young_people is not None)


# ---- national open data ---------------------------------------------------------

CSV_FIELDS = ["level", "code", "name", "region_code", "councils", "young_people",
              "young_people_hidden_parts", "reached", "reached_hidden_parts",
              "reach_share_percent", "reach_share_councils", "services",
              "services_per_1000", "per_1000_councils", "responses", "responses_hidden_parts",
              *(f"services_cost_{k}" for k, _u in COST_BANDS),
              *(f"funding_ends_within_{m}_months" for m in CLIFF_MONTHS),
              "snapshot_date", "licence", "licence_url", "attribution"]


def _shown(total: Total) -> int | str:
    """A council's own figure: "[c]" when hidden; a sum: the sum of its shown parts."""
    if total.parts == 0:
        return ""
    return "[c]" if total.all_hidden else total.value


def csv_rows(picture: NationalPicture) -> list[dict[str, Any]]:
    """One row per council, region and England (England last), for the CSV."""
    by_code = {r.code: r for r in picture.releases}

    def row(r: Row) -> dict[str, Any]:
        release = by_code.get(r.code) if r.level == "council" else None
        return {
            "level": r.level, "code": r.code, "name": r.name, "region_code": r.region_code,
            "councils": r.councils, "young_people": _shown(r.young_people),
            "young_people_hidden_parts": r.young_people.hidden,
            "reached": _shown(r.reached), "reached_hidden_parts": r.reached.hidden,
            "reach_share_percent": _fixed(r.reach_share.value, 0),
            "reach_share_councils": r.reach_share.used, "services": r.services,
            "services_per_1000": _fixed(r.per_1000.value, 2),
            "per_1000_councils": r.per_1000.used, "responses": _shown(r.responses),
            "responses_hidden_parts": r.responses.hidden,
            **{f"services_cost_{k}": r.cost_bands.get(k, 0) for k, _u in COST_BANDS},
            **{f"funding_ends_within_{m}_months": r.cliff_services.get(m, 0)
               for m in CLIFF_MONTHS},
            "snapshot_date": (release.published_on.isoformat()
                              if release and release.published_on else ""),
            "licence": release.licence if release else "",
            "licence_url": release.licence_url if release else "",
            "attribution": release.attribution if release else "",
        }

    return [row(r) for r in [*picture.councils, *picture.regions, picture.england]]


ANSWER_FIELDS = ["level", "code", "name", "survey", "question", "question_text", "answer",
                 "people", "people_hidden_parts", "share_percent", "share_councils"]


def answer_csv_rows(picture: NationalPicture) -> list[dict[str, Any]]:
    """What young people said: each published answer by council, region and England."""
    out: list[dict[str, Any]] = []
    for r in [*picture.councils, *picture.regions, picture.england]:
        for a in picture.answers.get(r.code, []):
            out.append({"level": r.level, "code": r.code, "name": r.name, "survey": a.survey,
                        "question": a.question, "question_text": a.question_text,
                        "answer": a.answer, "people": _shown(a.count),
                        "people_hidden_parts": a.count.hidden,
                        "share_percent": _fixed(a.share.value, 0),
                        "share_councils": a.share.used})
    return out


def _fixed(value: float | None, places: int) -> str:
    if value is None:
        return ""
    return f"{value:.{places}f}"


def hsds_document(feeds: Iterable[tuple[CouncilRelease, Sequence[Service]]]) -> dict[str, Any]:
    """Every council's services as one HSDS 3 page, each service with its council's
    ONS code, licence and attribution (``yvm:`` extension properties, which HSDS
    allows); ``yvm:councils`` lists each council's terms once."""
    contents: list[dict[str, Any]] = []
    councils: list[dict[str, Any]] = []
    for release, services in feeds:
        terms = {"code": release.code, "name": release.name, "licence": release.licence,
                 "licence_url": release.licence_url, "attribution": release.attribution}
        councils.append(terms)
        doc = openreferral.export_directory(
            services, scope=openreferral.scope_for(release.name),
            state_province=release.name.removesuffix(" Council"),
            monthly_cost=service_monthly_cost)
        for item in doc["contents"]:
            item.update({f"{openreferral.PREFIX}council_code": release.code,
                         f"{openreferral.PREFIX}council": release.name,
                         f"{openreferral.PREFIX}licence": release.licence,
                         f"{openreferral.PREFIX}licence_url": release.licence_url,
                         f"{openreferral.PREFIX}attribution": release.attribution})
            contents.append(item)
    page = openreferral.page(contents, total_items=len(contents), page_number=1,
                             per_page=max(1, len(contents)))
    page[f"{openreferral.PREFIX}namespace"] = openreferral.NAMESPACE
    page[f"{openreferral.PREFIX}councils"] = councils
    return page


def public_services(session: Session) -> list[Service]:
    """The council's services as its own directory export lists them (active, paused
    and closed), less those in a neighbouring area: the neighbour lists its own, so the
    national file does not hold them twice."""
    return list(session.scalars(
        select(Service).where(Service.outside_council.is_not(True))
        .options(selectinload(Service.sessions), selectinload(Service.organisation))
        .order_by(Service.id)))


__all__ = ["ANSWER_FIELDS", "CSV_FIELDS", "answer_csv_rows", "CouncilIdentity", "build_release", "csv_rows", "hsds_document",
           "public_services", "published_answers", "service_figures"]
