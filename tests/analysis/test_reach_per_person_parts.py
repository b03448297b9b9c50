"""The pieces of per-person reach checked by hand: whole-number parts that add up,
and matching the analysis's points to a run's."""

from __future__ import annotations

import numpy as np

from app.analysis.journey_figures import match_points, whole_parts


def test_whole_parts_add_up_to_the_rounded_whole():
    # Rounded one by one, 33.4 + 33.4 + 33.2 = 100 would show 33 + 33 + 33 = 99, and
    # 0.5 + 0.5 + 1.0 = 2 would show 0 + 0 + 1 (round half to even) = 1.
    got = whole_parts(np.array([[33.4, 33.4, 33.2], [0.5, 0.5, 1.0], [166.0, 0.0, 0.0],
                                [10.6, 20.6, 0.3]]))
    assert got.tolist() == [[34, 33, 33], [1, 0, 1], [166, 0, 0], [11, 21, 0]]
    assert (got.sum(axis=1) == [100, 2, 166, 32]).all()  # 31.5 rounds to 32


def test_points_take_the_run_point_at_their_place_else_the_nearest_in_their_lsoa():
    run_xy = np.array([[0.0, 0.0], [100.0, 0.0], [5_000.0, 0.0]])
    run_lsoa = np.array(["A", "A", "B"])
    xy = np.array([[100.0, 0.0], [0.2, 0.1], [3_000.0, 0.0], [3_000.0, 10.0]])
    rows, moved = match_points(run_xy, run_lsoa, xy, np.array(["A", "A", "A", "C"]))
    # the third is 2.9 km from A's nearest but 2 km from B's: it keeps to its own LSOA;
    # the fourth's LSOA has no run point: the nearest overall.
    assert rows.tolist() == [1, 0, 1, 2]
    assert moved == 2
