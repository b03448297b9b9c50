"""The site chooser (MCLP): exact answer equals brute force; greedy and its bound are honest."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app.analysis.siting import (
    SitingError,
    choose_sites,
    coverage_matrix,
    covered_value,
    demand_weights,
    deprivation_weight,
    rank_candidates,
    solve_greedy,
    solve_optimal,
)


def brute_force(cover, weights, k):
    best, best_set = -1.0, None
    for combo in itertools.combinations(range(cover.shape[1]), k):
        v = covered_value(cover, weights, combo)
        if v > best:
            best, best_set = v, combo
    return best, best_set


# A hand-built county: 8 villages on a line, 5 candidate halls.  Travel minutes
# from village i to hall j; threshold 20 minutes.
MINUTES = np.array([
    # A   B   C   D   E
    [10, 45, 60, 90, 15],   # v0
    [15, 30, 50, 80, 18],   # v1
    [40, 12, 35, 70, 50],   # v2
    [55, 18, 20, 60, 60],   # v3
    [70, 40, 10, 40, 75],   # v4
    [85, 60, 19, 25, 90],   # v5
    [95, 70, 45, 10, 95],   # v6
    [99, 80, 55, 15, 99],   # v7
], dtype=float)
YOUNG = [120, 80, 200, 60, 150, 90, 40, 300]
DECILES = [1, 5, 2, 9, 3, 10, None, 8]
REACHED = [False, False, False, False, True, False, False, False]  # v4 has a club today


def test_deprivation_weight_runs_from_two_to_one():
    assert deprivation_weight(1) == 2.0
    assert deprivation_weight(10) == 1.0
    assert deprivation_weight(None) == 1.0
    assert 1.0 < deprivation_weight(5) < 2.0
    assert deprivation_weight(3) > deprivation_weight(4)


def test_demand_already_reached_counts_for_nothing():
    w = demand_weights(YOUNG, DECILES, REACHED)
    assert w[4] == 0.0
    assert w[0] == pytest.approx(240.0)       # decile 1 doubles
    assert w[6] == pytest.approx(40.0)        # unknown decile: plain count
    with pytest.raises(SitingError):
        demand_weights([1, 2], [1], [False, False])


def test_coverage_matrix_threshold_is_inclusive_and_nan_is_out():
    m = np.array([[20.0, 20.1, np.nan]])
    assert coverage_matrix(m, 20).tolist() == [[True, False, False]]
    with pytest.raises(SitingError):
        coverage_matrix(m, 0)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_optimal_equals_brute_force_on_hand_built_case(k):
    cover = coverage_matrix(MINUTES, 20)
    w = demand_weights(YOUNG, DECILES, REACHED)
    best, best_set = brute_force(cover, w, k)
    result = solve_optimal(cover, w, k)
    assert result.proven_optimal
    assert result.value == pytest.approx(best)
    assert covered_value(cover, w, result.chosen) == pytest.approx(best)
    assert len(result.chosen) <= k
    # The known answer for k=2, worked out by hand: halls B (v2, v3) and D (v6, v7).
    if k == 2:
        assert sorted(result.chosen) == sorted(best_set) == [1, 3]


def test_greedy_can_miss_the_optimum_and_says_so():
    # Classic trap: one big site overlapping two smaller ones that together beat it.
    cover = np.array([
        [1, 1, 0],
        [1, 1, 0],
        [1, 0, 1],
        [1, 0, 1],
        [0, 1, 0],
        [0, 0, 1],
    ], dtype=bool)
    w = np.array([10, 10, 10, 10, 9, 9], dtype=float)
    greedy = solve_greedy(cover, w, 2)
    assert greedy.chosen[0] == 0          # takes the big one first
    assert greedy.value == pytest.approx(49)
    best, best_set = brute_force(cover, w, 2)
    assert best == pytest.approx(58) and set(best_set) == {1, 2}
    assert greedy.upper_bound >= best     # a bound that is really a bound
    result = choose_sites(cover, w, 2)
    assert result.optimal.proven_optimal
    assert result.best.value == pytest.approx(58)
    assert sorted(result.best.chosen) == [1, 2]
    assert result.gap_is_exact
    assert result.greedy_gap == pytest.approx((58 - 49) / 58)


def test_greedy_bound_holds_on_random_cases():
    rng = np.random.default_rng(7)
    for _ in range(30):
        cover = rng.random((12, 7)) < 0.3
        w = rng.integers(0, 50, 12).astype(float)
        k = int(rng.integers(1, 4))
        best, _ = brute_force(cover, w, k)
        greedy = solve_greedy(cover, w, k)
        assert greedy.value <= best + 1e-9
        assert greedy.upper_bound >= best - 1e-9
        assert solve_optimal(cover, w, k).value == pytest.approx(best)


def test_greedy_only_for_large_cases_reports_bound_gap():
    cover = coverage_matrix(MINUTES, 20)
    w = demand_weights(YOUNG, DECILES, REACHED)
    result = choose_sites(cover, w, 2, method="greedy")
    assert result.optimal is None
    assert not result.gap_is_exact
    assert result.best is result.greedy
    assert 0.0 <= result.greedy_gap < 1.0


def test_nothing_left_to_reach_chooses_nothing():
    cover = coverage_matrix(MINUTES, 20)
    w = demand_weights(YOUNG, DECILES, [True] * 8)
    result = choose_sites(cover, w, 2)
    assert result.best.value == 0.0
    assert result.best.chosen == []


def test_bad_k_is_refused():
    cover = coverage_matrix(MINUTES, 20)
    w = demand_weights(YOUNG, DECILES, REACHED)
    with pytest.raises(SitingError, match="whole number"):
        choose_sites(cover, w, 0)


def test_rank_candidates_lists_every_site_by_added_reach():
    cover = coverage_matrix(MINUTES, 20)
    w = demand_weights(YOUNG, DECILES, REACHED)
    ranked = rank_candidates(cover, w, YOUNG, chosen=[1, 3])
    assert [r["rank"] for r in ranked] == [1, 2, 3, 4, 5]
    assert sorted(r["index"] for r in ranked) == [0, 1, 2, 3, 4]
    assert [r["weighted"] for r in ranked] == sorted((r["weighted"] for r in ranked), reverse=True)
    hall_c = next(r for r in ranked if r["index"] == 2)
    # Hall C reaches v3, v4 (already reached: not counted) and v5.
    assert hall_c["people"] == 60 + 90
    assert hall_c["areas"] == 2
    assert {r["index"] for r in ranked if r["chosen"]} == {1, 3}


def test_a_solver_failure_falls_back_to_greedy_and_says_why(monkeypatch):
    import app.analysis.siting as siting

    def broken(*args, **kwargs):
        raise SitingError("the solver could not solve the site problem (Not Solved)")

    monkeypatch.setattr(siting, "solve_optimal", broken)
    cover = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1], [0, 1, 0], [0, 0, 1]],
                     dtype=bool)
    w = np.array([10, 10, 10, 10, 9, 9], dtype=float)
    result = choose_sites(cover, w, 2)
    assert result.optimal is None and result.best is result.greedy
    assert "could not finish" in result.note and "one at a time" in result.note
    big = choose_sites(cover, w, 2, cell_limit=4)
    assert big.optimal is None and "too large" in big.note
