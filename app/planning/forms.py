"""Forms for the planning pages.  Choices are passed in by the view."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..models.directory import COST_MODELS, SERVICE_TYPES
from ..number_fields import IntField, NumberField
from ..number_input import ParamError, parse_float

# The ways of travelling the gap views offer (app.analysis.travel.MODES), bus first.
TRAVEL_CHOICES = [("bus", "Bus (public transport)"), ("walk", "Walking"),
                  ("cycle", "Cycling"), ("car", "Car (driving)")]


def travel_field():
    return RadioField("Getting there", choices=TRAVEL_CHOICES, default="bus",
                      validators=[InputRequired("Choose a way of travelling")])


CHANGE_CHOICES = [
    ("close", "Close the service"),
    ("make_free", "Make it free"),
    ("extend_grant", "Extend its grant"),
    ("end_grant", "End its grant"),
]


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes (rendered by the ``choices(f, kind='checkbox')`` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ScenarioForm(FlaskForm):
    name = StringField("Scenario name", validators=[DataRequired("Give the scenario a name"),
                                                    Length(max=200)])
    description = TextAreaField("What it is for (optional)", validators=[Optional(),
                                                                         Length(max=2000)])


PLACE_HINT = "Give one: a postcode, a council building, or a point on the map."


class AddServiceForm(FlaskForm):
    name = StringField("Name of the proposed service",
                       validators=[DataRequired("Give the proposed service a name"),
                                   Length(max=200)])
    service_type = SelectField("Type", choices=list(SERVICE_TYPES.items()), default="drop_in")
    # Where: exactly one of postcode, council building or grid reference (a click on
    # the map fills the grid reference).  Checked by app.planning.place_input.resolve_place.
    postcode = StringField("Postcode", validators=[Optional()])
    building_id = SelectField("Council building", coerce=str, validators=[Optional()])
    x = StringField("Easting (metres)", validators=[Optional()])
    y = StringField("Northing (metres)", validators=[Optional()])
    sessions_per_week = IntField("Sessions a week", default=1,
                                 validators=[InputRequired("Give the sessions a week")],
                                 lo=1, hi=21, message="Between 1 and 21")
    capacity = IntField("Places a session (optional)", validators=[Optional()],
                        lo=1, hi=10_000, message="Between 1 and 10,000 places")
    annual_cost = NumberField("Cost to run it, pounds a year (optional)",
                              validators=[Optional()], lo=0, hi=10_000_000,
                              message="From 0 to 10,000,000 pounds")
    cost_model = SelectField("Price to young people", choices=list(COST_MODELS.items()),
                             default="free")
    cost_amount = NumberField("Price in pounds (if not free)", validators=[Optional()],
                              lo=0, hi=10_000, message="From 0 to 10,000 pounds")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.cost_model.data != "free" and not self.cost_amount.data:
            self.cost_amount.errors = list(self.cost_amount.errors) + [
                "Give the price, or choose Free"]
            ok = False
        return ok


class ServiceChangeForm(FlaskForm):
    service_id = SelectField("Service", coerce=str,
                             validators=[DataRequired("Choose a service")])
    kind = RadioField("Change", choices=CHANGE_CHOICES, default="close",
                      validators=[DataRequired("Choose a change")])
    until = DateField("New end date (extend a grant)", validators=[Optional()])
    on = DateField("End date (end a grant; optional)", validators=[Optional()])
    annual_cost = NumberField("Cost, pounds a year (optional)", validators=[Optional()],
                              lo=0, hi=10_000_000, message="From 0 to 10,000,000 pounds")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.kind.data == "extend_grant" and not self.until.data:
            self.until.errors = list(self.until.errors) + ["Give the new end date"]
            ok = False
        return ok


MAX_POINTS = 500


def with_defaults(args, defaults: dict):
    """The query string with each missing parameter set to its default.

    A link such as ``/planning/sites?k=3`` leaves the other fields at their defaults; only a
    value that was given but is bad (``threshold=``, ``threshold=abc``) is an error.
    """
    from werkzeug.datastructures import MultiDict

    out = MultiDict(args)
    for name, value in defaults.items():
        if name not in out:
            out[name] = str(value)
    return out


def _numeric(text: str) -> bool:
    try:
        float(text.replace(" ", ""))
    except ValueError:
        return False
    return True


def parse_points(text: str) -> list[dict]:
    """Candidate sites, one a line: ``name, postcode`` or ``name, easting, northing``
    (EPSG:27700).  Each is ``{"line", "name"}`` with ``postcode`` or ``x`` and ``y``;
    whether the place exists and lies in the council's area is checked later
    (:func:`app.planning.place_input.resolve_place`).

    Raises ``ValueError`` naming the line and the column of the first problem.
    """
    from ..geodata.lookup import normalise_postcode

    points = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.rsplit(",", 2)]
        if len(parts) == 3 and parts[0] and _numeric(parts[2]):
            name, east, north = parts
            values = []
            for label, value, top in (("easting", east, 800_000),
                                      ("northing", north, 1_300_000)):
                if not _numeric(value):
                    raise ValueError(f"Line {n}: the {label} {value[:40]!r} is not a number")
                try:
                    values.append(parse_float(value, 0, top))
                except ParamError:
                    raise ValueError(f"Line {n}: the {label} must be between 0 and {top:,}"
                                     ) from None
            points.append({"line": n, "name": name[:200], "x": values[0], "y": values[1]})
        else:
            parts = [p.strip() for p in line.rsplit(",", 1)]
            postcode = normalise_postcode(parts[1][:40]) if len(parts) == 2 else None
            if not parts[0] or postcode is None:
                raise ValueError(f"Line {n}: write a name, then a postcode or an easting and "
                                 "a northing, separated by commas")
            points.append({"line": n, "name": parts[0][:200], "postcode": postcode})
        if len(points) > MAX_POINTS:
            raise ValueError(f"At most {MAX_POINTS} extra sites")
    return points


class SitesForm(FlaskForm):
    class Meta:
        csrf = False

    k = IntField("How many new sites", default=3, validators=[InputRequired("Give how many sites")],
                 lo=1, hi=20, message="Between 1 and 20 sites")
    threshold = IntField("Travel threshold (minutes)", default=30,
                         validators=[InputRequired("Give the travel threshold")],
                         lo=5, hi=120, message="Between 5 and 120 minutes")
    travel = travel_field()
    no_buildings = BooleanField("Leave out the council buildings (use only the sites above)")
    # One more candidate site, given the way the add-service form gives a place.
    site_name = StringField("Name of the site (optional)", validators=[Optional(),
                                                                        Length(max=200)])
    site_postcode = StringField("Postcode", validators=[Optional()])
    site_building = SelectField("Council building", coerce=str, validators=[Optional()])
    site_x = StringField("Easting (metres)", validators=[Optional()])
    site_y = StringField("Northing (metres)", validators=[Optional()])
    points = TextAreaField("More candidate sites (optional)", validators=[Optional()],
                           description="One a line: a name, then a postcode or an easting "
                                       "and a northing, separated by commas.")

    def validate_points(self, field) -> None:
        try:
            field.parsed = parse_points(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class SubsidyForm(FlaskForm):
    class Meta:
        csrf = False

    mode = RadioField("Subsidy", choices=[("free", "Make it free"),
                                          ("cap", "Cap the price at a monthly amount")],
                      default="free")
    cap = NumberField("Cap, pounds a month", default=5, validators=[Optional()],
                      lo=0, hi=1000, message="From 0 to 1,000 pounds")
    deciles = MultiCheckboxField("Deprivation deciles covered (1 = most deprived)",
                                  choices=[(str(d), f"Decile {d}") for d in range(1, 11)],
                                  default=["1", "2"],
                                  validators=[DataRequired("Choose at least one decile")])
    take_up = IntField("Take-up, % of eligible young people in reach", default=25,
                       validators=[InputRequired("Give the take-up")],
                       lo=1, hi=100, message="Between 1% and 100%")
    threshold = IntField("Travel threshold (minutes)", default=30,
                         validators=[InputRequired("Give the travel threshold")],
                         lo=5, hi=120, message="Between 5 and 120 minutes")
    travel = travel_field()
    wards = MultiCheckboxField("Wards (none chosen = the whole council area)", coerce=str,
                               validators=[Optional()])
    services = MultiCheckboxField("Services (none chosen = every priced service)",
                                   coerce=str, validators=[Optional()])


class TravelForm(FlaskForm):
    """The way of travelling on the scenario and funding-cliff pages (a GET form)."""

    class Meta:
        csrf = False

    travel = travel_field()


class JourneysForm(FlaskForm):
    """Start computing journeys (a POST, so it carries the CSRF token)."""

    limit = IntField("Longest journey worth computing, minutes each way", default=90,
                     validators=[InputRequired("Give the longest journey")],
                     lo=30, hi=180, message="Between 30 and 180 minutes")
    min_change = IntField("Least time to change buses, minutes",
                          default=lambda: round(current_app.config["JOURNEY_MIN_CHANGE_MIN"]),
                          validators=[Optional()],
                          lo=0, hi=30, message="Between 0 and 30 minutes")


def add_change(form: AddServiceForm) -> dict:
    """A validated add-service form as a scenario change."""
    change = {"kind": "add", "name": form.name.data.strip(),
              "service_type": form.service_type.data,
              "sessions_per_week": form.sessions_per_week.data,
              "capacity": form.capacity.data, "cost_model": form.cost_model.data,
              "cost_amount": float(form.cost_amount.data or 0)}
    place = form.place  # set by app.planning.service.place_form
    if place.building_id is not None:
        change["building_id"] = place.building_id
    else:
        change["x"], change["y"] = place.easting, place.northing
        change["place"] = place.description
    if form.annual_cost.data is not None:
        change["annual_cost"] = float(form.annual_cost.data)
    return change


def service_change(form: ServiceChangeForm) -> dict:
    """A validated close/make-free/grant form as a scenario change."""
    change = {"kind": form.kind.data, "service_id": int(form.service_id.data)}
    if form.kind.data == "extend_grant":
        change["until"] = form.until.data.isoformat()
    if form.kind.data == "end_grant" and form.on.data:
        change["on"] = form.on.data.isoformat()
    if form.annual_cost.data is not None and form.kind.data != "close":
        change["annual_cost"] = float(form.annual_cost.data)
    return change
