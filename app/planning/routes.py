"""Planning pages for commissioners: scenarios, the funding cliff, best sites, subsidies.

Views parse the request, call one function of :mod:`.service` (or :mod:`.sites`)
and render.
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import PLANNERS, roles_required
from ..settings import analysis_settings
from . import bp, service, subsidy_service
from . import journeys as travel_data
from . import place_service as places
from . import sites as best
from .forms import (
    AddServiceForm,
    JourneysForm,
    ScenarioForm,
    ServiceChangeForm,
    SitesForm,
    SubsidyForm,
    TravelForm,
    add_change,
    service_change,
    with_defaults,
)

# -- Index and scenario list ---------------------------------------------------

@bp.route("")
@roles_required(*PLANNERS)
def index():
    """Planning home: scenarios, and links to the funding cliff, best sites and subsidies."""
    return render_template("planning/index.html", **service.index_page())


@bp.route("/scenarios", methods=["POST"])
@roles_required(*PLANNERS)
def create_scenario():
    """Make a new scenario from the live directory (no changes yet)."""
    form = ScenarioForm()
    if not form.validate_on_submit():
        return render_template("planning/index.html", **service.index_page(form)), 400
    scenario = service.create_scenario(form.name.data, form.description.data, current_user)
    flash(f"Scenario “{scenario.name}” made from today's directory.")
    return redirect(url_for("planning.scenario", scenario_id=scenario.id))


@bp.route("/scenarios/funding-cliff", methods=["POST"])
@roles_required(*PLANNERS)
def create_cliff_scenario():
    """The ready-made scenario: every grant ending in the next 24 months ends."""
    scenario = service.create_cliff_scenario(current_user)
    flash(f"Scenario “{scenario.name}” made with {len(scenario.changes)} grant(s) ending.")
    return redirect(url_for("planning.scenario", scenario_id=scenario.id))


# -- One scenario ----------------------------------------------------------------

def _defaults() -> dict:
    """The travel threshold and way of travelling a form starts from (the analysis
    settings', as on the gap pages)."""
    settings = analysis_settings()
    return {"threshold": int(settings.threshold_min), "travel": settings.mode}


def _travel_form() -> TravelForm:
    """The way of travelling asked for in the query string (``?travel=walk``)."""
    return TravelForm(request.args if "travel" in request.args else None,
                      data={"travel": _defaults()["travel"]})


def _render_scenario(scenario, status=200, **forms):
    context = service.scenario_page(scenario, **forms)
    return render_template("planning/scenario.html", **context), (
        400 if context["travel_form"].errors else status)


@bp.route("/scenarios/<int:scenario_id>")
@roles_required(*PLANNERS)
def scenario(scenario_id: int):
    """A scenario: its changes, the forms to add more, and the comparison with today."""
    return _render_scenario(service.scenario_or_404(scenario_id), travel_form=_travel_form())


def _save_change(scenario, change: dict, **forms):
    problem = service.add_change(scenario, change, current_user)
    if problem:
        return _render_scenario(scenario, 400, errors=[problem], **forms)
    flash("Change added. The comparison below includes it.")
    return redirect(url_for("planning.scenario", scenario_id=scenario.id,
                            travel=request.args.get("travel")) + "#comparison")


@bp.route("/scenarios/<int:scenario_id>/add-service", methods=["POST"])
@roles_required(*PLANNERS)
def add_service(scenario_id: int):
    """Add a proposed service to the scenario."""
    scenario = service.scenario_or_404(scenario_id)
    form = AddServiceForm(prefix="add")
    if not service.check_add_form(form):
        return _render_scenario(scenario, 400, add_form=form)
    return _save_change(scenario, add_change(form), add_form=form)


@bp.route("/scenarios/<int:scenario_id>/change-service", methods=["POST"])
@roles_required(*PLANNERS)
def change_service(scenario_id: int):
    """Close a service, make it free, or extend or end its grant, in the scenario."""
    scenario = service.scenario_or_404(scenario_id)
    form = ServiceChangeForm(prefix="chg")
    service.prepare_change_form(scenario, form)
    if not form.validate_on_submit():
        return _render_scenario(scenario, 400, change_form=form)
    return _save_change(scenario, service_change(form), change_form=form)


@bp.route("/scenarios/<int:scenario_id>/changes/<int:number>/remove", methods=["POST"])
@roles_required(*PLANNERS)
def remove_change(scenario_id: int, number: int):
    """Remove change ``number`` (1-based)."""
    scenario = service.scenario_or_404(scenario_id)
    dropped = service.remove_change(scenario, number, current_user)
    flash(f"Change {number} removed." + (
        f" {dropped} later change(s) to proposed services were removed with it." if dropped else ""))
    return redirect(url_for("planning.scenario", scenario_id=scenario.id,
                            travel=request.args.get("travel")))


@bp.route("/scenarios/<int:scenario_id>/copy", methods=["POST"])
@roles_required(*PLANNERS)
def copy_scenario(scenario_id: int):
    """Copy a scenario with all its changes."""
    copy = service.copy_scenario(service.scenario_or_404(scenario_id), current_user)
    flash(f"Copied to “{copy.name}”.")
    return redirect(url_for("planning.scenario", scenario_id=copy.id,
                            travel=request.args.get("travel")))


@bp.route("/scenarios/<int:scenario_id>/delete", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def delete_scenario(scenario_id: int):
    """Ask, then delete a scenario (the live directory is not touched)."""
    scenario = service.scenario_or_404(scenario_id)
    if request.method == "GET":
        return render_template("planning/delete.html", scenario=scenario)
    name = service.delete_scenario(scenario, current_user)
    flash(f"Scenario “{name}” deleted.")
    return redirect(url_for("planning.index"))


# -- Funding cliff, best sites, subsidies ------------------------------------------

@bp.route("/funding-cliff")
@roles_required(*PLANNERS)
def funding_cliff_page():
    """Provision whose funding ends in the next 24 months, and who loses their only provision."""
    context = service.funding_cliff_page(_travel_form())
    return render_template("planning/funding_cliff.html", **context), (
        400 if context["travel_form"].errors else 200)


@bp.route("/sites")
@roles_required(*PLANNERS)
def sites():
    """Choose k sites (council buildings and/or given points) that newly reach the most
    young people not reached today (MCLP)."""
    asked = bool({"k", "threshold", "travel"} & set(request.args))
    form = SitesForm(with_defaults(request.args, {"k": 3, **_defaults()})
                     if asked else None, data=_defaults())
    context = best.sites_page(form, asked, request.args.to_dict(), current_user.id)
    return render_template("planning/sites.html", **context), (
        400 if asked and form.errors else 200)


@bp.route("/subsidy")
@roles_required(*PLANNERS)
def subsidy():
    """What making chosen services free (or capped) for the most deprived would cost."""
    asked = bool({"mode", "cap", "deciles", "take_up", "threshold", "travel", "wards",
                  "services"} & set(request.args))
    args = with_defaults(request.args, {"mode": "free", "cap": 5, "take_up": 25,
                                        **_defaults()})
    form = SubsidyForm(args if asked else None, data=_defaults())
    context = subsidy_service.subsidy_page(form, asked)
    return render_template("planning/subsidy.html", **context), (
        400 if asked and (form.errors or context["problem"]) else 200)


@bp.route("/place")
@roles_required(*PLANNERS)
def place():
    """A click on a planning map (``?lat=&lng=``) as the grid reference to fill in and
    the name of the area it is in (JSON), or why it cannot be used."""
    return jsonify(places.map_click(request.args.get("lat"), request.args.get("lng")))


# -- Travel data and journeys -------------------------------------------------------

@bp.route("/travel")
@roles_required(*PLANNERS)
def travel():
    """The road network and bus timetable imported, and whether journeys are up to date."""
    return render_template("planning/travel.html", **travel_data.travel_page())


@bp.route("/travel/journeys", methods=["POST"])
@roles_required(*PLANNERS)
def compute_journeys():
    """Start computing journeys in the background; follow its progress page."""
    form = JourneysForm()
    if not form.validate_on_submit():
        return render_template("planning/travel.html", **travel_data.travel_page(form)), 400
    job = travel_data.start_journeys(current_user, form.limit.data, form.min_change.data)
    return redirect(url_for("jobs.page", job_id=job.id), code=303)
