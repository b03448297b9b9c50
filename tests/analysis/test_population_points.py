"""Reach measured where young people live, and scores that missing data cannot raise."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from app.analysis import compute_gaps
from app.analysis.population import assign_points, population_points
from app.analysis.reach_points import group_quantiles
from app.analysis.travel import radius_for

BNG = "EPSG:27700"
# A 20 km x 10 km area: a town in its west end (a free club in the middle of
# it) and open country in its east end.
AREA = box(0, 0, 20000, 10000)
CLUB = (2000.0, 5000.0)


def town_and_country():
    rng = np.random.default_rng(7)
    town = np.column_stack([rng.uniform(1000, 3000, 60), rng.uniform(4000, 6000, 60)])
    country = np.column_stack([rng.uniform(14000, 19500, 60), rng.uniform(500, 9500, 60)])
    xy = np.vstack([town, country])
    postcodes = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "lsoa_code": "L1"})
    lsoas = gpd.GeoDataFrame({"young_people": [240.0]}, geometry=[AREA], crs=BNG,
                             index=pd.Index(["L1"], name="code"))
    areas = gpd.GeoDataFrame({"name": ["Town and country"], "young_people": [240.0],
                              "rural_share": [0.5], "imd_score": [20.0]},
                             geometry=[AREA], crs=BNG, index=pd.Index(["L1"], name="code"))
    services = pd.DataFrame([{"id": 1, "name": "Town club", "x": CLUB[0], "y": CLUB[1],
                              "cost_model": "free", "sessions_per_week": 2}])
    return lsoas, postcodes, areas, services


def test_half_town_half_country_shows_half_reached():
    lsoas, postcodes, areas, services = town_and_country()
    points = population_points(lsoas, postcodes)
    assert len(points) == 120 and points["young_people"].sum() == pytest.approx(240)
    gaps = compute_gaps(areas, services, threshold_min=15, mode="cycle", points=points)
    row = gaps.loc["L1"]
    # Independent: straight-line distance from every postcode to the club.
    d = np.hypot(postcodes["x"] - CLUB[0], postcodes["y"] - CLUB[1])
    within = d <= radius_for(15, "cycle")
    assert within.sum() == 60  # the town, and only the town, is within 15 minutes
    assert row["reach_share"] == pytest.approx(0.5)
    assert row["reached"] == pytest.approx(120) and row["unreached"] == pytest.approx(120)
    assert row["c_reach"] == pytest.approx(0.5)
    minutes = np.sort(d * 1.3 / (16_000 / 60))
    assert row["nearest_median"] == pytest.approx(minutes[59])  # the 60th of 120 young people
    assert row["nearest_p90"] == pytest.approx(minutes[107])  # the 108th
    # One point per area (the polygon's centre, in the fields) says nobody is reached.
    one_point = compute_gaps(areas, services, threshold_min=15, mode="cycle")
    assert one_point.loc["L1", "reach_share"] == 0.0


def test_household_counts_weight_the_points_and_empty_lsoas_keep_a_centroid():
    lsoas = gpd.GeoDataFrame({"young_people": [100.0, 30.0]},
                             geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
                             crs=BNG, index=pd.Index(["A", "B"]))
    postcodes = pd.DataFrame({"x": [100.0, 900.0], "y": [500.0, 500.0], "lsoa_code": ["A", "A"],
                              "households": [10, 30]})
    points = population_points(lsoas, postcodes)
    a = points[points["lsoa"] == "A"].sort_values("x")
    assert list(a["young_people"]) == pytest.approx([25.0, 75.0])
    b = points[points["lsoa"] == "B"]
    assert len(b) == 1 and b["kind"].iloc[0] == "centroid" and b["young_people"].iloc[0] == 30
    assert box(1000, 0, 2000, 1000).contains(gpd.points_from_xy(b["x"], b["y"])[0])


def test_points_find_their_area_and_gaps_in_boundaries_snap_to_the_nearest():
    areas = gpd.GeoDataFrame({"name": ["W", "E"]},
                             geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
                             crs=BNG, index=pd.Index(["W", "E"]))
    pts = pd.DataFrame({"x": [500.0, 1500.0, 2300.0, 9000.0], "y": [500.0] * 4,
                        "lsoa": ["x"] * 4})
    assert list(assign_points(pts, areas)) == [0, 1, 1, -1]


def test_weighted_quantiles_are_the_young_person_at_that_share():
    group = np.array([0, 0, 0, 1, 1, -1])
    values = np.array([10.0, 30.0, 20.0, 5.0, 7.0, 99.0])
    weights = np.array([1.0, 1.0, 8.0, 0.0, 0.0, 5.0])
    median, p90 = group_quantiles(group, values, weights, 3)
    assert median[0] == 20.0 and p90[0] == 20.0  # 8 of 10 young people are at 20
    assert median[1] == 5.0 and p90[1] == 7.0  # no population: the points count equally
    assert np.isnan(median[2])


def test_ward_share_is_the_weighted_mean_of_its_lsoa_pieces():
    # Two LSOAs side by side; a ward takes LSOA A and the west half of B.
    lsoas = gpd.GeoDataFrame({"young_people": [100.0, 100.0]},
                             geometry=[box(0, 0, 10000, 10000), box(10000, 0, 20000, 10000)],
                             crs=BNG, index=pd.Index(["A", "B"]))
    rng = np.random.default_rng(3)
    xy = np.column_stack([rng.uniform(0, 20000, 400), rng.uniform(0, 10000, 400)])
    postcodes = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1],
                              "lsoa_code": np.where(xy[:, 0] < 10000, "A", "B")})
    points = population_points(lsoas, postcodes)
    wards = gpd.GeoDataFrame({"name": ["West", "East"]},
                             geometry=[box(0, 0, 15000, 10000), box(15000, 0, 20000, 10000)],
                             crs=BNG, index=pd.Index(["W1", "W2"]))
    services = pd.DataFrame([{"id": 1, "x": 14000.0, "y": 5000.0, "cost_model": "free"}])
    ward = compute_gaps(wards, services, threshold_min=30, mode="cycle", points=points)
    lsoa = compute_gaps(lsoas.assign(name=["A", "B"]), services, threshold_min=30,
                        mode="cycle", points=points)
    assert ward["young_people"].sum() == pytest.approx(200)
    assert ward["reached"].sum() == pytest.approx(lsoa["reached"].sum())
    # Pieces: LSOA x ward, reached share of each, weighted by its young people.
    in_west = points["x"] < 15000
    reached = np.hypot(points["x"] - 14000, points["y"] - 5000) <= radius_for(30, "cycle")
    pieces = pd.DataFrame({"ward": np.where(in_west, "W1", "W2"), "lsoa": points["lsoa"],
                           "young": points["young_people"], "hit": reached})
    piece = pieces.groupby(["ward", "lsoa"]).apply(
        lambda g: pd.Series({"young": g["young"].sum(), "share": g["hit"].mean()}),
        include_groups=False)
    for code in ("W1", "W2"):
        p = piece.loc[code]
        expected = (p["share"] * p["young"]).sum() / p["young"].sum()
        assert ward.loc[code, "reach_share"] == pytest.approx(expected)
    assert 0.2 < ward.loc["W1", "reach_share"] < 0.9  # a real mix, not all or nothing


def _two_areas(**changes):
    base = {"name": ["Known", "Gap"], "young_people": [100.0, 100.0],
            "idaci": [0.2, 0.2], "rural_share": [0.8, 0.8], "imd_score": [20.0, 20.0]}
    base.update(changes)
    return gpd.GeoDataFrame(base, geometry=[box(0, 0, 1000, 1000), box(0, 5000, 1000, 6000)],
                            crs=BNG, index=pd.Index(["K", "G"]))


NO_SERVICES = pd.DataFrame(columns=["id", "x", "y"])


def test_a_missing_input_marks_the_area_incomplete_and_cannot_raise_it():
    areas = _two_areas(rural_share=[0.05, np.nan])
    gaps = compute_gaps(areas, NO_SERVICES, threshold_min=30)
    assert bool(gaps.loc["K", "complete"]) and not bool(gaps.loc["G", "complete"])
    assert gaps.loc["G", "missing"] == "rurality" and gaps.loc["K", "missing"] == ""
    # Independent: the missing part counted as no gap (lower bound) and as the
    # biggest gap (upper bound); weights 1, 0.5, 1.5, 1, voice out, 0.5.
    w = {"deprivation": 1.0, "rurality": 0.5, "reach": 1.5, "provision": 1.0, "funding": 0.5}
    # Equal IDACI and no provision anywhere: both tie, percentile 0.5.
    comp = {"deprivation": 0.5, "reach": 1.0, "provision": 0.5, "funding": 0.0}
    total = sum(w.values())
    low = 100 * sum(w[k] * comp[k] for k in comp) / total
    assert gaps.loc["G", "gap_score"] == pytest.approx(low)
    assert gaps.loc["G", "gap_score_max"] == pytest.approx(low + 100 * 0.5 / total)
    # Known is a little rural, so it is the bigger gap: the unknown part does not lift G.
    assert gaps.loc["K", "rank"] == 1 and gaps.loc["G", "rank"] == 2


def test_suppressed_idaci_uses_the_official_rank_else_incomplete():
    # The approximate rate is suppressed for G, the official rank is not.
    areas = _two_areas(idaci=[0.2, np.nan], idaci_rank_pct=[0.3, 0.9])
    gaps = compute_gaps(areas, NO_SERVICES, threshold_min=30)
    assert gaps.attrs["deprivation_measure"] == "idaci_rank_pct"
    assert gaps["complete"].all()
    assert gaps.loc["G", "c_deprivation"] == 1.0 and gaps.loc["K", "c_deprivation"] == 0.0
    # No ranks in the file: the area without a rate is incomplete, not "least deprived".
    gaps = compute_gaps(_two_areas(idaci=[0.2, np.nan]), NO_SERVICES, threshold_min=30)
    assert gaps.attrs["deprivation_measure"] == "idaci"
    assert not bool(gaps.loc["G", "complete"]) and gaps.loc["G", "missing"] == "deprivation"
    assert gaps.loc["G", "gap_score"] <= gaps.loc["K", "gap_score"]
