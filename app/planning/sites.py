"""Best sites for new provision (the maximal covering location problem): the
candidates a form asks for, the choice itself, and its map.

:func:`best_sites` needs no request: it reads the data through
:mod:`app.planning.service`'s loaders and returns a plain, picklable
:class:`BestSites`, so a large case can run as a background job.  The map is
drawn per request (it carries that request's CSP nonce).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from flask import current_app, url_for

from .. import jobs
from ..access import PLANNERS
from ..analysis.comparison import area_reach
from ..analysis.person_reach import point_reach
from ..analysis.proposal_journeys import Proposal
from ..analysis.siting import (
    SitingResult,
    choose_sites,
    coverage_matrix,
    demand_weights,
    rank_candidates,
)
from ..dataversion import current
from ..extensions import db
from ..publication.planning import publish_count, publish_rows
from . import service
from .candidates import candidate_minutes
from .forms import SitesForm
from .place_input import PlaceError
from .place_service import fill_place_fields, place_form, resolve
from .proposal_travel import person_journeys, uses_journeys

NEWLY, REACHED, NOT_REACHED = ("Newly reached by the chosen sites", "Reached today",
                               "Not reached")


@dataclass
class BestSites:
    """The chosen sites, every candidate ranked, and what the map shows."""

    siting: SitingResult
    ranked: list[dict]
    chosen_names: list[str]
    newly_people: float
    states: list[str] = field(default_factory=list)     # one per area, in area order
    points: list[dict] = field(default_factory=list)    # candidates, chosen ones marked
    # "person": every young person's own journeys (the gap pages' method); "area":
    # one time per area and site (imported times or straight-line estimates).
    method: str = "area"


def place_sites(form: SitesForm) -> bool:
    """Resolve the form's own candidate sites (the one given by postcode, building or
    point, and each line of the box) into ``form.place`` and ``form.points.resolved``,
    checked against the council's area; False with the problems beside their fields."""
    named = bool((form.site_name.data or "").strip())
    ok = place_form(form, form.site_postcode, form.site_building, form.site_x, form.site_y,
                    required=named)
    resolved, problems = [], []
    for p in getattr(form.points, "parsed", []):
        try:
            place = resolve(postcode=p.get("postcode"), easting=p.get("x"),
                            northing=p.get("y"))
        except PlaceError as exc:
            problems.append(f"Line {p['line']}: {exc.message}")
            continue
        resolved.append({"name": p["name"], "x": place.easting, "y": place.northing})
    form.points.resolved = resolved
    if problems:
        form.points.errors = list(form.points.errors) + problems[:5]
    return ok and not problems


def candidates_for(form: SitesForm) -> dict[str, dict]:
    """Council buildings (unless left out) and the form's own sites, by key."""
    found = {} if form.no_buildings.data else {
        str(k): {**b, "kind": b.get("kind") or "council building"}
        for k, b in service.buildings().items()}
    place = getattr(form, "place", None)
    if place is not None:
        if place.building_id is not None:
            b = service.buildings()[place.building_id]
            found[str(place.building_id)] = {**b, "kind": b.get("kind") or "council building"}
        else:
            where = place.description.removeprefix("a point ")
            name = (form.site_name.data or "").strip()[:200] or (
                f"Site {where}" if where.startswith("near ") else f"Site at {where}")
            found["site"] = {"id": "site", "name": name, "x": place.easting,
                             "y": place.northing, "kind": "your site"}
    for n, p in enumerate(getattr(form.points, "resolved", []), start=1):
        found[f"point-{n}"] = {"id": f"point-{n}", "name": p["name"], "x": p["x"], "y": p["y"],
                               "kind": "your site"}
    return found


def cells(candidates: dict, areas_count: int) -> int:
    """The size of a case (areas x candidates): what decides a background run."""
    return len(candidates) * areas_count


def _person_cover(candidates: dict[str, dict], threshold: float, mode: str, areas):
    """The demand and reach tables per young person (population point), by the gap
    pages' method: who is reached today from each point's own journeys, and each
    candidate judged from the same points by :mod:`app.analysis.proposal_journeys`
    (at its own sessions or the default weekday evening).  ``None`` when the
    computed journeys do not apply."""
    proposals = [Proposal(f"site:{key}", float(c["x"]), float(c["y"]), c.get("sessions") or [])
                 for key, c in candidates.items()]
    points, journeys = person_journeys(mode, proposals)
    if journeys is None:
        return None
    today = point_reach(areas, points, service.services(), journeys, threshold_min=threshold,
                        mode=mode, today=date.today())
    pts = points.reset_index(drop=True)
    pj = journeys.for_points(pts[["x", "y"]].to_numpy(dtype=float),
                             pts["lsoa"].astype(str).to_numpy(), [p.key for p in proposals])
    cover = np.asarray(pj.minutes(mode) <= today.threshold_min)
    reached = today.reached()
    deciles = list(areas["imd_decile"])
    point_deciles = [deciles[g] if g >= 0 else None for g in today.group]
    weights = demand_weights(today.young, point_deciles, reached | (today.group < 0))
    return today, cover, weights, reached


def _best_per_person(candidates, k, areas, found) -> BestSites:
    """:func:`best_sites` with young people (population points) as the demand."""
    today, cover, weights, reached = found
    siting = choose_sites(cover, weights, k)
    ids = list(candidates)
    chosen = siting.best.chosen
    live = weights > 0
    ranked = []
    for row in rank_candidates(cover, weights, today.young, chosen=chosen):
        hit = live & cover[:, row["index"]] & (today.group >= 0)
        ranked.append({**row, "areas": len(np.unique(today.group[hit])),
                       "name": candidates[ids[row["index"]]]["name"],
                       "kind": candidates[ids[row["index"]]]["kind"]})
    hit = cover[:, chosen].any(axis=1) if chosen else np.zeros(len(weights), dtype=bool)
    newly = hit & ~reached & (today.group >= 0)
    newly_area = today.area_sum(newly) > 0
    reached_area = today.area_sum(reached) > 0
    return _result(candidates, siting, ranked, float(today.young[newly].sum()),
                   [NEWLY if n else REACHED if r else NOT_REACHED
                    for n, r in zip(newly_area, reached_area, strict=True)], "person")


def _result(candidates, siting, ranked, newly_people, states, method) -> BestSites:
    ids = list(candidates)
    chosen_ids = {ids[j] for j in siting.best.chosen}
    return BestSites(
        siting=siting, ranked=ranked,
        chosen_names=[candidates[ids[j]]["name"] for j in siting.best.chosen],
        newly_people=newly_people, states=states, method=method,
        points=[{"x": c["x"], "y": c["y"],
                 "label": c["name"] + (" (chosen)" if key in chosen_ids else " (candidate)"),
                 "colour": "#00703c" if key in chosen_ids else "#505a5f",
                 "radius": 10 if key in chosen_ids else 6} for key, c in candidates.items()])


def best_sites(candidates: dict[str, dict], k: int, threshold: float,
               mode: str = service.MODE) -> BestSites:
    """Choose ``k`` of ``candidates`` that newly reach the most young people not
    reached today within ``threshold`` minutes by ``mode``, deprived areas counting more.

    While the computed journeys apply, per young person (:func:`_person_cover`);
    else per area, from imported times or straight-line estimates."""
    areas = service.areas()
    found = _person_cover(candidates, threshold, mode, areas) if len(areas) else None
    if found is not None:
        return _best_per_person(candidates, k, areas, found)
    today_reach = area_reach(areas, service.services(), threshold_min=threshold,
                             mode=mode, matrix=service.matrix(mode=mode), today=date.today())
    reached = (today_reach["all_services"] > 0).to_numpy()
    people = areas["young_people"].to_numpy(dtype=float)
    weights = demand_weights(people, list(areas["imd_decile"]), reached)
    minutes = candidate_minutes(areas, candidates, mode=mode,
                                matrix=service.matrix("building", mode=mode))
    cover = coverage_matrix(minutes, threshold)
    siting = choose_sites(cover, weights, k)
    ids = list(candidates)
    chosen = siting.best.chosen
    ranked = [{**row, "name": candidates[ids[row["index"]]]["name"],
               "kind": candidates[ids[row["index"]]]["kind"]}
              for row in rank_candidates(cover, weights, people, chosen=chosen)]
    hit = cover[:, chosen].any(axis=1) if chosen else np.zeros(len(areas), dtype=bool)
    newly = hit & ~reached & (people > 0)
    return _result(candidates, siting, ranked, float(people[newly].sum()),
                   [NEWLY if n else REACHED if r else NOT_REACHED
                    for n, r in zip(newly, reached, strict=True)], "area")


def sites_map(best: BestSites) -> dict:
    areas = service.areas().copy()
    areas["state"] = best.states
    return service.area_map(areas, category="state", points=best.points,
                            colours={NEWLY: "#00703c", REACHED: "#c6dbef",
                                     NOT_REACHED: "#f47738"})


def _sites_url(info) -> str:
    return url_for("planning.sites", **info.params["query"])


@jobs.task(roles=PLANNERS, title="Choosing the best sites", kind="sites",
           result_url=_sites_url)
def best_sites_job(candidates: dict, k: int, threshold: float, query: dict,
                   mode: str = service.MODE) -> BestSites:
    """A large best-sites case in the background (``query`` is the page's, to return to)."""
    jobs.report(0.1, "Working out who is reached today")
    return best_sites(candidates, k, threshold, mode)


def _choose(candidates: dict, k: int, threshold: float, query: dict, mode: str,
            user_id: int | None):
    """(result, job): small cases at once; a large one (more areas x candidates than
    ``JOBS_SITES_CELLS``) as a job kept per data version and parameters, whose
    result is ready when the job is (else ``None`` and the job to follow)."""
    if cells(candidates, len(service.areas())) <= int(current_app.config["JOBS_SITES_CELLS"]):
        return best_sites(candidates, k, threshold, mode), None
    key = {"data": list(current(db.session)), "candidates": candidates, "k": k,
           "threshold": threshold}
    if mode != service.MODE:  # bus cases keep the keys they had
        key["mode"] = mode
    if uses_journeys(mode, "building"):  # candidates judged on the computed journeys
        key["journeys"] = service.travel_basis(mode)["sentence"]
    info = jobs.enqueue(best_sites_job, {"candidates": candidates, "k": k,
                                         "threshold": threshold, "query": query,
                                         "mode": mode},
                        key=json.dumps(key, sort_keys=True, default=str), user_id=user_id)
    if not info.done:
        info = jobs.wait_for(info.id, float(current_app.config["JOBS_WAIT_SECONDS"]))
    return (jobs.result(info.id) if info.state == "finished" else None), info


def sites_page(form: SitesForm, asked: bool, query: dict, user_id: int | None) -> dict:
    """Validate the form when ``asked`` and choose the sites; the page's context.
    ``query`` is the request's parameters (a background job links back to them); a
    large case's job counts against ``user_id``'s quota."""
    result = map_parts = problem = job = None
    mode = service.MODE
    example = fill_place_fields(form.site_postcode, form.site_building, form.site_x,
                                form.site_y, none_label="No building")
    if example:
        form.points.description += f" For example: Village hall, {example}"
    if asked and form.validate() & place_sites(form):
        mode = form.travel.data
        candidates = candidates_for(form)
        if not len(service.areas()):
            problem = "There are no areas loaded yet, so there is nobody to reach."
        elif not candidates:
            problem = ("There are no candidate sites: include the council buildings (add them "
                       "in the directory), or give other sites.")
        else:
            result, job = _choose(candidates, int(form.k.data), float(form.threshold.data),
                                  query, mode, user_id)
            map_parts = sites_map(result) if result is not None else None
            if job is not None and job.state == "failed":
                problem = "Choosing the sites did not work. Try again, or with fewer sites."
    rule = service.rule()
    return {"form": form, "result": result,
            # The counts of young people, already published (text).
            "ranked": publish_rows(rule, result.ranked, ("people", "weighted"))
            if result else None,
            "newly_people": publish_count(rule, result.newly_people) if result else None,
            "map": map_parts, "problem": problem, "buildings": len(service.buildings()),
            "job": job if job is not None and not job.done else None,
            "travel": service.travel_basis(mode, places="Candidate sites",
                                           to_kind="building")}
