"""The admin's survey page: every survey and version, and their open and close dates;
each version downloaded as an XLSForm, and an XLSForm uploaded as a survey version.

Dates set here are stored on the ``Survey`` row and win over the definition
file's dates (``flask surveys load`` keeps them); each change is audited.  The
work is done in :mod:`.admin_service`.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import Optional, ValidationError

from ..access import roles_required
from . import admin_service as svc
from . import bp, yousaid

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


class XLSFormUploadForm(FlaskForm):
    xlsform = FileField("XLSForm spreadsheet (.xlsx)",
                        validators=[FileRequired("Choose an XLSForm .xlsx file to upload")],
                        description="A survey, choices and settings sheet; the settings "
                                    "sheet's form_id and version say which survey and "
                                    "version it is. If anything is wrong, nothing is "
                                    "loaded.",
                        render_kw={"accept": ".xlsx"})


@bp.route("/admin/surveys", methods=["GET", "POST"])
@roles_required("admin")
def admin_surveys():
    """Every survey and version, with its dates, status and number of responses; an
    XLSForm uploaded here is loaded as a survey version (all or nothing)."""
    form = XLSFormUploadForm()
    if form.validate_on_submit():
        done = svc.import_upload(form.xlsform.data, current_user)
        if done.problem is None:
            flash(done.message)
            return redirect(url_for("survey.admin_surveys"))
        form.xlsform.errors.append(done.problem)
    return render_template("survey/admin_surveys.html", listing=svc.survey_listing(),
                           form=form), (400 if form.errors else 200)


@bp.route("/admin/surveys/<int:survey_id>/xlsform.xlsx")
@roles_required("admin")
def admin_survey_xlsform(survey_id: int):
    """A survey version as an XLSForm spreadsheet."""
    name, data = svc.xlsform_download(survey_id)
    resp = send_file(data, mimetype=svc.XLSX, as_attachment=True, download_name=name)
    resp.headers["Cache-Control"] = "no-store"  # send_file's "no-cache" would let it be kept
    return resp


@bp.route("/admin/surveys/<int:survey_id>", methods=["GET", "POST"])
@roles_required("admin")
def admin_survey_dates(survey_id: int):
    """Set a survey version's open and close dates."""
    dates = svc.survey_dates(survey_id)
    form = SurveyDatesForm(data={"opens_on": dates.opens_on, "closes_on": dates.closes_on})
    if form.validate_on_submit():
        svc.set_dates(dates, form.opens_on.data, form.closes_on.data, current_user)
        survey = dates.survey
        flash(f"Saved the dates for {survey.title} (version {survey.version}).")
        return redirect(url_for("survey.admin_surveys"))
    return render_template("survey/admin_survey_dates.html", survey=dates.survey, form=form,
                           file_opens_on=dates.file_opens_on,
                           file_closes_on=dates.file_closes_on), (400 if form.errors else 200)


# --- waves and "You said, we did" -----------------------------------------------------

class WaveForm(FlaskForm):
    name = StringField("Name of the wave", description="Short, like 2026: it is in the "
                       "public page's address.")
    opens_on = DateField("Opens on", validators=[Optional()], description=DATE_HINT)
    closes_on = DateField("Closes on (the last day of the wave)", validators=[Optional()],
                          description=DATE_HINT)


@bp.route("/admin/surveys/<slug>/waves", methods=["GET", "POST"])
@roles_required("admin")
def admin_waves(slug):
    """A survey's waves; make a new one."""
    page = svc.waves_page(slug)
    form = WaveForm()
    if form.validate_on_submit():
        errors = svc.create_wave(slug, (form.name.data or "").strip(), form.opens_on.data,
                                 form.closes_on.data, current_user)
        if not errors:
            flash(f"Wave {form.name.data.strip()} made. Its figures appear with the next "
                  "snapshot.")
            return redirect(url_for("survey.admin_waves", slug=slug))
        for name, message in errors.items():
            getattr(form, name, form.name).errors = [message]
    elif form.is_submitted():
        for f in (form.opens_on, form.closes_on):
            if f.errors:
                f.errors = ["Enter the date as year-month-day, like 2026-09-01"]
    return render_template("survey/admin_waves.html", form=form, **page), (
        400 if form.errors else 200)


@bp.route("/admin/waves/<int:wave_id>/you-said-we-did", methods=["GET", "POST"])
@roles_required("admin")
def admin_you_said(wave_id: int):
    """Write a wave's "You said, we did": add or remove actions."""
    post, delete = None, None
    if request.method == "POST":
        if request.form.get("delete"):
            delete = request.form.get("delete", type=int)
        else:
            langs = yousaid.languages()
            post = yousaid.ActionPost(
                said={lang: request.form.get(f"said-{lang}", "") for lang in langs},
                did={lang: request.form.get(f"did-{lang}", "") for lang in langs},
                status=request.form.get("status", ""))
    page = yousaid.admin_page(wave_id, post, delete, current_user)
    if page["saved"]:
        flash(page["saved"])
        return redirect(url_for("survey.admin_you_said", wave_id=wave_id))
    return render_template("survey/admin_you_said.html", **page), (
        400 if page["errors"] else 200)
