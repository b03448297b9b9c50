"""Gap analysis on hand-built geometry, with answers worked out by hand."""

from __future__ import annotations

import io
import warnings
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from app.analysis import (
    classify,
    compute_gaps,
    funding_at_risk,
    monthly_cost,
    pairs_within,
    reach,
    read_travel_matrix,
    travel_minutes,
    two_step_fca,
    voice_figures,
)
from app.analysis.travel import MatrixError


def square(cx, cy, half=500):
    return box(cx - half, cy - half, cx + half, cy + half)


@pytest.fixture
def areas():
    # Three 1 km squares: A at (1000, 1000), B 30 km east, C 20 km north.
    return gpd.GeoDataFrame(
        {
            "name": ["Alpha", "Bravo", "Charlie"],
            "young_people": [100, 50, 200],
            "imd_score": [10.0, 40.0, 25.0],
            "idaci": [0.05, 0.30, 0.15],
            "share_most_deprived_20": [0.0, 1.0, 0.0],
            "rural_share": [0.0, 1.0, 0.5],
        },
        geometry=[square(1000, 1000), square(31000, 1000), square(1000, 21000)],
        index=pd.Index(["A", "B", "C"], name="code"),
        crs="EPSG:27700",
    )


@pytest.fixture
def services():
    return pd.DataFrame([
        # Free drop-in 600 m north of A's centre, two evenings a week.
        {"id": 1, "name": "Alpha drop-in", "service_type": "drop_in", "x": 1000, "y": 1600,
         "cost_model": "free", "sessions_per_week": 2, "evening_weekend": 2, "capacity": 20,
         "funding_end": date(2027, 1, 31)},
        # Uniformed group 900 m north of C's centre, £20 a month.
        {"id": 2, "name": "Charlie scouts", "service_type": "uniformed", "uniformed": True,
         "x": 1000, "y": 21900, "cost_model": "monthly", "cost_amount": 20,
         "sessions_per_week": 1, "capacity": 30},
        # Closed club next to B: must not count.
        {"id": 3, "name": "Bravo old club", "service_type": "open_access", "x": 31000,
         "y": 1000, "status": "closed"},
    ])


def test_travel_minutes_follow_documented_speeds(areas, services):
    m = travel_minutes(areas, services[["x", "y"]], mode="walk")
    # 600 m x 1.3 circuity at 80 m a minute (4.8 km/h).
    assert m.loc["A", 0] == pytest.approx(9.75)
    assert m.loc["C", 1] == pytest.approx(900 * 1.3 / 80)
    bus = travel_minutes(areas, services[["x", "y"]], mode="bus")
    assert bus.loc["A", 0] == pytest.approx(600 * 1.3 / 300)


def test_matrix_overrides_estimate(areas, services):
    matrix = pd.DataFrame({"from_code": ["A"], "to_id": ["0"], "minutes": [55.0]})
    m = travel_minutes(areas, services[["x", "y"]], mode="walk", matrix=matrix)
    assert m.loc["A", 0] == 55.0
    p = pairs_within([[1000, 1000]], [[1000, 1600]], 15, mode="walk",
                     matrix=pd.DataFrame({"from_code": ["A"], "to_id": ["1"], "minutes": [55.0]}),
                     origin_codes=["A"], dest_ids=[1])
    assert len(p.i) == 0  # the routing engine says 55 minutes: not within 15


def test_reach_counts_by_filter(areas, services):
    r = reach(areas, services, threshold_min=15, mode="walk", max_monthly=25)
    assert r.loc["A", "all_services"] == 1 and r.loc["A", "all_sessions"] == 2
    assert r.loc["A", "free_services"] == 1 and r.loc["A", "open_access_services"] == 1
    assert r.loc["A", "evening_weekend_sessions"] == 2
    assert r.loc["B", "all_services"] == 0  # the only club near B is closed
    assert r.loc["C", "all_services"] == 1 and r.loc["C", "free_services"] == 0
    assert r.loc["C", "under_services"] == 1  # £20 <= £25
    assert r.loc["C", "not_uniformed_services"] == 0
    assert r.loc["A", "free_nearest_km"] == pytest.approx(0.6)
    assert np.isinf(r.loc["A", "evening_weekend_nearest_min"]) is np.False_
    tighter = reach(areas, services, threshold_min=15, mode="walk", max_monthly=10)
    assert tighter.loc["C", "under_services"] == 0


def test_two_step_fca_hand_worked(areas, services):
    gaps = compute_gaps(areas, services, threshold_min=15, mode="walk",
                        today=date(2026, 11, 25))
    # Drop-in: 20 places x 2 sessions = 40 / 100 young people in reach = 0.4
    assert gaps.loc["A", "places_per_1000"] == pytest.approx(400)
    assert gaps.loc["B", "places_per_1000"] == 0
    assert gaps.loc["C", "places_per_1000"] == pytest.approx(30 / 200 * 1000)


def test_two_step_fca_matches_pysal_access():
    access = pytest.importorskip("access")
    rng = np.random.default_rng(3)
    dem = rng.uniform(0, 10_000, size=(12, 2))
    sup = rng.uniform(0, 10_000, size=(5, 2))
    pop = rng.integers(50, 500, size=12).astype(float)
    cap = rng.integers(10, 60, size=5).astype(float)
    pairs = pairs_within(dem, sup, 20, mode="bus")
    ours = two_step_fca(pairs, pop, cap, per=1.0)
    cost = pd.DataFrame({"o": pairs.i, "d": pairs.j, "cost": pairs.minutes})
    with warnings.catch_warnings():  # access uses pandas' deprecated inplace=
        warnings.simplefilter("ignore")
        a = access.Access(demand_df=pd.DataFrame({"geoid": range(12), "pop": pop}),
                          demand_index="geoid", demand_value="pop",
                          supply_df=pd.DataFrame({"sid": range(5), "cap": cap}),
                          supply_index="sid", supply_value="cap",
                          cost_df=cost, cost_origin="o", cost_dest="d", cost_name="cost")
        theirs = a.two_stage_fca(name="t", max_cost=20, normalize=False)
    np.testing.assert_allclose(ours, theirs.iloc[:, 0].reindex(range(12)).fillna(0).to_numpy(),
                               rtol=1e-9)


def test_gap_rank_no_free_provision_is_a_gap(areas, services):
    gaps = compute_gaps(areas, services, threshold_min=15, mode="walk",
                        today=date(2026, 11, 25))
    # Reach: the share of young people who cannot reach free provision.
    # A's point is 600 m from a free drop-in -> 0; B and C have none -> 1.
    assert gaps.loc["A", "c_reach"] == 0.0
    assert gaps.loc["B", "c_reach"] == 1.0
    assert gaps.loc["A", "rank"] == 3
    assert gaps.loc["B", "rank"] == 1
    only_reach = compute_gaps(areas, services, threshold_min=15, mode="walk",
                              weights={k: 0 for k in ("deprivation", "rurality", "provision",
                                                      "voice", "funding")})
    assert only_reach.loc["A", "gap_score"] == 0.0
    assert only_reach.loc["B", "gap_score"] == pytest.approx(100)
    assert list(only_reach["rank"]) == [3, 1, 1]


def test_weights_change_the_order(areas, services):
    # Weight only provision: C (150 places) beats B (0)? No: B is worst, A best.
    w = {"deprivation": 0, "rurality": 0, "reach": 0, "voice": 0, "funding": 0}
    g = compute_gaps(areas, services, threshold_min=15, mode="walk",
                     weights={**w, "provision": 1})
    assert g.sort_values("rank").index.tolist() == ["B", "C", "A"]
    g = compute_gaps(areas, services, threshold_min=15, mode="walk",
                     weights={**w, "provision": 0, "deprivation": 1})
    assert g.sort_values("rank").index.tolist() == ["B", "C", "A"]
    with pytest.raises(ValueError, match="at least one"):
        compute_gaps(areas, services, weights={k: 0 for k in
                                               ("deprivation", "rurality", "reach",
                                                "provision", "voice", "funding")})
    with pytest.raises(ValueError, match="unknown gap-score weight"):
        compute_gaps(areas, services, weights={"bananas": 1})


def test_funding_at_risk_windows(services):
    risk = funding_at_risk(services, today=date(2026, 11, 25))
    assert list(risk["id"]) == [1]
    row = risk.iloc[0]
    assert bool(row["within_6"]) and bool(row["within_24"])  # ends in about 2 months

def test_funding_at_risk_windows_months():
    svc = pd.DataFrame([
        {"id": 1, "name": "Soon", "x": 0, "y": 0, "funding_end": date(2027, 1, 31)},
        {"id": 2, "name": "Later", "x": 0, "y": 0, "funding_end": date(2027, 9, 1)},
        {"id": 3, "name": "Much later", "x": 0, "y": 0, "funding_end": date(2028, 6, 1)},
        {"id": 4, "name": "Beyond", "x": 0, "y": 0, "funding_end": date(2030, 1, 1)},
        {"id": 5, "name": "Unknown", "x": 0, "y": 0},
    ])
    risk = funding_at_risk(svc, today=date(2026, 11, 25)).set_index("id")
    assert list(risk.index) == [1, 2, 3]
    assert risk["within_6"].tolist() == [True, False, False]
    assert risk["within_12"].tolist() == [True, True, False]
    assert risk["within_24"].tolist() == [True, True, True]
    assert risk.loc[1, "days_left"] == 67


def test_voice_counts_each_barrier_once_per_response():
    rows = []
    for n in range(10):
        rows.append({"response_id": n, "area_code": "A", "question_id": "barriers",
                     "value": "too_expensive"})
        if n < 3:
            rows.append({"response_id": n, "area_code": "A", "question_id": "barriers",
                         "value": "cost_of_bus"})  # counted once as cost (first match)
            rows.append({"response_id": n, "area_code": "A", "question_id": "barriers",
                         "value": "no_bus"})
    rows.append({"response_id": 99, "area_code": "B", "question_id": "age", "value": "14"})
    v = voice_figures(pd.DataFrame(rows), index=["A", "B", "C"])
    assert v.loc["A"].tolist() == [10, 10, 3, 0, 10]
    assert v.loc["B"].tolist() == [1, 0, 0, 0, 0]
    assert v.loc["C"].tolist() == [0, 0, 0, 0, 0]
    assert voice_figures(None, index=["A"]).loc["A"].tolist() == [0, 0, 0, 0, 0]


def test_voice_component_leaves_out_areas_with_too_few_answers(areas, services):
    rows = [{"response_id": n, "area_code": "A", "question_id": "barriers",
             "value": "nothing_near" if n < 3 else "other"} for n in range(12)]
    rows += [{"response_id": 100 + n, "area_code": "B", "question_id": "barriers",
              "value": "cost"} for n in range(4)]
    gaps = compute_gaps(areas, services, responses=pd.DataFrame(rows), threshold_min=15,
                        mode="walk")
    assert gaps.loc["A", "responses"] == 12 and gaps.loc["A", "cites_nothing_near"] == 3
    assert gaps.loc["A", "c_voice"] == pytest.approx(0.25)
    assert np.isnan(gaps.loc["B", "c_voice"])  # 4 responses: too few to use


def test_monthly_cost_models():
    assert monthly_cost("free", 5) == 0
    assert monthly_cost("per_session", 2, sessions_per_week=2) == pytest.approx(2 * 2 * 52 / 12)
    assert monthly_cost("weekly", 3) == pytest.approx(13)
    assert monthly_cost("termly", 40) == pytest.approx(10)
    assert monthly_cost("yearly", 120) == pytest.approx(10)
    with pytest.raises(ValueError):
        monthly_cost("daily", 1)


def test_read_travel_matrix_names_row_and_column():
    ok = read_travel_matrix(io.StringIO(
        "from_code,to_kind,to_id,minutes,mode\nE01,service,4,12.5,bus\n"), name="t.csv")
    assert ok.iloc[0].tolist() == ["E01", "service", "4", "bus", 12.5]
    with pytest.raises(MatrixError, match=r"t.csv: row 3, column minutes"):
        read_travel_matrix(io.StringIO(
            "from_code,to_kind,to_id,minutes,mode\nE01,service,4,12,bus\nE02,service,4,soon,bus\n"),
            name="t.csv")
    with pytest.raises(MatrixError, match="lacks column"):
        read_travel_matrix(io.StringIO("a,b\n1,2\n"), name="t.csv")
    with pytest.raises(MatrixError, match="row 2, column to_kind"):
        read_travel_matrix(io.StringIO("from_code,to_kind,to_id,minutes\nE1,shop,1,3\n"),
                           name="t.csv", default_mode="bus")


def test_classify_quantiles_labels_and_colours():
    c = classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, None, float("nan")], k=5)
    assert c.bins == pytest.approx([2.8, 4.6, 6.4, 8.2, 10])
    assert c.labels[0] == "1.0 to 2.8" and c.labels[-1] == "over 8.2 to 10.0"
    assert c.classes[:3] == [0, 0, 1] and c.classes[-2:] == [None, None]
    assert c.value_colours[0] == "#ffffb2" and c.value_colours[9] == "#bd0026"
    assert c.legend()[-1] == ("#bdbdbd", "No data or suppressed")
    low = classify([0, 10, 20, 30, 40, 50], k=3, worse="low")
    assert low.value_colours[0] == "#f03b20"  # least provision is red
    one = classify([5, 5, 5])
    assert one.labels == ["5 to 5"] and len(one.colours) == 1
    with pytest.raises(ValueError):
        classify([1, 2], scheme="random")


def test_barrier_options_of_the_real_survey_are_recognised():
    from pathlib import Path

    import yaml

    from app.analysis.voice import BARRIER_QUESTIONS, barrier_kind

    path = Path(__file__).resolve().parents[2] / "surveys" / "youth-voice.yaml"
    if not path.exists():
        pytest.skip("survey definition not present")
    questions = yaml.safe_load(path.read_text())["questions"]
    barriers = [q for q in questions if q["id"] in BARRIER_QUESTIONS]
    assert barriers, "the survey has no barrier question the gap analysis knows"
    kinds = {o["value"]: barrier_kind(o["value"]) for o in barriers[0]["options"]}
    assert kinds.pop("cost") == "cost"
    assert kinds.pop("transport") == "transport"
    assert kinds.pop("nothing_near") == "nothing_near"
    assert set(kinds.values()) == {None}, kinds


def test_written_summary(areas, services):
    from app.analysis import summary

    gaps = compute_gaps(areas, services, threshold_min=15, mode="walk", reach_filter="under",
                        max_monthly=25)
    lines = summary(gaps, figure="places_per_1000", n=2)
    assert lines[0] == "The 2 areas with the biggest gap score are Bravo, Charlie."
    assert lines[1] == "1 of 3 areas have no provision (under £25 a month) within 15 minutes on foot."
    assert lines[2].endswith("the 2 areas most in need are Bravo, Charlie.")


def test_published_ranks_are_shared_by_equal_scores():
    from app.analysis.gaps import rank_label, rank_published

    scores = pd.Series([70.0, 80.0, 80.0, None, 10.0], index=["c", "b", "a", "d", "e"])
    ranks = rank_published(scores)
    assert ranks.tolist() == [3, 1, 1, pd.NA, 4]
    assert [rank_label(r, ranks) for r in ranks] == ["3", "=1", "=1", "–", "4"]
