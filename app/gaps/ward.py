"""A councillor's own ward: the dashboard's first panel and the one-page ward
report (HTML, and A4 PDF made in the job layer like the evidence pack).

Everything here is read from the same gap view as the map and the ranked table
at ward level (:func:`app.gaps.service.load_view`), so the ward's gap score,
rank, reach and voice figures are the table's own: the report cannot disagree
with it.  Voice figures are the published (protected) ones; a share is shown
only where the table shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template, url_for
from sqlalchemy import select

from .. import jobs, publication
from ..access import READERS
from ..analysis import format_value, services_frame
from ..analysis.travel import MODE_PHRASES
from ..dataversion import current
from ..extensions import db
from ..links import base_url
from ..models import Area
from ..models.directory import SERVICE_TYPES
from ..settings import from_job
from ..survey.waves import ward_waves
from .service import _num, funding_risk_rows, load_view, page_context

LEVEL = "ward"


class WardError(ValueError):
    """A ward choice that cannot be used; the message says why, for the form."""


def ward_options(session) -> list[tuple[str, str]]:
    """Every ward as (code, name), by name: what a person picks from."""
    rows = session.execute(select(Area.code, Area.name).where(Area.level == LEVEL)
                           .order_by(Area.name, Area.code)).all()
    return [(code, name) for code, name in rows]


def choose_ward(session, user, code: str) -> str | None:
    """Store ``code`` as ``user``'s ward ('' forgets it); the ward's name, or None.

    Raises :class:`WardError` for a code that is not a ward."""
    code = (code or "").strip()
    if not code:
        user.ward_code = None
        session.commit()
        return None
    name = session.scalar(select(Area.name).where(Area.level == LEVEL, Area.code == code))
    if name is None:
        raise WardError("Choose a ward from the list")
    user.ward_code = code
    session.commit()
    return name


# What the reach filter counts, as the sentence "can reach a ... activity" says it.
_FILTER_PHRASES = {"all": "youth", "free": "free", "under": "free or under £X a month",
                   "not_uniformed": "non-uniformed", "open_access": "open-access or drop-in",
                   "evening_weekend": "evening or weekend"}


def _percent(share) -> str | None:
    return None if share is None else f"{100 * float(share):.0f}%"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _reaching(view, ids: list[int]) -> list[dict]:
    """The services counted in the ward's ``all_services``, nearest-named first."""
    if not ids or view.services is None or view.services.empty:
        return []
    svc = services_frame(view.services)
    svc = svc[svc["id"].isin(ids)].sort_values("name", key=lambda s: s.str.casefold())
    out = []
    for row in svc.itertuples(index=False):
        monthly = _num(row.monthly_cost)
        cost = ("free" if monthly == 0 else "price not known" if monthly is None
                else f"£{monthly:,.2f} a month")
        name = f"{row.name} (in a neighbouring area)" if row.outside_council else row.name
        out.append({"id": int(row.id), "name": name,
                    "type": SERVICE_TYPES.get(row.service_type, row.service_type),
                    "cost": cost, "sessions_per_week": float(row.sessions_per_week)})
    return out


def ward_report(session, code: str, args=None, settings=None) -> dict | None:
    """The ward's figures, or None when ``code`` is not a ward with figures.

    ``args`` are the gap pages' query parameters (travel mode, threshold, filter);
    the level is always ward.  ``settings`` (a job's) default to the app's."""
    query = {k: v for k, v in (args or {}).items() if k != "level"}
    view, errors = load_view(session, {**query, "level": LEVEL}, settings)
    if not view.has_areas or view.params.level != LEVEL or code not in view.published.index:
        return None
    row = view.published.loc[code]
    p = view.params
    ranked = view.published["rank"].notna().sum()
    rank = _num(row.get("rank"))
    ids = list(row.get("reach_ids") or []) if "reach_ids" in view.published.columns else []
    reaching = set(ids)
    risk = [{**r, "funding_end_text": f"{date.fromisoformat(r['funding_end']):%-d %B %Y}"}
            for r in funding_risk_rows(view) if r["id"] in reaching and r["within_12"]]
    voice = {"responses": _num(row.get("responses")),
             "shares": [(label, _num(row.get(f"share_{key}")), _num(row.get(f"cites_{key}")))
                        for key, label in (("cost", "cost"), ("transport", "getting there"),
                                           ("nothing_near", "nothing near enough"))]}
    total = view.voice_total or {}
    return {
        "code": code, "name": row["name"], "view": view, "errors": errors,
        "base": page_context(view, errors),
        "rank": int(rank) if rank is not None else None,
        "rank_text": (("joint " if (view.published["rank"] == rank).sum() > 1 else "")
                      + _ordinal(int(rank))) if rank is not None else None,
        "ranked": int(ranked),
        "score": format_value("gap_score", _num(row.get("gap_score"))),
        "young_people": format_value("young_people", _num(row.get("young_people"))),
        "reach_share": format_value("reach_share", _num(row.get("reach_share"))),
        "unreached": format_value("unreached", _num(row.get("unreached"))),
        # as the table writes it (format_value): one fact, one way of writing it
        "idaci": None if _num(row.get("idaci")) is None else format_value(
            "idaci", _num(row.get("idaci"))),
        # The deprivation figure the score uses (the official rank where imported), its year.
        "idaci_pct": _percent(_num(row.get("idaci_rank_pct"))),
        "idaci_year": (view.sources.get("idaci_rank_pct" if _num(row.get("idaci_rank_pct"))
                                        is not None else "idaci") or {}).get("year"),
        "rural_share": _percent(_num(row.get("rural_share"))),
        "places": format_value("places_per_1000", _num(row.get("places_per_1000"))),
        "reach": f"{p.threshold} minutes {MODE_PHRASES[p.mode]}",
        "kind": _FILTER_PHRASES.get(p.filter, "youth").replace(
            "£X", f"£{p.max_monthly:g}"),
        "services": _reaching(view, ids),
        "services_count": int(row.get("all_services") or 0),
        # The ranked table's "Services in reach" counts the chosen filter's only:
        # the report names that count beside its own, so the two never disagree unsaid.
        "services_passing": (int(row.get(f"{p.filter}_services") or 0)
                             if p.filter != "all" else None),
        "risk": risk,
        "voice": voice,
        # This survey wave beside the last (app/survey/waves.py), published values only.
        "waves": ward_waves(session, code, date.today()),
        "themes": publication.page_themes(session),
        "county_responses": total.get("responses"),
        "complete": row.get("complete") is not False,
        "uncertain": _percent(_num(row.get("uncertain_share")))
        if row.get("uncertain") in (True,) else None,
        "missing": row.get("missing"),
        "today": date.today(), "band": p.settings.band_text,
        "settings": p.settings.as_dict(),
        "query": {k: str(v) for k, v in p.query().items() if k != "level"},
    }


def ward_page(code: str, args) -> dict | None:
    """The ward report page's context (None: no such ward), with whether its PDF is made."""
    ctx = ward_report(db.session, code, args)
    if ctx is None:
        return None
    info = jobs.status(jobs.ledger.job_id(make_ward_pdf.yvm_path,
                                          _key(code, ctx["query"], ctx["settings"])))
    from .pdf import pdf_available

    return {**ctx, "w": ctx, "pdf": False, "pdf_available": pdf_available(),
            "pdf_ready": info is not None and info.state == "finished"}


def _pdf_url(info) -> str:
    return url_for("gaps.ward_pdf", code=info.params["code"], **info.params["args"])


@jobs.task(roles=READERS, title="Making the ward report PDF", kind="pdf",
           result_url=_pdf_url)
def make_ward_pdf(code: str, args: dict, settings: dict | None = None) -> dict:
    """Render the ward report for ``code`` (under the analysis ``settings`` it was
    asked with) to a one-page A4 PDF: ``{"body": bytes, "filename": str}``."""
    from .pdf import render_pdf

    with current_app.test_request_context(f"/ward/{code}.pdf", base_url=base_url(),
                                          query_string=args):
        jobs.report(0.1, "Working out the ward's figures")
        ctx = ward_report(db.session, code, args, from_job(settings))
        if ctx is None:
            raise ValueError(f"no ward {code}")
        html = render_template("gaps/ward.html", **{**ctx, "w": ctx, "pdf": True,
                                                       "pdf_available": False,
                                                       "pdf_ready": False})
        jobs.report(0.5, "Laying out the page")
        body, _ = render_pdf(html, base_url())
    return {"body": body, "filename": f"ward-report-{code}-{date.today().isoformat()}.pdf"}


@dataclass
class WardPdf:
    found: bool
    job: jobs.JobInfo | None = None
    available: bool = True

    @property
    def ready(self) -> dict | None:
        if self.job is None or self.job.state != "finished":
            return None
        return jobs.result(self.job.id)


def _key(code: str, args: dict, settings: dict) -> str:
    """The work, and nothing a client can vary for free (never the request's host):
    data version, ward, parameters and analysis settings (age band, defaults)."""
    import json

    return json.dumps({"data": list(current(db.session)), "code": code, "args": args,
                       "settings": settings}, sort_keys=True)


def request_ward_pdf(code: str, args, user_id: int | None) -> WardPdf:
    """Start (or find) the ward report's PDF job and give it a moment to finish (a
    new job counts against ``user_id``'s quota)."""
    from .pdf import pdf_available

    if not pdf_available():
        return WardPdf(True, available=False)
    ctx = ward_report(db.session, code, args)
    if ctx is None:
        return WardPdf(False)
    info = jobs.enqueue(make_ward_pdf, {"code": code, "args": ctx["query"],
                                        "settings": ctx["settings"]},
                        key=_key(code, ctx["query"], ctx["settings"]), user_id=user_id)
    if not info.done:
        info = jobs.wait_for(info.id, float(current_app.config["JOBS_WAIT_SECONDS"]))
    return WardPdf(True, info)
