"""Staff survey pages' work: published results, the CSV downloads, the admin's
record-level export, and campaign links (add one, import schools, QR codes).

The views in :mod:`app.survey.results_routes` parse the request, call one
function here and render.  Every count comes from the publication layer
(:mod:`app.publication`); only the admin's record-level export reads response
rows, through :func:`app.survey.store.record_level_rows`.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field

from flask import abort, current_app
from sqlalchemy import select

from .. import csvsafe, publication
from ..audit import commit_change, record, snapshot
from ..disclosure import DisclosureRule
from ..extensions import db
from ..models import Campaign, Survey
from .campaigns import DEFAULT_PHASES, GiasError, new_code, qr, read_gias, upsert_school_campaigns
from .findings import headlines, question_view, question_views
from .store import area_level, current_survey, definition_of, record_level_rows, today
from .tables import (
    CAMPAIGN_SORTS,
    TOTAL_ONLY,
    filter_options,
    sort_campaign_table,
    table_csv_rows,
)
from .waves import comparison as wave_comparison

CAMPAIGN_KINDS = ("school", "club", "event")


def survey_or_404(slug: str) -> Survey:
    """The current version of survey ``slug``; 404 when there is none."""
    survey = current_survey(db.session, slug, autoload=False)
    if survey is None:
        abort(404, description="There is no survey with that name.")
    return survey


def _label(value) -> str:
    return "[c]" if value is None else f"{value:,}"


def results_index() -> dict:
    """Every current survey with its published number of answers (latest snapshot)."""
    surveys = db.session.scalars(select(Survey).where(Survey.is_current.is_(True))
                                 .order_by(Survey.slug)).all()
    counts = publication.totals(db.session)["surveys"]
    return {"rows": [(s, _label(counts.get(s.slug, 0))) for s in surveys],
            "snapshot": publication.latest(db.session),
            # The current council's rule (it may have raised the threshold), as every
            # figure on the page uses it, never the deployment's setting read directly.
            "rule": DisclosureRule.from_config(current_app.config).fixed()}


def _filters(survey: Survey, area: str | None, age: str | None):
    """The survey's definition, the area and age choices, and the asked-for area and
    age band when they are among them (else ``None``)."""
    definition = definition_of(survey)
    areas, ages = filter_options(db.session, survey.slug, definition)
    area = area or None
    age = age or None
    if area and area not in dict(areas):
        area = None
    if age and age not in dict(ages):
        age = None
    return definition, areas, ages, area, age


def results_page(slug: str, area: str | None, age: str | None, sort: str | None) -> dict:
    """A survey's answers as published in the latest snapshot, findings first: the
    results page's template context.

    ``findings`` (headline sentences), ``questions`` (one chart and table each,
    shares from published counts only), ``age_view``, the campaign table, then the
    area tables (``area_table``, ``grid``) for the end of the page.  ``gave_area``
    is the published number of answers that gave an area (the gap map's and
    evidence pack's count), shown beside the total when it differs.
    """
    survey = survey_or_404(slug)
    definition, areas, ages, area, age = _filters(survey, area, age)
    total, tables, snap = publication.survey_tables(db.session, slug, area, age)
    if area and not publication.breakdown(db.session, slug, area):
        # A small area: its total only (its own page), never by age or answer.
        total, tables, snap = publication.survey_tables(db.session, slug, area, None)
        tables = []
    by_id = {t.id: t for t in tables}
    campaign_sort = None
    if "campaign" in by_id:
        campaign_sort = sort_campaign_table(by_id["campaign"], sort or "least-heard")
    questions = question_views(tables, total, definition)
    area_table = by_id.get("area")
    return {"survey": survey, "definition": definition, "total": total,
            "findings": headlines(questions), "questions": questions,
            "age_view": question_view(by_id["age_band"], total) if "age_band" in by_id else None,
            "campaign_table": by_id.get("campaign"), "area_table": area_table,
            "grid": by_id.get("area_by_age"),
            "gave_area": area_table.known_total if area_table and not area else None,
            "areas": areas, "ages": ages, "area": area, "age": age,
            "area_name": dict(areas).get(area) if area else None,
            "age_name": dict(ages).get(age) if age else None,
            "rule": DisclosureRule.from_config(current_app.config),
            "campaign_sort": campaign_sort, "campaign_sort_asked": sort is not None,
            "campaign_sorts": CAMPAIGN_SORTS, "snapshot": snap,
            # This wave beside the last (app/survey/waves.py): published values only.
            "waves": None if age else wave_comparison(db.session, slug, today(), area),
            "breakdown": publication.breakdown(db.session, slug, area),
            "themes": publication.survey_themes(db.session, slug),
            "wave_themes": publication.wave_themes(db.session, slug),
            "breakdown_min": publication.ReleaseRule.from_config(
                current_app.config).breakdown_min}


def tables_csv(slug: str, area: str | None, age: str | None) -> tuple[str, str]:
    """The published tables as CSV: ``(text, file name)``."""
    survey = survey_or_404(slug)
    _definition, _areas, _ages, area, age = _filters(survey, area, age)
    total, tables, _snap = publication.survey_tables(db.session, slug, area, age)
    if area and not publication.breakdown(db.session, slug, area):
        age = None  # a small area: its total only
        total, _tables, _snap = publication.survey_tables(db.session, slug, area, None)
        tables = []
    out = io.StringIO()
    writer = csvsafe.writer(out)
    for row in table_csv_rows(tables):
        writer.writerow(row)
    if not tables and _snap is not None:
        writer.writerow([TOTAL_ONLY, "Total", "Answers", "[c]" if total is None else total])
    name = f"{slug}-results" + (f"-{area}" if area else "") + (f"-age-{age}" if age else "")
    return out.getvalue(), re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".csv"


def record_level_export(slug: str, user) -> tuple[str, str]:
    """Every response, anonymous, one row each, for admins (the data controller's
    record-level export, not a publication): no free text, no ids, shuffled.
    Audited.  Returns ``(CSV text, file name)``."""
    survey = survey_or_404(slug)
    definition = definition_of(survey)
    qids = [q.id for q in definition.questions if q.type in ("single", "multiple", "rating")]
    rows = record_level_rows(db.session, slug, qids)
    random.SystemRandom().shuffle(rows)
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(["survey_version", "submitted_on", "area_level", "area_code", "age_band",
                     "campaign"] + qids)
    writer.writerows(rows)
    record(db.session, user=user, action="export", object_type="Survey",
           object_id=survey.id, note=f"full anonymous export of {len(rows)} responses")
    db.session.commit()
    return out.getvalue(), f"{slug}-responses.csv"


# --- campaigns ---------------------------------------------------------------

@dataclass
class CampaignPost:
    """A posted campaigns form: ``add`` one campaign, or import schools (``gias``)."""

    action: str | None
    name: str = ""
    kind: str = "event"
    upload: object = None  # the GIAS CSV (a werkzeug FileStorage)
    phases: tuple[str, ...] = ()


@dataclass
class CampaignsPage:
    survey: Survey
    campaigns: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    done: str | None = None  # what was saved, for the message after the redirect
    phases: tuple[str, ...] = DEFAULT_PHASES + ("Primary",)
    default_phases: tuple[str, ...] = DEFAULT_PHASES

    @property
    def status(self) -> int:
        return 400 if self.errors else 200


def campaigns_page(slug: str, post: CampaignPost | None, user) -> CampaignsPage:
    """The campaign links of a survey, after adding one or importing schools when
    ``post`` asks to.  ``done`` is set when something was saved (audited)."""
    page = CampaignsPage(survey=survey_or_404(slug))
    if post is not None:
        if post.action == "add":
            page.done = _add_campaign(slug, post, user, page.errors)
        elif post.action == "gias":
            page.done = _import_schools(slug, post, user, page.errors)
        else:
            abort(400, description="Unknown action.")
        if page.done:
            return page
    page.campaigns = db.session.scalars(select(Campaign).where(Campaign.survey_slug == slug)
                                        .order_by(Campaign.kind, Campaign.name)).all()
    return page


def _add_campaign(slug: str, post: CampaignPost, user, errors: dict) -> str | None:
    name = post.name.strip()
    kind = post.kind or "event"
    if not name:
        errors["name"] = "Enter a name for the campaign, for example 'Leominster youth club'"
    elif len(name) > 200:
        errors["name"] = "The name must be 200 characters or fewer"
    if kind not in CAMPAIGN_KINDS:
        errors["kind"] = "Choose school, club or event"
    if errors:
        return None
    codes = set(db.session.scalars(select(Campaign.code).where(Campaign.survey_slug == slug)))
    code = new_code()
    while code in codes:
        code = new_code()
    camp = Campaign(survey_slug=slug, code=code, name=name, kind=kind)
    db.session.add(camp)
    commit_change(db.session, user=user, action="create", obj=camp,
                  after=lambda: snapshot(camp))
    return f"Campaign '{name}' added."


def _import_schools(slug: str, post: CampaignPost, user, errors: dict) -> str | None:
    upload = post.upload
    if not upload or not upload.filename:
        errors["gias"] = "Choose the schools CSV file to upload"
        return None
    try:
        text = upload.stream.read().decode("utf-8-sig")
        schools = read_gias(io.StringIO(text), upload.filename, tuple(post.phases))
        if not schools:
            raise GiasError(f"{upload.filename}: no schools of the chosen phases")
        added, updated = upsert_school_campaigns(db.session, slug, schools,
                                                 area_level=area_level(db.session))
    except UnicodeDecodeError:
        db.session.rollback()
        errors["gias"] = f"{upload.filename}: is not a UTF-8 CSV file"
        return None
    except GiasError as exc:
        db.session.rollback()
        errors["gias"] = str(exc)
        return None
    record(db.session, user=user, action="import", object_type="Campaign",
           note=f"GIAS {upload.filename}: {added} added, {updated} updated")
    db.session.commit()
    return f"{added} school campaigns added and {updated} updated."


def campaign_qr(slug: str, code: str, fmt: str, url: str) -> tuple[bytes, str]:
    """The QR code (``png`` or ``svg``) of campaign ``code``'s link ``url``:
    ``(data, mime type)``; 404 for another format or an unknown campaign."""
    if fmt not in ("png", "svg"):
        abort(404)
    camp = db.session.scalar(select(Campaign).where(Campaign.survey_slug == slug,
                                                    Campaign.code == code))
    if camp is None:
        abort(404)
    return qr(url, fmt)
