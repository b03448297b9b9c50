"""Best sites for new provision: the maximal covering location problem (MCLP).

Pure code: no Flask, no database.  Given demand areas (young people, weighted by
deprivation), candidate sites and which candidates reach which areas within a
travel threshold, choose ``k`` sites that newly reach the most weighted demand.

Existing provision is kept fixed: an area already reached by a service today
carries no weight, so only young people *not reached today* count.

Two solvers:

* :func:`solve_optimal` -- the integer programme built by PySAL ``spopt``'s
  :class:`spopt.locate.MCLP` and solved by CBC through PuLP.  It is exact.
* :func:`solve_greedy` -- add, one at a time, the site with the largest added
  reach.  Fast at any size.  Its distance from the optimum is bounded by
  Minoux's online bound (for a coverage objective, which is submodular, the
  optimum is at most ``f(S) + sum of the k largest added reaches given S`` for
  every intermediate greedy set ``S``); when the optimum is known the exact gap
  is reported instead.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import SupportsInt, TypedDict

import numpy as np
import numpy.typing as npt

from .arrays import BoolArray, FloatArray

#: An IMD decile as read from a table: a number, its text, or ``None``/NaN when not known.
Decile = SupportsInt | str | None

#: Weight given to a young person living in IMD decile 1 (most deprived);
#: decile 10 gets 1.0 and the deciles between are spaced evenly.
MOST_DEPRIVED_WEIGHT = 2.0

#: Above this many (areas x useful candidates) cells, "auto" uses greedy only.
OPTIMAL_CELL_LIMIT = 2_000_000
#: CBC gives up after this many seconds and the greedy answer is shown.
OPTIMAL_TIME_LIMIT_S = 30


class SitingError(ValueError):
    """Bad input to the site chooser; the message says what is wrong."""


def deprivation_weight(decile: Decile, *, top: float = MOST_DEPRIVED_WEIGHT) -> float:
    """Weight for one young person in an area of IMD ``decile`` (1 = most deprived).

    Decile 1 -> ``top`` (2.0), decile 10 -> 1.0, linear between; an unknown
    decile counts as 1.0 (no extra weight is invented).
    """
    if decile is None:
        return 1.0
    try:
        d = int(decile)
    except (TypeError, ValueError):
        return 1.0
    if not 1 <= d <= 10:
        return 1.0
    return 1.0 + (top - 1.0) * (10 - d) / 9


def demand_weights(young_people: npt.ArrayLike, deciles: Sequence[Decile],
                   already_reached: npt.ArrayLike, *,
                   top: float = MOST_DEPRIVED_WEIGHT) -> FloatArray:
    """Weighted demand per area: young people x deprivation weight, 0 if reached today.

    Parameters
    ----------
    young_people : sequence of float
        Young people living in each demand area.
    deciles : sequence of int or None
        IMD decile of each area (1 = most deprived).
    already_reached : sequence of bool
        Whether existing provision already reaches the area.
    """
    people = np.asarray(young_people, dtype=float)
    reached = np.asarray(already_reached, dtype=bool)
    if people.shape != reached.shape or len(deciles) != len(people):
        raise SitingError("young_people, deciles and already_reached must be the same length")
    if (people < 0).any() or not np.isfinite(people).all():
        raise SitingError("young people per area must be zero or more")
    w: FloatArray = np.array([deprivation_weight(d, top=top) for d in deciles],
                             dtype=float) * people
    w[reached] = 0.0
    return w


def coverage_matrix(minutes: npt.ArrayLike, threshold: float) -> BoolArray:
    """Boolean (areas x candidates): candidate j is within ``threshold`` minutes of area i.

    Missing travel times (NaN) count as out of reach.
    """
    m = np.asarray(minutes, dtype=float)
    if m.ndim != 2:
        raise SitingError("travel times must be a table of areas by candidates")
    if threshold is None or threshold <= 0:
        raise SitingError("the travel threshold must be more than 0 minutes")
    with np.errstate(invalid="ignore"):
        cover: BoolArray = np.nan_to_num(m, nan=np.inf) <= threshold
    return cover


@dataclass
class SiteChoice:
    """The answer of one solver."""

    chosen: list[int]              # candidate indices (into the full candidate list)
    value: float                   # weighted demand newly reached
    method: str                    # "optimal" or "greedy"
    upper_bound: float             # best known upper bound on the optimal value
    seconds: float
    proven_optimal: bool = False
    note: str = ""
    steps: list[float] = field(default_factory=list)  # greedy: value after each pick

    @property
    def gap(self) -> float:
        """Relative distance from the best upper bound: 0.0 means optimal."""
        if self.upper_bound <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.value) / self.upper_bound)


def _check(cover: npt.ArrayLike, weights: npt.ArrayLike,
           k: float) -> tuple[BoolArray, FloatArray, int]:
    cover = np.asarray(cover, dtype=bool)
    weights = np.asarray(weights, dtype=float)
    if cover.ndim != 2 or cover.shape[0] != weights.shape[0]:
        raise SitingError("the reach table must have one row per demand area")
    if cover.shape[1] == 0:
        raise SitingError("there are no candidate sites to choose from")
    if int(k) != k or k < 1:
        raise SitingError("the number of sites must be a whole number, 1 or more")
    if (weights < 0).any():
        raise SitingError("demand weights must be zero or more")
    return cover, weights, int(k)


def covered_value(cover: npt.ArrayLike, weights: npt.ArrayLike, chosen: Sequence[int]) -> float:
    """Weighted demand reached by the candidate set ``chosen``."""
    cover = np.asarray(cover, dtype=bool)
    if not len(chosen):
        return 0.0
    hit = cover[:, list(chosen)].any(axis=1)
    return float(np.asarray(weights, dtype=float)[hit].sum())


def solve_greedy(cover: npt.ArrayLike, weights: npt.ArrayLike, k: int) -> SiteChoice:
    """Greedy MCLP with Minoux's online upper bound on the optimum."""
    t0 = time.perf_counter()
    cover, weights, k = _check(cover, weights, k)
    k = min(k, cover.shape[1])
    cf = cover.astype(np.float64)
    remaining = weights.copy()
    chosen: list[int] = []
    value = 0.0
    steps: list[float] = []
    upper = np.inf
    for _ in range(k):
        gains = remaining @ cf
        gains[chosen] = -1.0
        # Minoux bound for the current set: f(S) + the k largest gains given S.
        top = np.sort(np.clip(gains, 0, None))[::-1][:k]
        upper = min(upper, value + float(top.sum()))
        j = int(np.argmax(gains))
        if gains[j] <= 0:
            break  # nothing more to reach
        chosen.append(j)
        value += float(gains[j])
        remaining[cover[:, j]] = 0.0
        steps.append(value)
    # The bound for the final set (every remaining gain is what is left to take).
    gains = remaining @ cf
    gains[chosen] = 0.0
    top = np.sort(np.clip(gains, 0, None))[::-1][:k]
    upper = min(upper, value + float(top.sum()))
    if not np.isfinite(upper):
        upper = value
    return SiteChoice(chosen=chosen, value=value, method="greedy", upper_bound=upper,
                      seconds=time.perf_counter() - t0, proven_optimal=upper <= value + 1e-9,
                      steps=steps)


def solve_optimal(cover: npt.ArrayLike, weights: npt.ArrayLike, k: int, *,
                  time_limit: float = OPTIMAL_TIME_LIMIT_S) -> SiteChoice:
    """Exact MCLP: spopt's integer programme solved by CBC.

    Areas with no weight and candidates that reach no weighted area are left
    out before the model is built (they cannot change the optimum), which
    keeps the integer programme small.
    """
    import pulp
    from spopt.locate import MCLP

    t0 = time.perf_counter()
    cover, weights, k = _check(cover, weights, k)
    rows = np.flatnonzero(weights > 0)
    sub = cover[rows]
    cols = np.flatnonzero(sub.any(axis=0))
    if len(rows) == 0 or len(cols) == 0:
        return SiteChoice(chosen=[], value=0.0, method="optimal", upper_bound=0.0,
                          seconds=time.perf_counter() - t0, proven_optimal=True,
                          note="no young people left to reach")
    sub = sub[:, cols]
    if len(cols) <= k:
        chosen = [int(c) for c in cols]
        v = covered_value(cover, weights, chosen)
        return SiteChoice(chosen=chosen, value=v, method="optimal", upper_bound=v,
                          seconds=time.perf_counter() - t0, proven_optimal=True,
                          note="every useful site fits within k")
    # spopt takes a cost matrix and a radius: cost 0 = within reach, 2 = not.
    cost = np.where(sub, 0.0, 2.0)
    model = MCLP.from_cost_matrix(cost, weights[rows], service_radius=1.0, p_facilities=k)
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit)
    model.problem.solve(solver)
    problem = model.problem
    status = pulp.LpStatus.get(problem.status, str(problem.status))
    if problem.status != pulp.LpStatusOptimal:
        raise SitingError(f"the solver could not solve the site problem ({status})")
    picked = [int(cols[j]) for j, var in enumerate(model.fac_vars)
              if var.value() is not None and var.value() > 0.5]
    value = covered_value(cover, weights, picked)
    proven = problem.sol_status == pulp.LpSolutionOptimal
    bound = value if proven else np.inf
    seconds = time.perf_counter() - t0
    note = "" if proven else (f"the exact method stopped at its {time_limit:g}-second limit "
                                   "before proving this the best")
    choice = SiteChoice(chosen=picked, value=value, method="optimal", upper_bound=bound,
                        seconds=seconds, proven_optimal=proven, note=note)
    if not proven:
        choice.upper_bound = solve_greedy(cover, weights, k).upper_bound
    return choice


@dataclass
class SitingResult:
    """What the site chooser page shows."""

    best: SiteChoice               # the answer shown on the map
    greedy: SiteChoice
    optimal: SiteChoice | None     # None when the case was too large for the exact solver
    k: int
    note: str = ""                 # why the exact solver was not used, if it was not

    @property
    def greedy_gap(self) -> float:
        """Greedy's relative distance below the optimum (or below the bound)."""
        ref = self.optimal.value if self.optimal and self.optimal.proven_optimal \
            else self.greedy.upper_bound
        if ref <= 0:
            return 0.0
        return max(0.0, (ref - self.greedy.value) / ref)

    @property
    def gap_is_exact(self) -> bool:
        """Whether the distance from the optimum is exact (CBC proved its answer optimal)."""
        return bool(self.optimal and self.optimal.proven_optimal)


def choose_sites(cover: npt.ArrayLike, weights: npt.ArrayLike, k: int, *, method: str = "auto",
                 cell_limit: int = OPTIMAL_CELL_LIMIT,
                 time_limit: float = OPTIMAL_TIME_LIMIT_S) -> SitingResult:
    """Choose ``k`` sites.

    ``method`` is ``"auto"`` (exact when the reduced problem has at most
    ``cell_limit`` cells, else greedy), ``"optimal"`` or ``"greedy"``.
    The greedy answer is always computed too, so its gap can be shown.
    """
    if method not in ("auto", "optimal", "greedy"):
        raise SitingError("method must be auto, optimal or greedy")
    cover, weights, k = _check(cover, weights, k)
    greedy = solve_greedy(cover, weights, k)
    size = int((weights > 0).sum()) * int(cover[weights > 0].any(axis=0).sum())
    optimal = None
    if method == "optimal" or (method == "auto" and size <= cell_limit):
        if greedy.proven_optimal:
            # The bound already proves greedy optimal: no integer programme needed.
            optimal = SiteChoice(chosen=list(greedy.chosen), value=greedy.value, method="optimal",
                                 upper_bound=greedy.value, seconds=greedy.seconds,
                                 proven_optimal=True, note="the one-at-a-time choice is proven best by its bound")
        else:
            try:
                optimal = solve_optimal(cover, weights, k, time_limit=time_limit)
            except Exception as exc:  # noqa: BLE001 - any solver failure falls back to greedy
                note = (f"The exact method could not finish ({exc}), so the sites were "
                        "picked one at a time; the figure above says how close to the best "
                        "that is at least.")
                return SitingResult(best=greedy, greedy=greedy, optimal=None, k=k, note=note)
    elif method == "auto":
        note = (f"This case is too large to prove the best choice here ({size:,} pairs of "
                "area and site), so the sites were picked one at a time; the figure above "
                "says how close to the best that is at least.")
        return SitingResult(best=greedy, greedy=greedy, optimal=None, k=k, note=note)
    best = optimal if optimal is not None and optimal.value >= greedy.value else greedy
    return SitingResult(best=best, greedy=greedy, optimal=optimal, k=k)


class RankedCandidate(TypedDict):
    """One row of :func:`rank_candidates`."""

    index: int          # position in the candidate list
    weighted: float     # deprivation-weighted young people it alone would newly reach
    people: float       # the same, unweighted
    areas: int          # areas with weight it reaches
    chosen: bool        # in the chosen set
    rank: int           # 1 = adds the most on its own


def rank_candidates(cover: npt.ArrayLike, weights: npt.ArrayLike, people: npt.ArrayLike,
                    chosen: Iterable[SupportsInt] = ()) -> list[RankedCandidate]:
    """Every candidate with the reach it would add on its own, best first.

    Each row: ``index``, ``weighted`` (deprivation-weighted young people it
    alone would newly reach), ``people`` (unweighted), ``areas`` (how many
    areas), ``chosen`` (in the chosen set) and ``rank``.
    """
    cover = np.asarray(cover, dtype=bool)
    weights = np.asarray(weights, dtype=float)
    people = np.asarray(people, dtype=float)
    live = weights > 0
    cf = cover.astype(np.float64)
    w_gain = weights @ cf
    p_gain = (people * live) @ cf
    a_gain = live.astype(np.float64) @ cf
    chosen = set(int(c) for c in chosen)
    order = sorted(range(cover.shape[1]), key=lambda j: (-w_gain[j], -p_gain[j], j))
    return [
        {"index": j, "weighted": float(w_gain[j]), "people": float(p_gain[j]),
         "areas": int(a_gain[j]), "chosen": j in chosen, "rank": r + 1}
        for r, j in enumerate(order)
    ]
