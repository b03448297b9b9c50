"""Table-level disclosure control: primary and secondary suppression, then rounding.

Pure: no Flask.  Uses :class:`app.disclosure.DisclosureRule` for the per-count
rule (counts 1-7 suppressed, the rest rounded to the nearest 5, by default).

Primary suppression hides small counts.  Secondary suppression hides more cells
so the hidden ones cannot be worked out from the totals printed beside them:

* a one-way table (cells plus their total) must never have exactly one hidden
  value: if it has, the next smallest cell is hidden too;
* a two-way table with row, column and grand totals is treated as the usual
  "extended" grid.  A hidden cell can be worked out exactly when it is a
  *bridge* in the graph whose nodes are rows and columns and whose edges are
  the hidden cells (it lies on no cycle of hidden cells).  We hide further
  cells, smallest first, until no hidden cell is a bridge.  This covers the
  simple "total minus the others" attack and the chained versions of it.

Published values are rounded after suppression, each independently, so a
rounded total need not equal the sum of its rounded cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..disclosure import DisclosureRule


@dataclass
class ProtectedLine:
    """A one-way table: published cells and total (``None`` = hidden)."""

    cells: list[int | None]
    total: int | None
    hidden: list[bool]
    total_hidden: bool
    secondary: set = field(default_factory=set)  # indexes hidden only to protect others


@dataclass
class ProtectedTable:
    """A two-way table with margins; ``None`` marks a hidden value."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    grand_total: int | None
    hidden: list[list[bool]]  # the extended grid, margins included
    secondary: set = field(default_factory=set)  # (i, j) of the extended grid

    def is_hidden(self, i: int, j: int) -> bool:
        return self.hidden[i][j]


def _cost(value: int, is_margin: bool) -> tuple:
    # Prefer hiding inner cells, then non-zero ones, then the smallest.
    return (is_margin, value == 0, value)


def protect_line(counts: list[int], rule: DisclosureRule, total: int | None = None) -> ProtectedLine:
    """Protect a one-way table whose cells add up to ``total`` (their sum by default)."""
    counts = [int(c) for c in counts]
    total = sum(counts) if total is None else int(total)
    values = counts + [total]
    hidden = [rule.is_suppressed(v) for v in values]
    secondary: set[int] = set()
    while sum(hidden) == 1:
        candidates = [k for k in range(len(values)) if not hidden[k]]
        if not candidates:
            break
        pick = min(candidates, key=lambda k: _cost(values[k], k == len(values) - 1))
        hidden[pick] = True
        secondary.add(pick)
    published = [None if h else rule.apply(v) for v, h in zip(values, hidden, strict=True)]
    return ProtectedLine(cells=published[:-1], total=published[-1], hidden=hidden[:-1],
                         total_hidden=hidden[-1], secondary={k for k in secondary
                                                             if k < len(counts)}
                         | ({"total"} if len(counts) in secondary else set()))


def _graph(hidden: list[list[bool]], skip: tuple[int, int] | None = None) -> nx.Graph:
    """Rows and columns as nodes, joined by an edge for each hidden cell (except ``skip``)."""
    n_rows, n_cols = len(hidden), len(hidden[0])
    graph = nx.Graph()
    graph.add_nodes_from(("r", i) for i in range(n_rows))
    graph.add_nodes_from(("c", j) for j in range(n_cols))
    graph.add_edges_from((("r", i), ("c", j)) for i in range(n_rows) for j in range(n_cols)
                         if hidden[i][j] and (i, j) != skip)
    return graph


def _bridges(hidden: list[list[bool]]) -> list[tuple[int, int]]:
    """Hidden cells (i, j) that lie on no cycle of hidden cells (networkx's bridges)."""
    found = []
    for u, v in nx.bridges(_graph(hidden)):
        (_, i), (_, j) = (u, v) if u[0] == "r" else (v, u)
        found.append((i, j))
    return sorted(found)


def _component(hidden, start_row: int | None, start_col: int | None, skip: tuple[int, int]):
    """Rows and columns reachable from a row or column through hidden cells, not using ``skip``."""
    start = ("r", start_row) if start_row is not None else ("c", start_col)
    reached = nx.node_connected_component(_graph(hidden, skip), start)
    return ({k for kind, k in reached if kind == "r"}, {k for kind, k in reached if kind == "c"})


def protect_table(matrix: list[list[int]], rule: DisclosureRule) -> ProtectedTable:
    """Protect a two-way table of counts published with row, column and grand totals."""
    if not matrix or not matrix[0]:
        return ProtectedTable([], [], [], rule.apply(0), [[False]])
    n, m = len(matrix), len(matrix[0])
    grid = [[int(v) for v in row] + [sum(int(v) for v in row)] for row in matrix]
    grid.append([sum(grid[i][j] for i in range(n)) for j in range(m + 1)])
    hidden = [[rule.is_suppressed(v) for v in row] for row in grid]
    secondary: set[tuple[int, int]] = set()

    def is_margin(i, j):
        return i == n or j == m

    while True:
        bridges = _bridges(hidden)
        if not bridges:
            break
        bi, bj = bridges[0]
        # Cells whose hiding puts the bridge on a cycle at once.
        rows_side, _ = _component(hidden, bi, None, (bi, bj))
        _, cols_side = _component(hidden, None, bj, (bi, bj))
        candidates = [(bi, j) for j in range(m + 1) if not hidden[bi][j]] + \
                     [(i, bj) for i in range(n + 1) if not hidden[i][bj]]
        fixing = [(i, j) for i, j in candidates
                  if (i == bi and j in cols_side) or (j == bj and i in rows_side)]
        pool = fixing or candidates
        if not pool:  # cannot happen on a grid of at least 2x2, but never loop forever
            pool = [(i, j) for i in range(n + 1) for j in range(m + 1) if not hidden[i][j]]
            if not pool:
                break
        i, j = min(pool, key=lambda c: _cost(grid[c[0]][c[1]], is_margin(*c)))
        hidden[i][j] = True
        secondary.add((i, j))

    def pub(i, j):
        return None if hidden[i][j] else rule.apply(grid[i][j])

    return ProtectedTable(
        cells=[[pub(i, j) for j in range(m)] for i in range(n)],
        row_totals=[pub(i, m) for i in range(n)],
        col_totals=[pub(n, j) for j in range(m)],
        grand_total=pub(n, m),
        hidden=hidden,
        secondary=secondary,
    )
