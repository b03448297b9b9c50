"""Each step of the gap analysis on a tiny county worked out by hand.

Two areas on a straight road (eastings in metres), walking at 4.8 km/h (80 m a
minute) with no road circuity, so minutes are metres / 80:

- area A at (0, 0), 100 young people; area B at (10000, 0), 50 young people;
- service 1 at (800, 0): 10 min from A; free; capacity 10 x 2 sessions = 20 places;
  funding ends in 3 months;
- service 2 at (1600, 0): 20 min from A; £15 a month; capacity 20 x 1 = 20 places;
  no end date;
- service 3 at (10000, 1200): 15 min from B; free; capacity 10 x 4 = 40 places;
  funding ends in 18 months.

Every service is over 100 minutes from the other area, so with a 30-minute threshold
A reaches 1 and 2, B reaches 3.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from app.analysis.frame_contracts import AREAS, FrameContractError, check_columns
from app.analysis.gap_steps import (
    funding_step,
    provision_step,
    reach_step,
    score_step,
    travel_step,
    voice_step,
)
from app.analysis.gaps import compute_gaps
from app.analysis.services import active, located, services_frame

# compute_gaps keeps only the services active today (funding not lapsed), so the end
# dates are counted from today.
TODAY = date.today()
IN_3_MONTHS = (pd.Timestamp(TODAY) + pd.DateOffset(months=3)).date()
IN_18_MONTHS = (pd.Timestamp(TODAY) + pd.DateOffset(months=18)).date()


def _areas() -> pd.DataFrame:
    return pd.DataFrame({"name": ["Aton", "Beeby"], "young_people": [100.0, 50.0],
                         "origin_x": [0.0, 10000.0], "origin_y": [0.0, 0.0]},
                        index=pd.Index(["A", "B"], name="code"))


def _services() -> pd.DataFrame:
    return pd.DataFrame([
        {"id": 1, "x": 800.0, "y": 0.0, "capacity": 10, "sessions_per_week": 2,
         "cost_model": "free", "funding_end": IN_3_MONTHS},
        {"id": 2, "x": 1600.0, "y": 0.0, "capacity": 20, "sessions_per_week": 1,
         "cost_model": "monthly", "cost_amount": 15.0, "funding_end": None},
        {"id": 3, "x": 10000.0, "y": 1200.0, "capacity": 10, "sessions_per_week": 4,
         "cost_model": "free", "funding_end": IN_18_MONTHS},
    ])


def _travel():
    areas = _areas()
    svc = located(active(services_frame(_services()), TODAY))
    travel = travel_step(areas, svc, points=None, keys=["all", "free"], threshold_min=30,
                         mode="walk", circuity=1.0, matrix=None, max_monthly=10.0,
                         journeys=None)
    return travel, svc


def test_reach_step_counts_what_each_area_reaches():
    travel, svc = _travel()
    cols = reach_step(travel, svc, ["all", "free"], "free", "walk")
    assert list(cols["all_services"]) == [2, 1]
    assert list(cols["all_sessions"]) == [3.0, 4.0]      # A: 2 + 1, B: 4
    assert list(cols["free_services"]) == [1, 1]         # service 2 costs £15 > £10
    assert list(cols["free_sessions"]) == [2.0, 4.0]
    assert cols["all_nearest_km"] == pytest.approx([0.8, 1.2])
    assert cols["all_nearest_min"] == pytest.approx([10.0, 15.0])
    assert cols["reach_ids"] == [[1, 2], [3]]
    assert list(cols["reach_share"]) == [1.0, 1.0]


def test_reach_step_threshold_leaves_the_far_service_out():
    areas = _areas()
    svc = located(active(services_frame(_services()), TODAY))
    travel = travel_step(areas, svc, points=None, keys=["all"], threshold_min=12,
                         mode="walk", circuity=1.0, matrix=None, max_monthly=10.0,
                         journeys=None)
    cols = reach_step(travel, svc, ["all"], "all", "walk")
    # 12 minutes: A reaches service 1 only (10 min); B nothing (15 min).
    assert list(cols["all_services"]) == [1, 0]
    assert cols["reach_ids"] == [[1], []]
    assert list(cols["reach_share"]) == [1.0, 0.0]
    assert list(cols["unreached"]) == [0.0, 50.0]


def test_provision_step_is_two_step_floating_catchment():
    travel, svc = _travel()
    places = provision_step(travel, svc, np.array([100.0, 50.0]))
    # Each service's places over the young people in its catchment, summed per area:
    # A: 20/100 + 20/100 = 0.4 a person = 400 per 1,000; B: 40/50 = 0.8 = 800.
    assert places == pytest.approx([400.0, 800.0])
    # No young people: no figure.
    assert np.isnan(provision_step(travel, svc, np.array([0.0, 50.0]))[0])


def test_funding_step_counts_reachable_sessions_losing_funding():
    travel, svc = _travel()
    cols = funding_step(travel, svc, TODAY)
    # Service 1 (2 sessions, A) ends in 3 months, service 3 (4 sessions, B) in 18.
    assert list(cols["at_risk_6_sessions"]) == [2.0, 0.0]
    assert list(cols["at_risk_12_sessions"]) == [2.0, 0.0]
    assert list(cols["at_risk_24_sessions"]) == [2.0, 4.0]


def test_voice_step_shares_of_published_counts():
    published = pd.DataFrame(
        {"responses": [20, None], "cites_cost": [5, None], "cites_transport": [None, None],
         "cites_nothing_near": [10, None], "cites_any": [15, None]},
        index=["A", "B"], dtype="object")
    cols, resp = voice_step(pd.Index(["A", "B"]), published=published, responses=None)
    assert list(cols["responses"]) == [20, None]
    assert list(cols["share_cost"]) == [0.25, None]        # 5 / 20
    assert list(cols["share_any"]) == [0.75, None]         # 15 / 20
    assert list(cols["share_transport"]) == [None, None]   # suppressed count: no share
    assert resp[0] == 20 and np.isnan(resp[1])


def test_score_step_weighted_mean_and_shared_ranks():
    out = pd.DataFrame({
        "idaci": [0.1, 0.2, 0.3], "rural_share": [1.0, 0.0, 0.5],
        "reach_share": [0.5, 0.0, 1.0], "places_per_1000": [10.0, 20.0, 30.0],
        "share_any": [None, None, None], "all_sessions": [4.0, 0.0, 2.0],
        "at_risk_12_sessions": [2.0, 0.0, 2.0]}, index=["A", "B", "C"])
    weights = {"deprivation": 0.0, "rurality": 1.0, "reach": 1.0, "provision": 0.0,
               "voice": 0.0, "funding": 1.0}
    score_step(out, weights, young=np.array([10.0, 10.0, 10.0]),
               responses=np.array([0.0, 0.0, 0.0]), min_responses=1, published=True,
               whole=False)
    # A: (1 + (1 - 0.5) + 2/4) / 3 = 2/3 -> 67; B: (0 + 1 + 0) / 3 -> 33;
    # C: (0.5 + 0 + 1) / 3 = 1/2 -> 50.
    assert list(out["gap_score"]) == [67.0, 33.0, 50.0]
    assert list(out["rank"]) == [1, 3, 2]
    # Equal published scores share a rank; the next rank is skipped.
    out2 = out.copy()
    out2["rural_share"] = [1.0, 1.0, 0.5]     # B: (1 + 1 + 0) / 3 -> 67, as A
    score_step(out2, weights, young=np.array([10.0, 10.0, 10.0]),
               responses=np.array([0.0, 0.0, 0.0]), min_responses=1, published=True,
               whole=False)
    assert list(out2["gap_score"]) == [67.0, 67.0, 50.0]
    assert list(out2["rank"]) == [1, 1, 3]


def test_compute_gaps_runs_the_steps_on_the_tiny_county():
    gaps = compute_gaps(_areas(), _services(), mode="walk", circuity=1.0, threshold_min=30,
                        filters=["all", "free"], today=TODAY)
    assert gaps.loc["A", "all_services"] == 2 and gaps.loc["B", "all_services"] == 1
    assert gaps["places_per_1000"].tolist() == pytest.approx([400.0, 800.0])
    assert gaps["at_risk_24_sessions"].tolist() == [2.0, 4.0]


def test_contract_names_the_missing_column():
    areas = _areas().drop(columns=["origin_x"])
    with pytest.raises(FrameContractError, match="areas: missing column 'geometry'"):
        check_columns(areas, AREAS)
    with pytest.raises(FrameContractError, match="areas: missing column 'geometry'"):
        compute_gaps(areas, _services())


def test_contract_names_a_column_of_the_wrong_kind():
    areas = _areas()
    areas["rural_share"] = ["high", "low"]
    with pytest.raises(FrameContractError, match="column 'rural_share' holds 'high', not a number"):
        compute_gaps(areas, _services())
    services = _services()
    services["capacity"] = ["ten", 20, 10]
    with pytest.raises(FrameContractError, match="services: column 'capacity' holds 'ten'"):
        compute_gaps(_areas(), services)
    twice = pd.concat([_areas(), _areas()])
    with pytest.raises(FrameContractError, match="areas: the index holds 'A' twice"):
        compute_gaps(twice, _services())
