"""Planning pages for commissioners: scenarios, the funding cliff, best sites, subsidies.

Views are thin: they load plain tables (``data.py``), call the pure code in
``app/analysis`` and render.  A scenario is a named list of changes; applying
it works on a copy of the services, so the live directory never changes.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import PLANNERS, roles_required
from ..analysis.scenario import (
    CHANGE_KINDS,
    ScenarioError,
    apply_changes,
    cliff_changes,
    compare,
    funding_cliff,
    only_provision_lost,
)
from ..analysis.siting import (
    choose_sites,
    coverage_matrix,
    demand_weights,
    rank_candidates,
)
from ..analysis.subsidy import SubsidyAssumptions, SubsidyError, subsidy_cost
from ..audit import record, snapshot
from ..disclosure import DisclosureRule
from ..extensions import db
from ..models import Scenario
from ..models.directory import SERVICE_TYPES
from . import data
from .forms import (
    AddServiceForm,
    ScenarioForm,
    ServiceChangeForm,
    SitesForm,
    SubsidyForm,
    with_defaults,
)
from .maps import planning_map
from .timeline import cliff_timeline

bp = Blueprint("planning", __name__, url_prefix="/planning")

MODE = "bus"
CLIFF_MONTHS = 24


def _rule() -> DisclosureRule:
    return DisclosureRule.from_config(current_app.config)


def _threshold() -> float:
    return float(current_app.config.get("TRAVEL_THRESHOLD_MIN", 30))


def _areas():
    return data.load_areas(db.session, age_min=int(current_app.config.get("YOUTH_AGE_MIN", 13)),
                           age_max=int(current_app.config.get("YOUTH_AGE_MAX", 19)))


def _asset_url(package: str, filename: str) -> str:
    return url_for("vendor.asset", name=package, filename=filename)


def _map(areas, **kw) -> dict:
    from ..security import csp_nonce

    return planning_map(areas, asset_url=_asset_url, nonce=csp_nonce(),
                        tiles_url=current_app.config.get("MAP_TILES_URL", ""),
                        attribution=current_app.config.get("MAP_TILES_ATTRIBUTION", ""), **kw)


def _get_scenario(scenario_id: int) -> Scenario:
    scenario = db.session.get(Scenario, scenario_id)
    if scenario is None:
        abort(404)
    return scenario


def _published(n: float) -> int | None:
    return _rule().apply(n)


def _cost_per_person(comparison) -> float | None:
    """Cost per young person reached, shown only when the net count is publishable."""
    if comparison.cost_per_young_person is None:
        return None
    net = comparison.net_reached
    if _published(net) is None or net <= _rule().max_suppressed:
        return None
    return comparison.cost_per_young_person


# -- Index and scenario list ---------------------------------------------------

@bp.route("")
@roles_required(*PLANNERS)
def index():
    """Planning home: scenarios, and links to the funding cliff, best sites and subsidies."""
    scenarios = db.session.scalars(
        db.select(Scenario).order_by(Scenario.updated_at.desc(), Scenario.id.desc())).all()
    return render_template("planning/index.html", scenarios=scenarios, form=ScenarioForm())


@bp.route("/scenarios", methods=["POST"])
@roles_required(*PLANNERS)
def create_scenario():
    """Make a new scenario from the live directory (no changes yet)."""
    form = ScenarioForm()
    if not form.validate_on_submit():
        scenarios = db.session.scalars(
            db.select(Scenario).order_by(Scenario.updated_at.desc(), Scenario.id.desc())).all()
        return render_template("planning/index.html", scenarios=scenarios, form=form), 400
    scenario = Scenario(name=form.name.data.strip(), description=form.description.data or None,
                        changes=[], created_by=current_user.id)
    db.session.add(scenario)
    db.session.flush()
    record(db.session, user=current_user, action="scenario.create", obj=scenario,
           after=snapshot(scenario))
    db.session.commit()
    flash(f"Scenario “{scenario.name}” made from today's directory.")
    return redirect(url_for("planning.scenario", scenario_id=scenario.id))


@bp.route("/scenarios/funding-cliff", methods=["POST"])
@roles_required(*PLANNERS)
def create_cliff_scenario():
    """The ready-made scenario: every grant ending in the next 24 months ends."""
    today = date.today()
    changes = cliff_changes(data.load_services(db.session), today=today, months=CLIFF_MONTHS)
    scenario = Scenario(name=f"Funding cliff to {(today + timedelta(days=730)):%B %Y}",
                        description="Every grant that ends in the next 24 months ends, and its "
                                    "service stops.", changes=changes,
                        created_by=current_user.id)
    db.session.add(scenario)
    db.session.flush()
    record(db.session, user=current_user, action="scenario.create", obj=scenario,
           after=snapshot(scenario), note="ready-made funding-cliff scenario")
    db.session.commit()
    flash(f"Scenario “{scenario.name}” made with {len(changes)} grant(s) ending.")
    return redirect(url_for("planning.scenario", scenario_id=scenario.id))


# -- One scenario ----------------------------------------------------------------

def _change_forms(services, buildings, add_form=None, change_form=None):
    add_form = add_form or AddServiceForm(prefix="add")
    add_form.building_id.choices = [("", "No building: use the point below")] + [
        (str(b["id"]), b["name"]) for b in buildings.values()]
    change_form = change_form or ServiceChangeForm(prefix="chg")
    change_form.service_id.choices = [("", "Choose a service")] + [
        (str(s["id"]), s["name"] + (" (proposed)" if s.get("proposed") else "")
         + (" – closed" if s.get("status") == "closed" else ""))
        for s in services if s["id"] > 0 or s.get("proposed")]
    return add_form, change_form


def _render_scenario(scenario, *, add_form=None, change_form=None, errors=None, status=200):
    live = data.load_services(db.session)
    buildings = data.load_buildings(db.session)
    areas = _areas()
    problem = None
    try:
        after, cleaned = apply_changes(live, scenario.changes or [], buildings=buildings)
    except ScenarioError as exc:
        # A saved change can go stale (a service deleted from the directory since).
        problem = f"{exc}. Remove that change to see the comparison."
        after, cleaned = live, []
    comparison = None
    if len(areas):
        comparison = compare(areas, live, after, threshold_min=_threshold(), mode=MODE,
                             matrix=data.load_matrix(db.session, to_kind="service", mode=MODE),
                             changes=cleaned, today=date.today(), risk_months=CLIFF_MONTHS,
                             gap_scores=True)
    add_form, change_form = _change_forms(after if not problem else live, buildings,
                                          add_form, change_form)
    map_parts = None
    if comparison is not None:
        cat = comparison.areas
        areas_map = areas.copy()
        areas_map["change"] = [
            "Newly reached" if (b is False and a is True) else
            "No longer reached" if (b is True and a is False) else
            "Gap in both" if (not b and not a) else ""
            for b, a in zip(cat["reached_before"].astype(bool), cat["reached_after"].astype(bool),
                            strict=True)]
        points = [{"x": s["x"], "y": s["y"], "label": s["name"] + " (proposed)",
                   "colour": "#00703c", "radius": 9}
                  for s in after if s.get("proposed") and s.get("x") is not None]
        points += [{"x": s["x"], "y": s["y"], "label": s["name"] + " (closed in scenario)",
                    "colour": "#d4351c", "radius": 6}
                   for s in after if s.get("status") == "closed" and s.get("x") is not None
                   and not s.get("proposed")
                   and any(c.get("service_id") == s["id"] for c in cleaned)]
        map_parts = _map(areas_map, category="change",
                         colours={"Newly reached": "#00703c", "No longer reached": "#d4351c",
                                  "Gap in both": "#f47738"}, points=points)
    return render_template(
        "planning/scenario.html", scenario=scenario, changes=cleaned, problem=problem,
        comparison=comparison, add_form=add_form, change_form=change_form,
        errors=errors or [], map=map_parts, cost_per_person=_cost_per_person(comparison)
        if comparison else None, threshold=_threshold(), kinds=CHANGE_KINDS,
        has_areas=bool(len(areas)), rule=_rule(),
    ), status


@bp.route("/scenarios/<int:scenario_id>")
@roles_required(*PLANNERS)
def scenario(scenario_id: int):
    """A scenario: its changes, the forms to add more, and the comparison with today."""
    return _render_scenario(_get_scenario(scenario_id))


def _save_change(scenario, change: dict, *, add_form=None, change_form=None):
    live = data.load_services(db.session)
    buildings = data.load_buildings(db.session)
    new_changes = list(scenario.changes or []) + [change]
    try:
        apply_changes(live, new_changes, buildings=buildings)
    except ScenarioError as exc:
        return _render_scenario(scenario, add_form=add_form, change_form=change_form,
                                errors=[str(exc)], status=400)
    before = snapshot(scenario)
    scenario.changes = new_changes
    db.session.flush()
    record(db.session, user=current_user, action="scenario.change", obj=scenario,
           before=before, after=snapshot(scenario))
    db.session.commit()
    flash("Change added. The comparison below includes it.")
    return redirect(url_for("planning.scenario", scenario_id=scenario.id) + "#comparison")


@bp.route("/scenarios/<int:scenario_id>/add-service", methods=["POST"])
@roles_required(*PLANNERS)
def add_service(scenario_id: int):
    """Add a proposed service to the scenario."""
    scenario = _get_scenario(scenario_id)
    buildings = data.load_buildings(db.session)
    form = AddServiceForm(prefix="add")
    form.building_id.choices = [("", "")] + [(str(b), "") for b in buildings]
    if not form.validate_on_submit():
        return _render_scenario(scenario, add_form=form, status=400)
    change = {"kind": "add", "name": form.name.data.strip(),
              "service_type": form.service_type.data,
              "sessions_per_week": form.sessions_per_week.data,
              "capacity": form.capacity.data, "cost_model": form.cost_model.data,
              "cost_amount": float(form.cost_amount.data or 0)}
    if form.building_id.data:
        change["building_id"] = int(form.building_id.data)
    else:
        change["x"], change["y"] = float(form.x.data), float(form.y.data)
    if form.annual_cost.data is not None:
        change["annual_cost"] = float(form.annual_cost.data)
    return _save_change(scenario, change, add_form=form)


@bp.route("/scenarios/<int:scenario_id>/change-service", methods=["POST"])
@roles_required(*PLANNERS)
def change_service(scenario_id: int):
    """Close a service, make it free, or extend or end its grant, in the scenario."""
    scenario = _get_scenario(scenario_id)
    form = ServiceChangeForm(prefix="chg")
    live = data.load_services(db.session)
    try:
        after, _ = apply_changes(live, scenario.changes or [],
                                 buildings=data.load_buildings(db.session))
    except ScenarioError:
        after = live
    form.service_id.choices = [("", "")] + [(str(s["id"]), "") for s in after]
    if not form.validate_on_submit():
        return _render_scenario(scenario, change_form=form, status=400)
    change = {"kind": form.kind.data, "service_id": int(form.service_id.data)}
    if form.kind.data == "extend_grant":
        change["until"] = form.until.data.isoformat()
    if form.kind.data == "end_grant" and form.on.data:
        change["on"] = form.on.data.isoformat()
    if form.annual_cost.data is not None and form.kind.data != "close":
        change["annual_cost"] = float(form.annual_cost.data)
    return _save_change(scenario, change, change_form=form)


@bp.route("/scenarios/<int:scenario_id>/changes/<int:number>/remove", methods=["POST"])
@roles_required(*PLANNERS)
def remove_change(scenario_id: int, number: int):
    """Remove change number ``number`` (1-based)."""
    scenario = _get_scenario(scenario_id)
    changes = list(scenario.changes or [])
    if not 1 <= number <= len(changes):
        abort(404)
    before = snapshot(scenario)
    removed = changes.pop(number - 1)
    dropped = 0
    if removed.get("kind") == "add":
        # Proposed services are numbered by their order: later changes to any proposed
        # service would now point at the wrong one, so they go too.
        kept = changes[:number - 1]
        for c in changes[number - 1:]:
            if c.get("kind") != "add" and int(c.get("service_id") or 0) < 0:
                dropped += 1
                continue
            kept.append(c)
        changes = kept
    scenario.changes = changes
    db.session.flush()
    record(db.session, user=current_user, action="scenario.change", obj=scenario,
           before=before, after=snapshot(scenario), note=f"removed change {number}")
    db.session.commit()
    flash(f"Change {number} removed." + (
        f" {dropped} later change(s) to proposed services were removed with it." if dropped else ""))
    return redirect(url_for("planning.scenario", scenario_id=scenario.id))


@bp.route("/scenarios/<int:scenario_id>/copy", methods=["POST"])
@roles_required(*PLANNERS)
def copy_scenario(scenario_id: int):
    """Copy a scenario with all its changes."""
    original = _get_scenario(scenario_id)
    copy = Scenario(name=f"Copy of {original.name}"[:200], description=original.description,
                    changes=list(original.changes or []), created_by=current_user.id)
    db.session.add(copy)
    db.session.flush()
    record(db.session, user=current_user, action="scenario.copy", obj=copy,
           after=snapshot(copy), note=f"copied from scenario {original.id}")
    db.session.commit()
    flash(f"Copied to “{copy.name}”.")
    return redirect(url_for("planning.scenario", scenario_id=copy.id))


@bp.route("/scenarios/<int:scenario_id>/delete", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def delete_scenario(scenario_id: int):
    """Ask, then delete a scenario (the live directory is not touched)."""
    scenario = _get_scenario(scenario_id)
    if request.method == "GET":
        return render_template("planning/delete.html", scenario=scenario)
    record(db.session, user=current_user, action="scenario.delete", obj=scenario,
           before=snapshot(scenario))
    name = scenario.name
    db.session.delete(scenario)
    db.session.commit()
    flash(f"Scenario “{name}” deleted.")
    return redirect(url_for("planning.index"))


# -- Funding cliff ---------------------------------------------------------------

@bp.route("/funding-cliff")
@roles_required(*PLANNERS)
def funding_cliff_page():
    """Provision whose funding ends in the next 24 months, and who loses their only provision."""
    today = date.today()
    services = data.load_services(db.session)
    cliff = funding_cliff(services, today=today, months=CLIFF_MONTHS)
    areas = _areas()
    lost = only_provision_lost(areas, services, threshold_min=_threshold(), today=today,
                               months=CLIFF_MONTHS, mode=MODE,
                               matrix=data.load_matrix(db.session, to_kind="service",
                                                       mode=MODE)) if len(areas) else None
    map_parts = None
    if len(areas):
        losing = set(lost["code"]) if lost is not None else set()
        areas_map = areas.copy()
        areas_map["loss"] = ["Loses its only provision of a kind" if c in losing else ""
                             for c in areas_map.index]
        by_id = {s["id"]: s for s in services}
        points = [{"x": by_id[int(i)]["x"], "y": by_id[int(i)]["y"],
                   "label": f"{by_id[int(i)]['name']}: funding ends {by_id[int(i)]['funding_end']}",
                   "colour": "#d4351c", "radius": 7}
                  for i in cliff["id"] if by_id[int(i)].get("x") is not None]
        map_parts = _map(areas_map, category="loss",
                         colours={"Loses its only provision of a kind": "#d4351c"}, points=points)
    lost_rows = []
    if lost is not None:
        for row in lost.itertuples():
            lost_rows.append({"name": row.name, "code": row.code,
                              "kind": SERVICE_TYPES.get(row.service_type, row.service_type),
                              "young_people": row.young_people, "ending": row.ending,
                              "first_end": row.first_end})
    return render_template(
        "planning/funding_cliff.html", cliff=cliff.to_dict("records"),
        timeline=cliff_timeline(cliff.to_dict("records"), today=today, months=CLIFF_MONTHS),
        lost=lost_rows if lost is not None else None, map=map_parts, today=today, months=CLIFF_MONTHS,
        threshold=_threshold(), types=SERVICE_TYPES)


# -- Best sites ------------------------------------------------------------------

@bp.route("/sites")
@roles_required(*PLANNERS)
def sites():
    """Choose k sites (council buildings and/or given points) that newly reach the most
    young people not reached today (MCLP)."""
    form = SitesForm(with_defaults(request.args, {"k": 3, "threshold": 30})
                     if "k" in request.args or "threshold" in request.args else None)
    buildings = data.load_buildings(db.session)
    result = ranked = map_parts = None
    problem = None
    asked = "k" in request.args or "threshold" in request.args
    if asked and form.validate():
        areas = _areas()
        candidates = {str(k): {**b, "kind": b.get("kind") or "council building"}
                      for k, b in buildings.items()} if not form.no_buildings.data else {}
        for n, p in enumerate(getattr(form.points, "parsed", []), start=1):
            candidates[f"point-{n}"] = {"id": f"point-{n}", "name": p["name"], "x": p["x"],
                                        "y": p["y"], "kind": "given point"}
        if not len(areas):
            problem = "There are no areas loaded yet, so there is nobody to reach."
        elif not candidates:
            problem = ("There are no candidate sites: include the council buildings (add them "
                       "in the directory), or give other sites.")
        else:
            result, ranked, map_parts = _choose(areas, candidates, int(form.k.data),
                                                float(form.threshold.data))
    status = 400 if asked and form.errors else 200
    return render_template("planning/sites.html", form=form, result=result, ranked=ranked,
                           map=map_parts, problem=problem, buildings=len(buildings)), status


def _choose(areas, candidates: dict, k: int, threshold: float):
    from ..analysis.scenario import area_reach

    services = data.load_services(db.session)
    today_reach = area_reach(areas, services, threshold_min=threshold, mode=MODE,
                             matrix=data.load_matrix(db.session, to_kind="service", mode=MODE))
    reached = (today_reach["all_services"] > 0).to_numpy()
    people = areas["young_people"].to_numpy(dtype=float)
    weights = demand_weights(people, list(areas["imd_decile"]), reached)
    minutes = data.candidate_minutes(areas, candidates, mode=MODE,
                                     matrix=data.load_matrix(db.session, to_kind="building",
                                                             mode=MODE))
    cover = coverage_matrix(minutes, threshold)
    result = choose_sites(cover, weights, k)
    ids = list(candidates)
    ranked = [{**row, "name": candidates[ids[row["index"]]]["name"],
               "kind": candidates[ids[row["index"]]]["kind"]}
              for row in rank_candidates(cover, weights, people, chosen=result.best.chosen)]
    hit = cover[:, result.best.chosen].any(axis=1) if result.best.chosen else \
        np.zeros(len(areas), dtype=bool)
    newly = hit & ~reached & (people > 0)
    result.newly_people = float(people[newly].sum())
    areas_map = areas.copy()
    areas_map["state"] = ["Newly reached by the chosen sites" if n else
                          "Reached today" if r else "Not reached"
                          for n, r in zip(newly, reached, strict=True)]
    chosen_ids = {ids[j] for j in result.best.chosen}
    points = [{"x": c["x"], "y": c["y"], "label": c["name"] + (
        " (chosen)" if key in chosen_ids else " (candidate)"),
        "colour": "#00703c" if key in chosen_ids else "#505a5f",
        "radius": 10 if key in chosen_ids else 6} for key, c in candidates.items()]
    map_parts = _map(areas_map, category="state", points=points,
                     colours={"Newly reached by the chosen sites": "#00703c",
                              "Reached today": "#c6dbef", "Not reached": "#f47738"})
    result.chosen_names = [candidates[ids[j]]["name"] for j in result.best.chosen]
    return result, ranked, map_parts


# -- Subsidy model ---------------------------------------------------------------

@bp.route("/subsidy")
@roles_required(*PLANNERS)
def subsidy():
    """What making chosen services free (or capped) for the most deprived would cost."""
    services = data.load_services(db.session)
    priced = [s for s in services if s["status"] == "active" and s["cost_model"] != "free"
              and s["cost_amount"]]
    asked = bool({"mode", "cap", "deciles", "take_up", "threshold", "wards", "services"}
                 & set(request.args))
    args = with_defaults(request.args, {"mode": "free", "cap": 5, "take_up": 25,
                                        "threshold": 30})
    form = SubsidyForm(args if asked else None)
    form.services.choices = [(str(s["id"]), s["name"]) for s in priced]
    wards = data.load_wards(db.session)
    form.wards.choices = [(code, w["name"]) for code, w in wards.items()]
    result = None
    problem = None
    if asked and form.validate():
        assumptions = SubsidyAssumptions(
            deciles=tuple(sorted(int(d) for d in form.deciles.data)), mode=form.mode.data,
            cap_monthly=float(form.cap.data or 0), take_up=form.take_up.data / 100,
            threshold_min=float(form.threshold.data), travel_mode=MODE)
        chosen = [int(s) for s in form.services.data] or [s["id"] for s in priced]
        areas = _areas()
        area_codes = data.areas_in_wards(areas, wards, form.wards.data) \
            if form.wards.data else None
        try:
            result = subsidy_cost(areas, services, assumptions, service_ids=chosen,
                                  area_codes=area_codes,
                                  matrix=data.load_matrix(db.session, to_kind="service",
                                                          mode=MODE))
        except SubsidyError as exc:
            problem = str(exc)
    status = 400 if asked and (form.errors or problem) else 200
    return render_template("planning/subsidy.html", form=form, result=result, problem=problem,
                           priced=len(priced)), status
