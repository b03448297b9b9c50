"""Forms for keeping the directory true.  Every error says what to do."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..i18n import lazy_gettext as _  # the public report form: in the reader's language
from ..models.directory import (
    COST_MODELS,
    DAYS,
    JOINING,
    PROVIDER_TYPES,
    SERVICE_STATUSES,
    SERVICE_TYPES,
)
from ..number_fields import FloatNumberField, IntField, NumberField
from ..number_input import arg_float, arg_int
from .search import Filters
from .values import AGE_LIMITS, MAX_AMOUNT, contact_problem

SESSION_ROWS = 4
PLACE_CHOICES = [
    ("postcode", "At a postcode"),
    ("point", "At a point on the map (latitude and longitude)"),
    ("none", "No fixed place (outreach, detached or online)"),
]
REPORT_KINDS = [
    ("stopped", _("This has stopped")),
    ("price", _("The price has changed")),
    ("times", _("The times are wrong")),
    ("other", _("Something else is wrong")),
]


class SessionForm(Form):
    day = SelectField("Day", choices=[("", "No session")] + [(str(i), d) for i, d in
                                                             enumerate(DAYS)], default="")
    start = TimeField("Starts", validators=[Optional()],
                      render_kw={"placeholder": "18:00"})
    end = TimeField("Ends", validators=[Optional()])
    term_time_only = BooleanField("Term time only")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.day.data:
            if self.start.data or self.end.data:
                self.day.errors.append("Choose the day of this session, or clear its times.")
                return False
            return ok
        if not self.start.data:
            self.start.errors.append("Enter the time the session starts, like 18:00.")
            ok = False
        if not self.end.data:
            self.end.errors.append("Enter the time the session ends, like 20:00.")
            ok = False
        if ok and self.end.data <= self.start.data:
            self.end.errors.append("The session must end after it starts.")
            ok = False
        return ok


class ServiceForm(FlaskForm):
    name = StringField("Name of the service", validators=[
        DataRequired("Enter the name of the service."),
        Length(max=200, message="The name must be 200 characters or fewer.")])
    organisation = StringField("Organisation that runs it", validators=[
        Optional(), Length(max=200, message="The organisation must be 200 characters or fewer.")])
    description = TextAreaField("Description", validators=[
        Optional(), Length(max=5000, message="The description must be 5,000 characters or fewer.")])
    service_type = SelectField("Type", choices=list(SERVICE_TYPES.items()))
    uniformed = BooleanField("Uniformed (Scouts, Guides, cadets and the like)")
    age_min = IntField("Youngest age", validators=[Optional()], lo=AGE_LIMITS[0],
                       hi=AGE_LIMITS[1], message="The youngest age must be between 0 and 30.")
    age_max = IntField("Oldest age", validators=[Optional()], lo=AGE_LIMITS[0],
                       hi=AGE_LIMITS[1], message="The oldest age must be between 0 and 30.")
    cost_model = RadioField("How it charges", choices=list(COST_MODELS.items()), default="free",
                            validators=[InputRequired("Choose how the service charges.")])
    cost_amount = NumberField("Amount in pounds", places=2, validators=[Optional()],
        lo=0, hi=float(MAX_AMOUNT), message="The amount must be between £0 and £10,000.",
        description="For each session, week, month, term or year, as chosen above.")
    concession = BooleanField("A concession or bursary is available")
    place = RadioField("Where it happens", choices=PLACE_CHOICES, default="postcode")
    venue_name = StringField("Venue name", validators=[
        Optional(), Length(max=200, message="The venue name must be 200 characters or fewer.")])
    address = StringField("Address", validators=[
        Optional(), Length(max=300, message="The address must be 300 characters or fewer.")],
        description="Street and town, separated by commas.")
    postcode = StringField("Postcode", validators=[Optional(), Length(max=10)])
    latitude = FloatNumberField("Latitude", validators=[Optional()], lo=-90, hi=90,
                                message="A latitude is a number from -90 to 90.",
                                description="For example 52.0567")
    longitude = FloatNumberField("Longitude", validators=[Optional()], lo=-180, hi=180,
                                 message="A longitude is a number from -180 to 180.",
                                 description="For example -2.7160")
    accessibility_notes = TextAreaField("Accessibility", validators=[Optional(), Length(max=2000)])
    transport_notes = TextAreaField("Getting there (buses, parking)",
                                    validators=[Optional(), Length(max=2000)])
    phone = StringField("Phone", validators=[Optional()], render_kw={"autocomplete": "off"},
                        description="The number a young person or parent can call, for "
                                    "example 01432 260000.")
    email = StringField("Email", validators=[Optional()],
                        description="For example info@example.org")
    website = StringField("Website", validators=[Optional()],
                          description="For example https://example.org/juniors")
    joining = SelectField("Booking", choices=[("", "Not said")] + list(JOINING.items()),
                          default="")
    how_to_join = TextAreaField("How to join", validators=[Optional(), Length(
        max=2000, message="How to join must be 2,000 characters or fewer.")],
        description="For example: come along to any session, or fill in the form on our "
                    "website.")
    what_to_bring = TextAreaField("What to bring", validators=[Optional(), Length(
        max=1000, message="What to bring must be 1,000 characters or fewer.")],
        description="For example: trainers and a water bottle.")
    send_notes = TextAreaField("Support for special educational needs and disabilities (SEND)",
                               validators=[Optional(), Length(
                                   max=2000, message="The SEND support must be 2,000 "
                                                     "characters or fewer.")],
                               description="For example: 1:1 support on request; quiet room.")
    provider_type = SelectField("Provider type", choices=[("", "Not known")]
                                + list(PROVIDER_TYPES.items()), default="")
    funding_source = StringField("Funding source", validators=[Optional(), Length(max=200)],
                                 description="For example: council grant, National Lottery, "
                                             "subscriptions.")
    funding_end = DateField("Funding ends on", validators=[Optional()],
                            description="Leave empty if the funding has no end date.")
    capacity = IntField("Places per session", validators=[Optional()], lo=1, hi=100_000,
                        message="Places must be from 1 to 100,000.")
    status = SelectField("Status", choices=list(SERVICE_STATUSES.items()), default="active")
    last_checked = DateField("Last checked", validators=[Optional()],
                             description="Leave empty to mark it checked today.")
    sessions = FieldList(FormField(SessionForm), min_entries=SESSION_ROWS,
                         max_entries=SESSION_ROWS + 10)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for name, what in (("phone", "phone number"), ("email", "email address"),
                           ("website", "web address")):
            field = self[name]
            field.data = (field.data or "").strip()
            problem = contact_problem(name, field.data)
            if problem:
                field.errors.append(f"The {what} {problem}.")
                ok = False
        if self.age_min.data is not None and self.age_max.data is not None \
                and self.age_min.data > self.age_max.data:
            self.age_max.errors.append("The oldest age must not be below the youngest age.")
            ok = False
        if self.cost_model.data == "free":
            if self.cost_amount.data:
                self.cost_amount.errors.append(
                    "A free service has no amount: clear the amount or choose how it charges.")
                ok = False
        elif self.cost_amount.data is None and not self.cost_amount.errors:
            label = COST_MODELS.get(self.cost_model.data, "").lower()
            self.cost_amount.errors.append(f"Enter the amount in pounds ({label}).")
            ok = False
        if self.place.data == "postcode" and not self.postcode.data:
            self.postcode.errors.append("Enter the postcode where it happens, or choose another "
                                        "kind of place.")
            ok = False
        if self.place.data == "point":
            for f in (self.latitude, self.longitude):
                if f.data is None and not f.errors:
                    f.errors.append(f"Enter the {f.label.text.lower()} of the place.")
                    ok = False
            if self.latitude.data is not None and not 49.8 <= self.latitude.data <= 60.9:
                self.latitude.errors.append("The latitude must be in Great Britain "
                                            "(between 49.8 and 60.9).")
                ok = False
            # East to 4°: the demo county lies off East Anglia (app.geodata.council_area).
            if self.longitude.data is not None and not -8.7 <= self.longitude.data <= 4.0:
                self.longitude.errors.append("The longitude must be in Great Britain "
                                             "(between -8.7 and 4).")
                ok = False
        checked = self.last_checked  # None in a form without it (partners' edit form)
        if checked is not None and checked.data and checked.data > date.today():
            self.last_checked.errors.append("The last-checked date cannot be in the future.")
            ok = False
        return ok


class ReportForm(FlaskForm):
    kind = RadioField(_("What is wrong?"), choices=REPORT_KINDS,
                      validators=[InputRequired(_("Choose what is wrong with this listing."))])
    message = TextAreaField(_("Tell us more (optional)"), validators=[
        Optional(), Length(max=1000, message=_("Keep it to 1,000 characters or fewer."))],
        description=_("Please do not include your name, or anyone else's. For example: "
                      "'It is £4 now' or 'It moved to Tuesdays'."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for f in self:  # the lazy messages as text (the error summary lists strings)
            f.errors = [str(e) for e in f.errors]
        return ok


class BuildingForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter the building's name."),
                                           Length(max=200)])
    uprn = StringField("UPRN", validators=[Optional(), Length(max=12)],
                       description="Unique Property Reference Number: up to 12 digits.")
    easting = FloatNumberField("Easting", validators=[InputRequired("Enter the easting in metres.")],
                               lo=0, hi=800_000, message="The easting must be a place in Great Britain: 0 to 800,000 metres.",
                               description="British National Grid metres, for example 351000.")
    northing = FloatNumberField("Northing",
                                validators=[InputRequired("Enter the northing in metres.")],
                                lo=0, hi=1_300_000,
                                message="The northing must be a place in Great Britain: 0 to 1,300,000 metres.")
    kind = StringField("Kind", validators=[Optional(), Length(max=60)],
                       description="For example: library, community centre, school.")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)])

    def validate_uprn(self, field):
        from wtforms.validators import ValidationError

        if field.data and not field.data.strip().isdigit():
            raise ValidationError("The UPRN must be digits only (up to 12).")


class UploadForm(FlaskForm):
    file = FileField("File")
    # A random token given to each form as it is shown: the same form sent twice (a
    # double click, a resubmit after the import finished) is one import job.
    submission = HiddenField()

    def new_submission(self) -> None:
        """Give a form about to be shown its own submission token."""
        import uuid

        self.submission.data = uuid.uuid4().hex


def filters_from_args(args) -> tuple[Filters, dict[str, str]]:
    """The public search's GET parameters as filters, and a message per bad one."""
    errors: dict[str, str] = {}
    f = Filters(q=(args.get("q") or "").strip()[:100], near=(args.get("near") or "").strip()[:80])
    t = args.get("type") or ""
    if t and t not in SERVICE_TYPES:
        errors["type"] = str(_("Choose a type from the list."))
    else:
        f.service_type = t
    f.free_only = args.get("free") == "1"
    f.not_uniformed = args.get("not_uniformed") == "1"
    f.max_monthly = arg_float(args, "max_cost", None, 0, 100_000, errors=errors,
                              message=str(_("Enter the most you would pay a month as a "
                                            "number, like 10.")))
    f.day = arg_int(args, "day", f.day, 0, 6, errors=errors,
                    message=str(_("Choose a day from the list.")))
    f.age = arg_int(args, "age", f.age, 5, 30, errors=errors,
                    message=str(_("Enter an age between 5 and 30.")))
    return f, errors


# The public search's parameters: carried to a service page and back, so "Back to
# the results" returns to the same search (nothing else from the URL is carried).
SEARCH_ARGS = ("q", "near", "type", "free", "not_uniformed", "max_cost", "day", "age", "page")


def search_args(args) -> dict[str, str]:
    """The search parameters in ``args`` that are set, each cut to 100 characters."""
    return {k: str(args.get(k))[:100] for k in SEARCH_ARGS if (args.get(k) or "").strip()}


def page_number(args, limit: int = 10_000) -> int:
    """``?page=`` as a page number from 1 to ``limit`` (1 if it is not a number)."""
    return arg_int(args, "page", 1, 1, limit, errors={})
