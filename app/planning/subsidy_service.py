"""The subsidy page: what making chosen services free (or capped) for young people
in the most deprived areas would cost (:mod:`app.analysis.subsidy`).  Split from
:mod:`app.planning.service`, whose loaders and travel basis it shares.
"""

from __future__ import annotations

from ..analysis.person_reach import point_reach
from ..analysis.services import funding_status
from ..analysis.subsidy import SubsidyAssumptions, SubsidyError, subsidy_cost
from ..disclosure import DisclosureRule
from ..extensions import db
from ..inputs import areas as area_inputs
from ..publication.planning import NOT_SHOWN, publish_count, publish_money_for
from ..settings import analysis_settings
from .candidates import areas_in_wards
from .forms import SubsidyForm
from .proposal_travel import person_journeys
from .service import areas, matrix, rule, services, travel_basis


def subsidy_page(form: SubsidyForm, asked: bool) -> dict:
    """What making chosen services free (or capped) for the most deprived would cost.
    Fills the form's choices, validates it when ``asked`` and runs the model."""
    live = services()
    # The council's own priced, funded services (not a neighbouring area's).
    priced = [s for s in live if funding_status(s["status"], s.get("funding_end")) == "active"
              and not s.get("outside_council") and s["cost_model"] != "free"
              and s["cost_amount"]]
    form.services.choices = [(str(s["id"]), s["name"]) for s in priced]
    wards = area_inputs.wards(db.session)
    form.wards.choices = [(code, w["name"]) for code, w in wards.items()]
    result = problem = None
    mode = analysis_settings().mode
    if asked and form.validate():
        mode = form.travel.data
        assumptions = SubsidyAssumptions(
            deciles=tuple(sorted(int(d) for d in form.deciles.data)), mode=form.mode.data,
            cap_monthly=float(form.cap.data or 0), take_up=form.take_up.data / 100,
            threshold_min=float(form.threshold.data), travel_mode=mode)
        chosen = [int(s) for s in form.services.data] or [s["id"] for s in priced]
        area_frame = areas()
        area_codes = areas_in_wards(area_frame, wards, form.wards.data) \
            if form.wards.data else None
        points, journeys = person_journeys(mode)
        try:
            # Per young person from the journey run, as on the gap pages, when it applies.
            reach = None if journeys is None else point_reach(
                area_frame, points, live, journeys, threshold_min=assumptions.threshold_min,
                mode=mode)
            result = subsidy_cost(area_frame, live, assumptions, service_ids=chosen,
                                  area_codes=area_codes,
                                  matrix=None if reach is not None else matrix(mode=mode),
                                  reach=reach)
        except SubsidyError as exc:
            problem = str(exc)
    return {"form": form, "result": result, "problem": problem, "priced": len(priced),
            "published": published_subsidy(result, rule()) if result is not None else None,
            "travel": travel_basis(mode)}


def published_subsidy(result, rule: DisclosureRule) -> dict:
    """The subsidy page's counts of young people, published, and each cost as text:
    a cost (and the cost per user) is shown only when its users are, since the
    count could be worked out from it (``"[c]"`` and ``"–"`` otherwise)."""
    rows = [{"name": r["name"], "monthly_cost": r["monthly_cost"],
             "subsidy_monthly": r["subsidy_monthly"],
             "eligible": publish_count(rule, r["eligible"]),
             "users": publish_count(rule, r["users"]),
             "annual_cost": publish_money_for(rule, r["users"], r["annual_cost"])}
            for r in result.services.to_dict("records")]
    return {"annual_cost": publish_money_for(rule, result.users, result.annual_cost),
            "eligible": publish_count(rule, result.eligible),
            "users": publish_count(rule, result.users),
            "cost_per_user": publish_money_for(rule, result.users, result.cost_per_user,
                                               hidden=NOT_SHOWN),
            "services": rows}
