"""Staff pages: published results, exports, campaigns (the safeguarding queue is in
:mod:`.safeguarding_review`)."""

from __future__ import annotations

import io
import random
import re

from flask import (
    Response as FlaskResponse,
)
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from .. import csvsafe, publication
from ..access import PLANNERS, READERS, roles_required
from ..audit import record, snapshot
from ..disclosure import DisclosureRule
from ..extensions import db
from ..models import Campaign, Survey
from . import bp
from .campaigns import GiasError, qr, read_gias, upsert_school_campaigns
from .store import area_level, current_survey, definition_of, record_level_rows
from .tables import (
    CAMPAIGN_SORTS,
    bar_chart,
    filter_options,
    sort_campaign_table,
    table_csv_rows,
)


def _rule():
    return DisclosureRule.from_config(current_app.config)


def _survey_or_404(slug):
    survey = current_survey(db.session, slug, autoload=False)
    if survey is None:
        abort(404, description="There is no survey with that name.")
    return survey


@bp.route("/results")
@roles_required(*READERS)
def results_index():
    """Every survey with its published number of answers (from the latest snapshot)."""
    surveys = db.session.scalars(select(Survey).where(Survey.is_current.is_(True))
                                 .order_by(Survey.slug)).all()
    counts = publication.totals(db.session)["surveys"]
    rows = [(s, _label(counts.get(s.slug, 0))) for s in surveys]
    return render_template("survey/results_index.html", rows=rows,
                           snapshot=publication.latest(db.session))


def _label(value) -> str:
    return "[c]" if value is None else f"{value:,}"


def _filters(survey):
    definition = definition_of(survey)
    areas, ages = filter_options(db.session, survey.slug, definition)
    area = request.args.get("area") or None
    age = request.args.get("age") or None
    if area and area not in dict(areas):
        area = None
    if age and age not in dict(ages):
        age = None
    return definition, areas, ages, area, age


@bp.route("/results/<slug>")
@roles_required(*READERS)
def results(slug):
    """Tables and charts of a survey's answers, as published in the latest snapshot."""
    survey = _survey_or_404(slug)
    definition, areas, ages, area, age = _filters(survey)
    total, tables, snap = publication.survey_tables(db.session, slug, area, age)
    campaign_sort = None
    for t in tables:
        if t.id == "campaign":
            campaign_sort = sort_campaign_table(t, request.args.get("sort", "least-heard"))
    charts = {t.id: bar_chart(t) for t in tables}
    return render_template("survey/results.html", survey=survey, definition=definition,
                           tables=tables, charts=charts, total=total, areas=areas, ages=ages,
                           area=area, age=age, rule=_rule(), campaign_sort=campaign_sort,
                           campaign_sorts=CAMPAIGN_SORTS, snapshot=snap)


@bp.route("/results/<slug>/tables.csv")
@roles_required(*READERS)
def results_csv(slug):
    """The published tables as CSV."""
    survey = _survey_or_404(slug)
    _definition, _areas, _ages, area, age = _filters(survey)
    _total, tables, _snap = publication.survey_tables(db.session, slug, area, age)
    out = io.StringIO()
    writer = csvsafe.writer(out)
    for row in table_csv_rows(tables):
        writer.writerow(row)
    name = f"{slug}-results" + (f"-{area}" if area else "") + (f"-age-{age}" if age else "")
    return FlaskResponse(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{re.sub(r"[^A-Za-z0-9_.-]", "_", name)}.csv"'})


@bp.route("/results/<slug>/responses.csv")
@roles_required("admin")
def export_full(slug):
    """Every response, anonymous, one row each, for admins (the data controller's
    record-level export, not a publication).  No free text, no ids, shuffled."""
    survey = _survey_or_404(slug)
    definition = definition_of(survey)
    qids = [q.id for q in definition.questions if q.type in ("single", "multiple", "rating")]
    rows = record_level_rows(db.session, slug, qids)
    random.SystemRandom().shuffle(rows)
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(["survey_version", "submitted_on", "area_level", "area_code", "age_band",
                     "campaign"] + qids)
    writer.writerows(rows)
    record(db.session, user=current_user, action="export", object_type="Survey",
           object_id=survey.id, note=f"full anonymous export of {len(rows)} responses")
    db.session.commit()
    return FlaskResponse(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{slug}-responses.csv"'})


# --- campaigns ---------------------------------------------------------------

@bp.route("/results/<slug>/campaigns", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def campaigns(slug):
    """Campaign links and QR codes; add one, or one per school from the GIAS CSV."""
    survey = _survey_or_404(slug)
    errors = {}
    if request.method == "POST":
        action = request.form.get("action")
        if action == "add":
            name = (request.form.get("name") or "").strip()
            kind = request.form.get("kind") or "event"
            if not name:
                errors["name"] = "Enter a name for the campaign, for example 'Leominster youth club'"
            elif len(name) > 200:
                errors["name"] = "The name must be 200 characters or fewer"
            if kind not in ("school", "club", "event"):
                errors["kind"] = "Choose school, club or event"
            if not errors:
                from .campaigns import new_code

                codes = set(db.session.scalars(select(Campaign.code)
                                               .where(Campaign.survey_slug == slug)))
                code = new_code()
                while code in codes:
                    code = new_code()
                camp = Campaign(survey_slug=slug, code=code, name=name, kind=kind)
                db.session.add(camp)
                db.session.flush()
                record(db.session, user=current_user, action="create", obj=camp,
                       after=snapshot(camp))
                db.session.commit()
                flash(f"Campaign '{name}' added.")
                return redirect(url_for("survey.campaigns", slug=slug))
        elif action == "gias":
            upload = request.files.get("gias")
            phases = request.form.getlist("phase")
            if not upload or not upload.filename:
                errors["gias"] = "Choose the schools CSV file to upload"
            else:
                try:
                    text = upload.stream.read().decode("utf-8-sig")
                    schools = read_gias(io.StringIO(text), upload.filename, tuple(phases))
                    if not schools:
                        raise GiasError(f"{upload.filename}: no schools of the chosen phases")
                    added, updated = upsert_school_campaigns(
                        db.session, slug, schools, area_level=area_level(db.session))
                    record(db.session, user=current_user, action="import",
                           object_type="Campaign",
                           note=f"GIAS {upload.filename}: {added} added, {updated} updated")
                    db.session.commit()
                    flash(f"{added} school campaigns added and {updated} updated.")
                    return redirect(url_for("survey.campaigns", slug=slug))
                except UnicodeDecodeError:
                    db.session.rollback()
                    errors["gias"] = f"{upload.filename}: is not a UTF-8 CSV file"
                except GiasError as exc:
                    db.session.rollback()
                    errors["gias"] = str(exc)
        else:
            abort(400, description="Unknown action.")
    camps = db.session.scalars(select(Campaign).where(Campaign.survey_slug == slug)
                               .order_by(Campaign.kind, Campaign.name)).all()
    from .campaigns import DEFAULT_PHASES

    return render_template("survey/campaigns.html", survey=survey, campaigns=camps,
                           errors=errors, phases=DEFAULT_PHASES + ("Primary",),
                           default_phases=DEFAULT_PHASES), 400 if errors else 200


@bp.route("/results/<slug>/campaigns/<code>/qr.<fmt>")
@roles_required(*PLANNERS)
def campaign_qr(slug, code, fmt):
    """A campaign link's QR code, PNG or SVG."""
    if fmt not in ("png", "svg"):
        abort(404)
    camp = db.session.scalar(select(Campaign).where(Campaign.survey_slug == slug,
                                                    Campaign.code == code))
    if camp is None:
        abort(404)
    url = url_for("survey.campaign", slug=slug, code=code, _external=True)
    data, mime = qr(url, fmt)
    return FlaskResponse(data, mimetype=mime, headers={
        "Content-Disposition": f'inline; filename="{slug}-{code}.{fmt}"'})
