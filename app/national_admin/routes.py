"""The national admin's page: the councils of this deployment, and adding one.

A national admin reads no council's data: this page shows only the ``council``
table (codes, names, hosts, paths), and every other page refuses the role."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from ..access import roles_required
from . import bp
from . import service as svc


class NewCouncilForm(FlaskForm):
    code = StringField("ONS code", validators=[DataRequired("Enter the council's ONS code."),
                                                Length(max=9)])
    name = StringField("Name", validators=[DataRequired("Enter the council's name."),
                                            Length(max=200)])
    host = StringField("Host name", validators=[Optional(), Length(max=260)])
    path = StringField("Path prefix", validators=[Optional(), Length(max=60)])
    region = StringField("Region", validators=[Optional(), Length(max=9)])


@bp.route("/national-admin/councils", methods=["GET", "POST"])
@roles_required("national_admin")
def councils():
    """List the councils and add one."""
    form = NewCouncilForm()
    if form.validate_on_submit():
        try:
            council = svc.add(form.code.data, form.name.data, form.host.data, form.path.data,
                              form.region.data)
        except svc.CouncilError as exc:
            form.code.errors.append(str(exc))
        else:
            flash(f"Added {council.code} {council.name}.")
            return redirect(url_for("national_admin.councils"))
    return render_template("national_admin/councils.html", form=form,
                           councils=svc.councils())
