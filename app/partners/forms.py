"""Forms for the partner pages.  Every error says what to do."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..directory.forms import ServiceForm
from ..form_limits import LengthFirst
from ..ingest import column_length, web_address_problem
from ..models.directory import ORGANISATION_KINDS, Organisation


class PartnerServiceForm(ServiceForm):
    """The directory's service form, less what the council sets: the organisation (always
    the partner's own), its provider type (the organisation's kind) and the checked date
    (saving is a check)."""

    organisation = None
    provider_type = None
    last_checked = None


class OrganisationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter the organisation's name."),
                                           Length(max=200, message="200 characters or fewer.")])
    kind = SelectField("Kind of organisation", choices=[("", "Choose one")]
                       + list(ORGANISATION_KINDS.items()), default="")
    description = TextAreaField("What it does", validators=[Optional(), Length(max=2000)])
    website = StringField("Website", validators=[Optional(), Length(max=300)],
                          description="For example https://example.org")
    trusted = BooleanField("Trusted: its changes go live at once (they are still audited)")

    def validate_kind(self, field):
        if field.data not in ORGANISATION_KINDS:
            raise ValidationError("Choose the kind of organisation.")

    def validate_website(self, field):
        """The rule every import follows too (:func:`app.ingest.web_address_problem`)."""
        value = (field.data or "").strip()
        problem = value and web_address_problem(value, column_length(Organisation, "website"))
        if problem:
            raise ValidationError(f"The web address {problem}, for example https://example.org")


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter the contact's name."),
                                           Length(max=200)])
    job_title = StringField("Role in the organisation", validators=[Optional(), Length(max=200)],
                            description="For example: club secretary, youth officer.")
    email = EmailField("Email address", validators=[
        DataRequired("Enter an email address: it becomes their sign-in name."),
        LengthFirst(max=254), Email("Enter a valid email address.")])
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])


class SetPasswordForm(FlaskForm):
    password = PasswordField("Choose a password", validators=[
        DataRequired("Choose a password."), Length(max=256)],
        description="At least 8 characters. Three or four unrelated words make a good one.")
    confirm = PasswordField("Type it again", validators=[
        DataRequired("Type the password again."),
        EqualTo("password", "The two passwords are not the same.")])


class RejectForm(FlaskForm):
    reason = TextAreaField("Why not (the organisation sees this)", validators=[
        DataRequired("Say why, so the organisation can put it right."), Length(max=2000)])
