"""The admin's survey page: every survey and version, and their open and close dates.

Dates set here are stored on the ``Survey`` row and win over the definition
file's dates (``flask surveys load`` keeps them); each change is audited.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from .. import publication
from ..access import roles_required
from ..audit import record
from ..extensions import db
from ..models import Survey
from . import bp
from .definition import ADMIN_DATES
from .store import definition_of, is_open, open_dates, today

DATE_HINT = "Choose a date (year-month-day, like 2026-09-01), or leave it empty for no date."


class SurveyDatesForm(FlaskForm):
    opens_on = DateField("Opens on", validators=[Optional()], description=DATE_HINT,
                         render_kw={"placeholder": "YYYY-MM-DD"})
    closes_on = DateField("Closes on (the last day it can be answered)",
                          validators=[Optional()], description=DATE_HINT,
                          render_kw={"placeholder": "YYYY-MM-DD"})

    def validate_opens_on(self, field):
        if field.raw_data and field.raw_data[0].strip() and field.data is None:
            field.errors.clear()  # WTForms' own "Not a valid date value." is replaced
            raise ValidationError("Enter the open date as year-month-day, like 2026-09-01")

    def validate_closes_on(self, field):
        if field.raw_data and field.raw_data[0].strip() and field.data is None:
            field.errors.clear()
            raise ValidationError("Enter the close date as year-month-day, like 2026-09-01")
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(
                f"The close date must be on or after the open date "
                f"({self.opens_on.data.strftime('%-d %B %Y')})")


def _status(survey, definition) -> str:
    opens_on, closes_on = open_dates(survey, definition)
    if is_open(survey, definition, today()):
        return "Open"
    if opens_on and today() < opens_on:
        return "Not open yet"
    return "Closed"


@bp.route("/admin/surveys")
@roles_required("admin")
def admin_surveys():
    """Every survey and version, with its dates, status and number of responses."""
    rows = db.session.scalars(select(Survey).order_by(Survey.slug, Survey.version.desc())).all()
    counts = publication.totals(db.session)["versions"]  # published, as everywhere
    listing = []
    for s in rows:
        definition = definition_of(s)
        opens_on, closes_on = open_dates(s, definition)
        listing.append({"survey": s, "opens_on": opens_on, "closes_on": closes_on,
                        "status": _status(s, definition),
                        "by_admin": bool((s.definition or {}).get(ADMIN_DATES)),
                        "responses": counts.get(str(s.id), 0)})
    return render_template("survey/admin_surveys.html", listing=listing)


@bp.route("/admin/surveys/<int:survey_id>", methods=["GET", "POST"])
@roles_required("admin")
def admin_survey_dates(survey_id: int):
    """Set a survey version's open and close dates."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404, description="There is no survey with that number.")
    definition = definition_of(survey)
    opens_on, closes_on = open_dates(survey, definition)
    form = SurveyDatesForm(data={"opens_on": opens_on, "closes_on": closes_on})
    if form.validate_on_submit():
        before = {"opens_on": _iso(opens_on), "closes_on": _iso(closes_on)}
        after = {"opens_on": _iso(form.opens_on.data), "closes_on": _iso(form.closes_on.data)}
        survey.opens_on, survey.closes_on = form.opens_on.data, form.closes_on.data
        survey.definition = {**(survey.definition or {}), ADMIN_DATES: True}
        record(db.session, user=current_user, action="survey.dates", obj=survey,
               before=before, after=after,
               note=f"{survey.slug} version {survey.version}: dates set by an admin")
        db.session.commit()
        flash(f"Saved the dates for {survey.title} (version {survey.version}).")
        return redirect(url_for("survey.admin_surveys"))
    return render_template("survey/admin_survey_dates.html", survey=survey, form=form,
                           file_opens_on=definition.opens_on,
                           file_closes_on=definition.closes_on), (400 if form.errors else 200)


def _iso(value):
    return value.isoformat() if value else None
