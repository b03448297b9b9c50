"""Table-level disclosure control: nothing hidden can be recovered from the totals."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.optimize import linprog

from app.disclosure import DisclosureRule
from app.survey.sdc import protect_line, protect_table

RULE = DisclosureRule()


def _published_ok(value):
    return value is None or value == 0 or (value > 7 and value % 5 == 0)


def _bounds_2d(matrix, table):
    """For every hidden value of the extended grid, the least and greatest value an
    attacker could give it, knowing every shown value EXACTLY (stricter than reality,
    where shown values are rounded) and that counts are never negative."""
    n, m = len(matrix), len(matrix[0])
    grid = [row + [sum(row)] for row in matrix]
    grid.append([sum(grid[i][j] for i in range(n)) for j in range(m + 1)])
    unknown = [(i, j) for i in range(n + 1) for j in range(m + 1) if table.hidden[i][j]]
    index = {c: k for k, c in enumerate(unknown)}
    rows, rhs = [], []

    def add_constraint(terms):  # sum(sign * cell) == 0
        coef = np.zeros(len(unknown))
        const = 0.0
        for sign, cell in terms:
            if cell in index:
                coef[index[cell]] += sign
            else:
                const += sign * grid[cell[0]][cell[1]]
        rows.append(coef)
        rhs.append(-const)

    for i in range(n + 1):
        add_constraint([(1, (i, j)) for j in range(m)] + [(-1, (i, m))])
    for j in range(m + 1):
        add_constraint([(1, (i, j)) for i in range(n)] + [(-1, (n, j))])
    out = {}
    for cell, k in index.items():
        c = np.zeros(len(unknown))
        c[k] = 1
        lo = linprog(c, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=(0, None))
        hi = linprog(-c, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=(0, None))
        out[cell] = (lo.fun, -hi.fun if hi.status == 0 else float("inf"))
    return out


def test_single_small_cell_in_a_line_gets_a_partner():
    line = protect_line([40, 3, 22, 60], RULE)
    # 3 is hidden; 22 (the next smallest) is hidden too, so 125 - 40 - 60 = 3 + 22 only.
    assert line.cells == [40, None, None, 60]
    assert line.total == 125
    assert line.secondary == {2}


def test_line_with_nothing_small_is_only_rounded():
    line = protect_line([12, 33, 0], RULE)
    assert line.cells == [10, 35, 0]
    assert line.total == 45
    assert not any(line.hidden)


def test_small_total_hides_the_cells_too():
    line = protect_line([4, 0, 2], RULE)
    assert line.total is None
    assert line.cells[0] is None and line.cells[2] is None


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_line_value_can_be_recovered(seed):
    rng = random.Random(seed)
    counts = [rng.choice([0, 1, 2, 5, 7, 8, 12, 30, 75]) for _ in range(rng.randint(2, 8))]
    line = protect_line(counts, RULE)
    shown = [c for c in line.cells] + [line.total]
    assert all(_published_ok(v) for v in shown)
    hidden = sum(line.hidden) + line.total_hidden
    assert hidden != 1, (counts, line)


def test_two_way_example_total_minus_others_does_not_work():
    matrix = [[20, 3, 15],
              [30, 25, 40],
              [12, 18, 9]]
    table = protect_table(matrix, RULE)
    assert table.cells[0][1] is None  # the 3
    # Row 0 and column 1 each have another hidden value.
    assert sum(table.hidden[0]) >= 2
    assert sum(table.hidden[i][1] for i in range(4)) >= 2
    bounds = _bounds_2d(matrix, table)
    lo, hi = bounds[(0, 1)]
    assert hi - lo > 1


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_cell_of_a_random_table_can_be_recovered(seed):
    rng = random.Random(1000 + seed)
    n, m = rng.randint(2, 7), rng.randint(2, 6)
    weights = [0, 0, 1, 2, 3, 5, 6, 7, 9, 14, 25, 40, 80]
    matrix = [[rng.choice(weights) for _ in range(m)] for _ in range(n)]
    table = protect_table(matrix, RULE)
    shown = [v for row in table.cells for v in row] + table.row_totals + table.col_totals \
        + [table.grand_total]
    assert all(_published_ok(v) for v in shown), shown
    # Every primary-suppressed count is hidden.
    for i in range(n):
        for j in range(m):
            if 1 <= matrix[i][j] <= 7:
                assert table.cells[i][j] is None
    for cell, (lo, hi) in _bounds_2d(matrix, table).items():
        assert hi - lo > 1e-6, f"hidden cell {cell} of {matrix} is pinned to {lo}"


def test_configured_rule_is_used():
    rule = DisclosureRule(1, 9, 10)
    line = protect_line([9, 44, 51], rule)
    assert line.cells[0] is None and line.cells[1] is None
    assert line.cells[2] == 50 and line.total == 100
