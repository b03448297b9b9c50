"""Planning's service layer: scenarios (kept as a named list of changes), the
comparison with today, the funding cliff and the subsidy model.  Best sites are
in :mod:`.sites`.  The views in :mod:`.routes` parse, call one function here and
render; applying a scenario works on a copy of the services, so the live
directory never changes.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, url_for

from ..analysis.comparison import compare, today_side
from ..analysis.person_loss import cliff_loss_points
from ..analysis.scenario import (
    CHANGE_KINDS,
    ScenarioError,
    apply_changes,
    cliff_changes,
    cliff_loss,
    funding_cliff,
)
from ..analysis.services import LAPSED_LABEL, lapsed
from ..analysis.travel import MODE_PHRASES, SPEEDS_KMH
from ..audit import commit_change, snapshot
from ..cache import cached
from ..disclosure import DisclosureRule
from ..extensions import db
from ..inputs import areas as area_inputs
from ..inputs import buildings as building_inputs
from ..inputs import services as service_inputs
from ..inputs import travel as travel_inputs
from ..models import Scenario
from ..models.directory import SERVICE_TYPES
from ..publication.planning import publish_count, publish_population_total
from ..settings import analysis_settings
from .forms import AddServiceForm, ScenarioForm, ServiceChangeForm, TravelForm
from .maps import planning_map
from .place_service import accept_any_building, fill_place_fields, place_form
from .places import place_names
from .proposal_travel import journey_run_key, person_journeys, proposal_note, proposals_in
from .published import loss_rows, scenario_counts
from .timeline import cliff_timeline

MODE = "bus"  # best sites' cache keys name other modes only; defaults: analysis_settings()
CLIFF_MONTHS = 24


def rule() -> DisclosureRule:
    return DisclosureRule.from_config(current_app.config)


def threshold() -> float:
    """The default travel threshold (the analysis settings', as on the gap pages)."""
    return analysis_settings().threshold_min


def areas():
    """LSOAs with the settings' youth age band (from the shared, cached loader)."""
    return area_inputs.lsoa_areas(db.session, **analysis_settings().band)


def services() -> list[dict]:
    """Every service as a fresh record (scenarios change copies, never the cache)."""
    return service_inputs.service_records(db.session)


def buildings() -> dict[int, dict]:
    return building_inputs.building_records(db.session)


def matrix(to_kind: str = "service", mode: str = MODE):
    """Imported times for ``mode``, else computed journeys (to services), else None
    (straight-line estimates)."""
    return travel_inputs.travel_matrix(db.session, mode, to_kind=to_kind)


def chosen_travel(form: TravelForm | None) -> str:
    """The way of travelling a page was asked for (bus when not asked, or asked wrongly:
    the form then carries the error)."""
    mode = analysis_settings().mode
    if form is None or not form.travel.raw_data:
        return mode
    return form.travel.data if form.validate() else mode


def travel_basis(mode: str, *, places: str | None = None, to_kind: str = "service",
                 per_person: bool | None = None) -> dict:
    """What a page's travel times by ``mode`` rest on, to say on the page: times
    imported from a routing engine, journeys on the road network and timetable, or
    straight-line estimates.  ``places`` (proposed services, candidate sites) are
    judged by the computed journeys' method when those apply
    (:mod:`.proposal_travel`); the ``note`` says how their times are found.
    ``per_person``: whether :func:`.proposal_travel.person_journeys` found journeys
    for ``mode``, when the page has already asked it (else it is asked here)."""
    from ..geodata.journeys import journey_status, travel_sentence

    status = journey_status(db.session)
    status["imported"] = travel_inputs.imported_travel_modes(db.session)
    basis = "imported" if mode in status["imported"] else status["basis"]
    estimate = (f"Straight-line estimates are the distance × 1.3 at "
                f"{SPEEDS_KMH[mode]:g} km/h {MODE_PHRASES[mode]}.")
    note = None
    if places and basis != "straight-line":
        note = proposal_note(places, mode, to_kind)
        if note is None and to_kind != "service" and mode in travel_inputs.imported_travel_modes(
                db.session, to_kind):
            note = (f"{places}: times imported from a routing engine where it has them, "
                    f"else {estimate[0].lower()}{estimate[1:]}")
        elif note is None:
            where = "imported times" if basis == "imported" else "computed journeys"
            note = f"{places} are not in the {where}: {estimate[0].lower()}{estimate[1:]}"
    counted = None
    if per_person is None:
        per_person = person_journeys(mode)[1] is not None
    if per_person:
        counted = ("Reach is counted per young person, the same way as on the gap pages: "
                   "from each home's own journeys, and by bus a session counts only with a "
                   "bus there by its start and home after its end, within the threshold.")
    return {"mode": mode, "basis": basis, "phrase": MODE_PHRASES[mode],
            "sentence": travel_sentence(status, mode), "note": note, "counted": counted,
            "estimate": estimate if basis == "straight-line" else None}


def _asset_url(package: str, filename: str) -> str:
    return url_for("vendor.asset", name=package, filename=filename)


def area_map(area_frame, **kw) -> dict:
    """A planning map for this request (asset URLs, CSP nonce, tiles setting)."""
    from ..security import csp_nonce

    return planning_map(area_frame, asset_url=_asset_url, nonce=csp_nonce(),
                        tiles_url=current_app.config["MAP_TILES_URL"],
                        attribution=current_app.config["MAP_TILES_ATTRIBUTION"], **kw)


# -- scenarios -------------------------------------------------------------------

def scenario_or_404(scenario_id: int) -> Scenario:
    scenario = db.session.get(Scenario, scenario_id)
    if scenario is None:
        abort(404)
    return scenario


def index_page(form: ScenarioForm | None = None) -> dict:
    scenarios = db.session.scalars(
        db.select(Scenario).order_by(Scenario.updated_at.desc(), Scenario.id.desc())).all()
    return {"scenarios": scenarios, "form": form or ScenarioForm(), **_basis()}


def _basis() -> dict:
    """The young people planning counts (the settings' band; the gap pages' total)."""
    young = float(areas()["young_people"].sum()) if len(areas()) else 0.0
    return {"young_total": publish_population_total(young) if young else None,
            "threshold": threshold()}


def create_scenario(name: str, description: str | None, user) -> Scenario:
    """A new scenario from the live directory (no changes yet)."""
    scenario = Scenario(name=name.strip(), description=description or None, changes=[],
                        created_by=user.id)
    db.session.add(scenario)
    return commit_change(db.session, user=user, action="scenario.create", obj=scenario,
                         after=lambda: snapshot(scenario))


def create_cliff_scenario(user) -> Scenario:
    """The ready-made scenario: every grant ending in the next 24 months ends."""
    today = date.today()
    changes = cliff_changes(services(), today=today, months=CLIFF_MONTHS)
    scenario = Scenario(name=f"Funding cliff to {(today + timedelta(days=730)):%B %Y}",
                        description="Every grant that ends in the next 24 months ends, and its "
                                    "service stops.", changes=changes, created_by=user.id)
    db.session.add(scenario)
    return commit_change(db.session, user=user, action="scenario.create", obj=scenario,
                         after=lambda: snapshot(scenario),
                         note="ready-made funding-cliff scenario")


def _change_forms(after, building_rows, add_form=None, change_form=None):
    add_form = add_form or AddServiceForm(prefix="add")
    fill_place_fields(add_form.postcode, add_form.building_id, add_form.x, add_form.y,
                      none_label="No building")
    change_form = change_form or ServiceChangeForm(prefix="chg")
    change_form.service_id.choices = [("", "Choose a service")] + [
        (str(s["id"]), s["name"] + (" (proposed)" if s.get("proposed") else "")
         + (" (in a neighbouring area)" if s.get("outside_council") else "")
         + (" – closed" if s.get("status") == "closed" else ""))
        for s in after if s["id"] > 0 or s.get("proposed")]
    return add_form, change_form


def _scenario_map(area_frame, comparison, after, cleaned) -> dict:
    cat = comparison.areas
    areas_map = area_frame.copy()
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
    return area_map(areas_map, category="change", points=points,
                    colours={"Newly reached": "#00703c", "No longer reached": "#d4351c",
                             "Gap in both": "#f47738"})


def scenario_page(scenario, *, add_form=None, change_form=None, errors=None,
                  travel_form: TravelForm | None = None) -> dict:
    """A scenario's changes, the forms to add more, and the comparison with today
    by the way of travelling ``travel_form`` asks for (bus by default)."""
    mode = chosen_travel(travel_form)
    live, building_rows, area_frame = services(), buildings(), areas()
    problem = None
    try:
        after, cleaned = apply_changes(live, scenario.changes or [], buildings=building_rows)
    except ScenarioError as exc:
        # A saved change can go stale (a service deleted from the directory since).
        problem = f"{exc}. Remove that change to see the comparison."
        after, cleaned = live, []
    comparison = None
    per_person = None  # whether reach is counted per young person (travel_basis says so)
    if len(area_frame):
        # One method with the gap pages: each young person's own journeys (proposals
        # by the same method) while a journey run applies; else imported times or
        # straight-line estimates for everything alike.
        points, journeys = person_journeys(mode, proposals_in(after))
        per_person = journeys is not None
        times = None if journeys is not None else matrix(mode=mode)
        settings = {"threshold_min": threshold(), "mode": mode, "matrix": times,
                    "today": date.today(), "points": points, "journeys": journeys}
        comparison = compare(area_frame, live, after, changes=cleaned,
                             risk_months=CLIFF_MONTHS, gap_scores=True,
                             before_side=_today_side(area_frame, live, settings), **settings)
    add_form, change_form = _change_forms(after if not problem else live, building_rows,
                                          add_form, change_form)
    lost = None
    if comparison is not None:
        places = place_names(db.session, area_frame)
        _name_places(comparison, places)
        lost = loss_rows(comparison.loss, places, SERVICE_TYPES, rule())
    return {
        "scenario": scenario, "changes": cleaned, "problem": problem, "comparison": comparison,
        "add_form": add_form, "change_form": change_form, "errors": errors or [],
        "map": _scenario_map(area_frame, comparison, after, cleaned) if comparison else None,
        "threshold": threshold(), "lost": lost,
        # Every count of young people the comparison prints, already published.
        "published": scenario_counts(comparison, rule()) if comparison else None,
        "kinds": CHANGE_KINDS, "has_areas": bool(len(area_frame)),
        "travel_form": travel_form or TravelForm(None),
        "travel": travel_basis(mode, places="Proposed services", per_person=per_person),
    }


def _today_side(area_frame, live: list[dict], settings: dict):
    """Today's side of every comparison, kept per data version, run, day, band and mode."""
    key = {"mode": settings["mode"], "threshold": settings["threshold_min"],
           "today": settings["today"].isoformat(), "run": journey_run_key(),
           "people": settings["journeys"] is not None, "band": analysis_settings().band}
    return cached("scenario-today", db.session, key, lambda: today_side(
        area_frame, live, risk_months=CLIFF_MONTHS, gap_scores=True, **settings),
        responses=False)


def _name_places(comparison, places: dict[str, str]) -> None:
    """Give each area the comparison lists a place a person knows ("Marlbridge
    (Marlbridge West ward)"), its official LSOA name kept quietly beside it."""
    for rows in (comparison.gap_changes, comparison.stop_being_gaps,
                 comparison.become_gaps):
        for row in rows or []:
            row["place"] = places.get(str(row["code"]))


def check_add_form(form: AddServiceForm) -> bool:
    """Validate a submitted add-service form and resolve its place into ``form.place``
    (any council building's id is accepted; the place must lie in the council's area)."""
    accept_any_building(form.building_id)
    valid = form.validate_on_submit()
    placed = place_form(form, form.postcode, form.building_id, form.x, form.y)
    return valid and placed


def prepare_change_form(scenario, form: ServiceChangeForm) -> None:
    """Accept any service in the scenario (proposed ones too) in a submitted change form."""
    live = services()
    try:
        after, _ = apply_changes(live, scenario.changes or [], buildings=buildings())
    except ScenarioError:
        after = live
    form.service_id.choices = [("", "")] + [(str(s["id"]), "") for s in after]


def add_change(scenario, change: dict, user) -> str | None:
    """Append ``change`` if the scenario still applies with it; else the reason, unsaved."""
    new_changes = list(scenario.changes or []) + [change]
    try:
        apply_changes(services(), new_changes, buildings=buildings())
    except ScenarioError as exc:
        return str(exc)
    before = snapshot(scenario)
    scenario.changes = new_changes
    commit_change(db.session, user=user, action="scenario.change", obj=scenario,
                  before=before, after=lambda: snapshot(scenario))
    return None


def remove_change(scenario, number: int, user) -> int:
    """Remove change ``number`` (1-based; 404 if none); returns how many later changes
    to proposed services went with it (they are numbered by the adds' order)."""
    changes = list(scenario.changes or [])
    if not 1 <= number <= len(changes):
        abort(404)
    before = snapshot(scenario)
    removed = changes.pop(number - 1)
    dropped = 0
    if removed.get("kind") == "add":
        kept = changes[:number - 1]
        for c in changes[number - 1:]:
            if c.get("kind") != "add" and int(c.get("service_id") or 0) < 0:
                dropped += 1
                continue
            kept.append(c)
        changes = kept
    scenario.changes = changes
    commit_change(db.session, user=user, action="scenario.change", obj=scenario,
                  before=before, after=lambda: snapshot(scenario),
                  note=f"removed change {number}")
    return dropped


def copy_scenario(original, user) -> Scenario:
    copy = Scenario(name=f"Copy of {original.name}"[:200], description=original.description,
                    changes=list(original.changes or []), created_by=user.id)
    db.session.add(copy)
    return commit_change(db.session, user=user, action="scenario.copy", obj=copy,
                         after=lambda: snapshot(copy), note=f"copied from scenario {original.id}")


def delete_scenario(scenario, user) -> str:
    """Delete a scenario (the live directory is not touched); returns its name."""
    name = scenario.name
    before = snapshot(scenario)
    db.session.delete(scenario)
    commit_change(db.session, user=user, action="scenario.delete", obj=scenario, before=before)
    return name


# -- funding cliff ---------------------------------------------------------------

def funding_cliff_page(travel_form: TravelForm | None = None) -> dict:
    """Provision whose funding ends in the next 24 months, provision whose funding
    has lapsed (needs a check), and who loses their only provision within reach by
    the way of travelling ``travel_form`` asks for: the count a scenario ending
    those grants shows too (:func:`app.analysis.scenario.cliff_loss`)."""
    mode = chosen_travel(travel_form)
    today = date.today()
    live = services()
    cliff = funding_cliff(live, today=today, months=CLIFF_MONTHS)
    area_frame = areas()
    points, journeys = person_journeys(mode) if len(area_frame) else (None, None)
    if journeys is not None:  # per young person, as on the gap pages
        loss = cliff_loss_points(area_frame, live, points, journeys, threshold_min=threshold(),
                                 today=today, months=CLIFF_MONTHS, mode=mode)
    else:
        loss = cliff_loss(area_frame, live, threshold_min=threshold(), today=today,
                          months=CLIFF_MONTHS, mode=mode,
                          matrix=matrix(mode=mode)) if len(area_frame) else None
    lost = loss.rows if loss is not None else None
    map_parts = None
    if len(area_frame):
        losing = set(lost["code"]) if lost is not None else set()
        areas_map = area_frame.copy()
        areas_map["loss"] = ["Loses its only provision of a kind" if c in losing else ""
                             for c in areas_map.index]
        by_id = {s["id"]: s for s in live}
        points = [{"x": by_id[int(i)]["x"], "y": by_id[int(i)]["y"],
                   "label": f"{by_id[int(i)]['name']}: funding ends {by_id[int(i)]['funding_end']}",
                   "colour": "#d4351c", "radius": 7}
                  for i in cliff["id"] if by_id[int(i)].get("x") is not None]
        map_parts = area_map(areas_map, category="loss", points=points,
                             colours={"Loses its only provision of a kind": "#d4351c"})
    places = place_names(db.session, area_frame) if lost is not None and len(lost) else {}
    lost_rows = loss_rows(loss, places, SERVICE_TYPES, rule())
    rows = cliff.to_dict("records")
    return {"cliff": rows, "timeline": cliff_timeline(rows, today=today, months=CLIFF_MONTHS),
            "lapsed": lapsed(live, today=today).to_dict("records"), "lapsed_label": LAPSED_LABEL,
            "lost": lost_rows, "loss": loss, "map": map_parts, "today": today,
            "loss_young_people": None if loss is None else publish_count(rule(), loss.young_people),
            "months": CLIFF_MONTHS, "threshold": threshold(), "types": SERVICE_TYPES,
            "travel_form": travel_form or TravelForm(None), "travel": travel_basis(mode)}
