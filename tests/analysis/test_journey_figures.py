"""Per-area figures from journeys: the youth-weighted median and the evening
counts, checked against direct calculations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.analysis.journey_figures import (
    area_matrix,
    evening_figures,
    scale_to_area,
    weighted_median,
)
from app.analysis.journeys import JourneyResult


def test_weighted_median_matches_a_direct_calculation():
    rng = np.random.default_rng(3)
    values = rng.uniform(0, 60, size=(40, 5)).astype(np.float32)
    values[rng.random(values.shape) < 0.2] = np.inf
    weights = rng.uniform(0.5, 20, size=40)
    groups = rng.integers(0, 6, size=40)
    got = weighted_median(values, weights, groups, 7)
    for g in range(7):
        rows = np.flatnonzero(groups == g)
        for c in range(5):
            if len(rows) == 0:
                assert np.isinf(got[g, c])
                continue
            pairs = sorted(zip(values[rows, c], weights[rows], strict=True))
            total, run = sum(w for _, w in pairs), 0.0
            median = None
            for v, w in pairs:
                run += w
                if run >= total / 2:
                    median = v
                    break
            assert got[g, c] == median


def sessions():
    # venue 0: Tuesday 19:00-21:00 (evening); venue 1: Saturday 10:00-12:00
    return pd.DataFrame({"venue": [0, 1], "day": [1, 5], "start_s": [19 * 3600, 10 * 3600],
                         "end_s": [21 * 3600, 12 * 3600]})


def test_evening_counts_per_area():
    inf = np.inf
    r = JourneyResult(threshold_min=90)
    # points: 0 bus both ways; 1 bus there, none home; 2 nothing by bus; 3 outside any area
    r.pt_there_min = np.array([[20, 10], [40, 10], [inf, 10], [inf, inf]], dtype=np.float32)
    r.pt_home_min = np.array([[25, 10], [inf, 10], [inf, 10], [inf, inf]], dtype=np.float32)
    r.network_minutes = {"drive": np.array([[5, 5], [12, 5], [45, 5], [5, 5]], np.float32)}
    youth = np.array([10.0, 20.0, 40.0, 80.0])
    area = np.array([0, 0, 1, -1])
    out = evening_figures(r, sessions(), 30, area, ["A", "B"], youth)
    # point 1 is "there" only within 40 > 30 min: it cannot get there within 30
    # (the three partition figures are disjoint and add up to the area's young people)
    assert out.loc["A"].to_dict() == {"youth": 30.0, "yp_evening_pt": 10.0,
                                      "yp_no_evening_pt": 20.0, "yp_no_way_home": 0.0,
                                      "yp_car_not_bus": 20.0}
    # at 45 minutes point 1 gets there but has no way home
    at45 = evening_figures(r, sessions(), 45, area, ["A", "B"], youth)
    assert at45.loc["A", "yp_no_way_home"] == 20.0 and at45.loc["A", "yp_no_evening_pt"] == 0
    # point 2: nothing by bus; car takes 45 > 30 minutes
    assert out.loc["B"].to_dict() == {"youth": 40.0, "yp_evening_pt": 0.0,
                                      "yp_no_evening_pt": 40.0,
                                      "yp_no_way_home": 0.0, "yp_car_not_bus": 0.0}
    # Scaled to the areas' census figures (A: 60 young people, so 2/3 of them)
    scaled = scale_to_area(out, pd.Series({"A": 60.0, "B": 35.0}))
    assert scaled.loc["A", "yp_no_evening_pt"] == 40.0
    assert scaled.loc["B"].tolist() == [35.0, 0.0, 0.0]


def test_bus_minutes_take_the_slower_leg_of_the_best_session():
    r = JourneyResult(threshold_min=90)
    s = pd.DataFrame({"venue": [0, 0, 1], "day": [1, 3, 1], "start_s": [68400] * 3,
                      "end_s": [75600] * 3})
    r.pt_there_min = np.array([[20, 50, 5]], dtype=np.float32)
    r.pt_home_min = np.array([[70, 30, np.inf]], dtype=np.float32)
    m = area_matrix(r, "bus", s, [101, 102], np.array([0]), ["A"], np.array([5.0]),
                    limit_min=90)
    assert m.set_index("to_id")["minutes"].to_dict() == {"101": 50.0, "102": np.inf}
