"""The admin page that imports a council's geography from its official files, as
a background job (:mod:`app.admin.geodata_import`)."""

from __future__ import annotations

import uuid

from flask import abort, current_app, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, MultipleFileField, StringField
from wtforms.validators import DataRequired, Regexp

from ..access import roles_required
from . import bp
from . import geodata_import as service

CODE_HINT = ("Nine characters: E06, E07, E08 or E09 (England) or W06 (Wales) and six "
             "digits, for example E06000019 for Herefordshire.")


class GeographyImportForm(FlaskForm):
    code = StringField("The council's ONS code", description=CODE_HINT,
                       filters=[lambda v: (v or "").strip().upper()],
                       validators=[DataRequired("Enter the council's ONS code."),
                                   Regexp(service.COUNCIL_CODE, message="Enter a local authority code "
                                          "such as E06000019: a letter, 0, a digit from 6 to "
                                          "9, then six digits.")])
    files = MultipleFileField("The council's files")
    # A random token given to each form as it is shown: the same form sent twice is one job.
    submission = HiddenField()


@bp.record_once
def _large_uploads(state) -> None:
    service.allow_large_uploads(state.app)


@bp.route("/geography", methods=["GET", "POST"])
@roles_required(*service.ROLES)
def geodata_import():
    """Upload a council's files and import them in the background, all or nothing."""
    form = GeographyImportForm()
    if form.validate_on_submit():
        job, problems = service.start_import(form.code.data, form.files.data, current_user,
                                             form.submission.data)
        if job is not None:
            return redirect(url_for("jobs.page", job_id=job.id), code=303)
        form.files.errors = [*form.files.errors, *problems]
    status = 400 if form.errors or form.files.errors else 200
    if not form.submission.data:
        form.submission.data = uuid.uuid4().hex
    return render_template("admin/geodata_import.html", form=form,
                           limit_mb=service.limit_bytes(current_app.config) // (1024 * 1024),
                           **service.import_page()), status


@bp.route("/geography/<job_id>")
@roles_required(*service.ROLES)
def geodata_outcome(job_id: str):
    """What an import did: the summary, or the refusal naming file, row and column."""
    job, result = service.import_outcome(job_id)
    if job is None:
        abort(404)
    if result is None:
        return redirect(url_for("jobs.page", job_id=job_id))
    return render_template("admin/geodata_outcome.html", job=job, result=result), \
        (200 if result["ok"] else 400)
