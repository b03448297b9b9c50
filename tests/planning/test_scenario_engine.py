"""Scenario engine, funding cliff and subsidy model on a hand-built county (pure, no Flask)."""

from __future__ import annotations

import copy
from datetime import date

import pandas as pd
import pytest

from app.analysis.comparison import compare
from app.analysis.scenario import (
    ScenarioError,
    apply_changes,
    cliff_changes,
    funding_cliff,
    only_provision_lost,
)
from app.analysis.subsidy import SubsidyAssumptions, SubsidyError, subsidy_cost

TODAY = date(2026, 11, 25)
# Bus: 18 km/h door to door, roads 1.3 x the straight line -> 30 minutes ~ 6.9 km.
AREAS = pd.DataFrame({
    "name": ["Ashby", "Brook", "Colwall", "Dunmore"],
    "young_people": [100.0, 50.0, 80.0, 40.0],
    "imd_decile": [1, 5, 2, None],
    "rural": [True, False, True, False],
    "origin_x": [300_000.0, 320_000.0, 340_000.0, 300_500.0],
    "origin_y": [240_000.0, 240_000.0, 240_000.0, 241_000.0],
}, index=pd.Index(["E01000001", "E01000002", "E01000003", "E01000004"], name="code"))

SERVICES = [
    {"id": 1, "name": "Ashby Youth Club", "service_type": "open_access", "x": 301_000.0,
     "y": 240_000.0, "cost_model": "free", "cost_amount": 0, "sessions_per_week": 2,
     "capacity": 30, "funding_end": date(2027, 5, 31), "status": "active"},
    {"id": 2, "name": "Colwall Boxing", "service_type": "boxing_martial_arts", "x": 340_000.0,
     "y": 241_000.0, "cost_model": "per_session", "cost_amount": 3.0, "sessions_per_week": 1,
     "capacity": 15, "funding_end": None, "status": "active"},
    {"id": 3, "name": "Ashby Scouts", "service_type": "uniformed", "x": 300_200.0,
     "y": 240_100.0, "cost_model": "termly", "cost_amount": 45.0, "sessions_per_week": 1,
     "capacity": 24, "funding_end": date(2030, 1, 1), "status": "active"},
]
BUILDINGS = {7: {"name": "Brook Library", "x": 320_500.0, "y": 240_000.0}}


def run(changes, services=None):
    services = services if services is not None else SERVICES
    after, cleaned = apply_changes(services, changes, buildings=BUILDINGS)
    return compare(AREAS, services, after, threshold_min=30, changes=cleaned, today=TODAY)


def test_applying_changes_leaves_the_live_services_untouched():
    live = copy.deepcopy(SERVICES)
    after, cleaned = apply_changes(SERVICES, [
        {"kind": "close", "service_id": 1},
        {"kind": "make_free", "service_id": 2},
        {"kind": "extend_grant", "service_id": 3, "until": "2031-03-31"},
        {"kind": "add", "name": "Brook drop-in", "service_type": "drop_in", "building_id": 7,
         "sessions_per_week": 2, "capacity": 25, "annual_cost": 12000},
    ], buildings=BUILDINGS)
    assert SERVICES == live
    assert [s["status"] for s in after[:3]] == ["closed", "active", "active"]
    assert after[1]["cost_model"] == "free"
    assert after[2]["funding_end"] == "2031-03-31"
    new = after[3]
    assert new["proposed"] and new["id"] < 0
    assert (new["x"], new["y"]) == (320_500.0, 240_000.0)
    assert cleaned[3]["label"] == "Add Brook drop-in (drop-in) at Brook Library"


def test_closing_the_only_service_in_reach_turns_an_area_into_a_gap():
    # Colwall is reached only by Colwall Boxing.
    result = run([{"kind": "close", "service_id": 2}])
    assert [a["name"] for a in result.become_gaps] == ["Colwall"]
    assert result.no_longer_reached == 80
    assert result.newly_reached == 0
    assert not result.areas.loc["E01000003", "reached_after"]
    # Closing Ashby Youth Club alone does not: the Scouts still reach Ashby.
    assert run([{"kind": "close", "service_id": 1}]).become_gaps == []


def test_a_drop_in_at_a_council_building_newly_reaches_young_people():
    result = run([{"kind": "add", "name": "Brook drop-in", "service_type": "drop_in",
                   "building_id": 7, "sessions_per_week": 1, "annual_cost": 10_000}])
    assert result.newly_reached == 50
    assert [a["name"] for a in result.stop_being_gaps] == ["Brook"]
    assert result.cost_per_young_person == pytest.approx(200.0)
    by_decile = {row["group"]: row for row in result.by_decile}
    assert by_decile["Decile 5"]["newly_reached"] == 50
    assert by_decile["Decile 1 (most deprived)"]["newly_reached"] == 0
    by_rurality = {row["group"]: row for row in result.by_rurality}
    assert by_rurality["Urban"]["newly_reached"] == 50
    assert by_rurality["Rural"]["newly_reached"] == 0
    # Decile order: 1 first, unknown last.
    assert result.by_decile[0]["group"].startswith("Decile 1")
    assert result.by_decile[-1]["group"] == "Not known"


def test_making_a_service_free_counts_newly_reached_by_free_provision():
    result = run([{"kind": "make_free", "service_id": 2}])
    assert result.newly_reached == 0
    assert result.newly_reached_free == 80


def test_bad_changes_are_refused_with_the_change_number():
    with pytest.raises(ScenarioError, match="Change 2: there is no service 99"):
        apply_changes(SERVICES, [{"kind": "close", "service_id": 1},
                                 {"kind": "close", "service_id": 99}])
    with pytest.raises(ScenarioError, match="Change 1: there is no council building 8"):
        apply_changes(SERVICES, [{"kind": "add", "name": "X", "building_id": 8}],
                      buildings=BUILDINGS)
    with pytest.raises(ScenarioError, match="not in Great Britain"):
        apply_changes(SERVICES, [{"kind": "add", "name": "X", "x": 800_001, "y": 3}])
    # The demo county lies off East Anglia (eastings 700-760 km): its points are fine.
    after, cleaned = apply_changes(SERVICES, [{"kind": "add", "name": "X", "x": 730_000,
                                               "y": 320_000, "place": "ZZ1 2AB, near Oakley"}])
    assert after[-1]["venue_name"] == "ZZ1 2AB, near Oakley"
    assert cleaned[0]["label"].endswith("at ZZ1 2AB, near Oakley")
    with pytest.raises(ScenarioError, match="date like"):
        apply_changes(SERVICES, [{"kind": "extend_grant", "service_id": 1, "until": "soon"}])
    with pytest.raises(ScenarioError, match="unknown kind"):
        apply_changes(SERVICES, [{"kind": "demolish"}])


def test_funding_cliff_lists_services_ending_within_24_months():
    cliff = funding_cliff(SERVICES, today=TODAY, months=24)
    assert list(cliff["name"]) == ["Ashby Youth Club"]
    assert cliff_changes(SERVICES, today=TODAY) == [
        {"kind": "end_grant", "service_id": 1, "on": "2027-05-31"}]


def test_only_provision_of_a_kind_lost_when_its_grant_ends():
    lost = only_provision_lost(AREAS, SERVICES, threshold_min=30, today=TODAY)
    # Ashby and Dunmore lose their only open-access club; the Scouts (another kind) stay.
    assert sorted(lost["name"]) == ["Ashby", "Dunmore"]
    assert set(lost["service_type"]) == {"open_access"}
    assert lost.iloc[0]["ending"] == ["Ashby Youth Club"]
    # The ready-made scenario: ending every grant in the cliff.
    result = run(cliff_changes(SERVICES, today=TODAY))
    assert result.at_risk_before == 1 and result.at_risk_after == 0
    assert result.become_gaps == []  # the Scouts still reach Ashby and Dunmore


def test_subsidy_cost_for_the_most_deprived_deciles():
    # Colwall (decile 2, 80 young people) reaches Colwall Boxing at £3 a session, once a week.
    a = SubsidyAssumptions(deciles=(1, 2), mode="free", take_up=0.25, threshold_min=30)
    result = subsidy_cost(AREAS, SERVICES, a, service_ids=[2])
    monthly = 3.0 * 52 / 12
    assert result.eligible == pytest.approx(80)
    assert result.users == pytest.approx(15)   # 20 would come; capacity is 15
    assert result.annual_cost == pytest.approx(15 * monthly * 12)
    capped = subsidy_cost(AREAS, SERVICES, SubsidyAssumptions(mode="cap", cap_monthly=10,
                                                              take_up=0.1), service_ids=[2])
    assert capped.users == pytest.approx(8)
    assert capped.annual_cost == pytest.approx(8 * (monthly - 10) * 12)
    # Ashby's 100 young people reach two chosen services; each is counted once.
    both = subsidy_cost(AREAS, SERVICES, SubsidyAssumptions(deciles=(1,), take_up=1.0),
                        service_ids=[1, 3])
    assert both.eligible == pytest.approx(100)
    with pytest.raises(SubsidyError, match="take-up"):
        subsidy_cost(AREAS, SERVICES, SubsidyAssumptions(take_up=0))


def test_gap_scores_are_recomputed_for_the_scenario():
    after, cleaned = apply_changes(SERVICES, [
        {"kind": "add", "name": "Brook drop-in", "service_type": "drop_in", "building_id": 7,
         "sessions_per_week": 2}], buildings=BUILDINGS)
    result = compare(AREAS, SERVICES, after, threshold_min=30, changes=cleaned, today=TODAY,
                     gap_scores=True)
    first = result.gap_changes[0]
    assert first["name"] == "Brook"
    assert first["after"] < first["before"]          # a smaller gap
    assert first["rank_after"] > first["rank_before"]  # further down the list of gaps
    assert result.mean_gap_after < result.mean_gap_before
    assert "Brook" not in [g["name"] for g in run([]).stop_being_gaps]
