"""An attacker with a reader's account: reads only what the app publishes and
tries to work out counts of young people exactly.

Independent of the code under test: it knows only the published method's
parameters (as the privacy page and the API state them: counts 1-7 hidden,
changes of at most ±D, rounding to 5, a 0 in a small group hidden like them) and the public geography, and works out
what each published figure allows the true count to be.  Its strongest tool
is an integer program (``scipy.optimize.milp``) over every published table at
once: the smallest and largest value a hidden or small count can take while
every published figure stays consistent.  A count is *recovered* when the
two are equal.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array


def parse_value(text):
    """A published cell as the attacker reads it: None for hidden, else an int."""
    text = (text or "").strip()
    if text in ("[c]", ""):
        return None
    return int(text.replace(",", ""))


def possible(published, *, d: int, round_to: int, hidden_max: int) -> tuple[int, int]:
    """The true counts a published value allows (the attacker's reading of the rules)."""
    if published == 0:
        return 0, 0
    if published is None:  # 1 to hidden_max + d, or a 0 in a small group
        return 0, hidden_max + d
    half = round_to // 2
    return max(hidden_max + 1, published - half - d), published + half + d


class Attack:
    """Linear constraints on unknown true counts, from published figures."""

    def __init__(self, *, d: int, round_to: int = 5, hidden_max: int = 7):
        self.d, self.round_to, self.hidden_max = d, round_to, hidden_max
        self.names: dict[str, int] = {}
        self.rows: list[tuple[dict, float, float]] = []
        self._built = None  # (rows counted, constraint): the program, built once per change

    def var(self, name: str) -> str:
        self.names.setdefault(name, len(self.names))
        return name

    def published(self, terms, value) -> None:
        """``sum(terms)`` was published as ``value``."""
        lo, hi = possible(value, d=self.d, round_to=self.round_to, hidden_max=self.hidden_max)
        self.relation(terms, lo, hi)

    def relation(self, terms, lo, hi) -> None:
        if isinstance(terms, str):
            terms = {terms: 1}
        elif not isinstance(terms, dict):
            terms = {t: 1 for t in terms}
        for t in terms:
            self.var(t)
        self.rows.append((terms, lo, hi))

    def _system(self):
        n = len(self.names)
        rows, cols, vals = [], [], []
        lo = np.zeros(len(self.rows))
        hi = np.zeros(len(self.rows))
        for k, (terms, low, high) in enumerate(self.rows):
            for t, c in terms.items():
                rows.append(k)
                cols.append(self.names[t])
                vals.append(c)
            lo[k], hi[k] = low, high
        # Sparse (each row names a few of the thousands of unknowns); duplicates add up.
        a = coo_array((vals, (rows, cols)), shape=(len(self.rows), n)).tocsr()
        return a, lo, hi

    def _constraints(self) -> LinearConstraint:
        """The published figures as constraints, built again only when a relation was added
        since (each of the many ranges asked of one program shares them)."""
        if self._built is None or self._built[0] != len(self.rows):
            a, lo, hi = self._system()
            self._built = (len(self.rows), LinearConstraint(a, lo, hi))
        return self._built[1]

    def range_of(self, terms) -> tuple[int, int]:
        """Smallest and largest integer value of ``sum(terms)`` consistent with all
        published figures."""
        if isinstance(terms, str):
            terms = [terms]
        c = np.zeros(len(self.names))
        for t in terms:
            c[self.names[t]] += 1
        cons = self._constraints()
        out = []
        for sign in (1, -1):
            res = milp(sign * c, constraints=cons, integrality=np.ones_like(c),
                       bounds=Bounds(0, np.inf), options={"time_limit": 20})
            assert res.status == 0, f"the attacker's program failed: {res.message}"
            out.append(round(sign * res.fun))
        return out[0], out[1]

    def pinned(self, terms, truth: dict[str, int]) -> bool:
        """Whether ``sum(terms)`` can only take its true value.  The truth is always
        feasible, so one other feasible value (from the smallest) settles it; the
        largest is needed only when the smallest is the true value."""
        true = sum(truth.get(t, 0) for t in terms)
        c = np.zeros(len(self.names))
        for t in terms:
            c[self.names[t]] += 1
        cons = self._constraints()
        for sign in (1, -1):
            res = milp(sign * c, constraints=cons, integrality=np.ones_like(c),
                       bounds=Bounds(0, np.inf), options={"time_limit": 20})
            assert res.status == 0, f"the attacker's program failed: {res.message}"
            if round(sign * res.fun) != true:
                return False
        return True

    def consistent(self, truth: dict[str, int]) -> bool:
        """The true counts satisfy every constraint (the attack's model is right)."""
        for terms, lo, hi in self.rows:
            v = sum(c * truth.get(t, 0) for t, c in terms.items())
            if not lo <= v <= hi:
                return False
        return True


def results_csv(text: str) -> dict:
    """{(table, row, column): published value} from the results CSV."""
    return {(r["table"], r["row"], r["column"]): parse_value(r["value"])
            for r in csv.DictReader(io.StringIO(text))}


def ratio_candidates(share, resp_range, cites_range) -> list[tuple[int, int]]:
    """Ratio inversion: (responses, cites) pairs whose share prints as ``share``
    (a fraction, printed to whole percent or finer)."""
    out = []
    for r in range(max(resp_range[0], 1), resp_range[1] + 1):
        for c in range(cites_range[0], min(cites_range[1], r) + 1):
            if math.isclose(round(c / r, 2), round(share, 2), abs_tol=1e-9) or \
                    math.isclose(round(c / r, 4), share, abs_tol=1e-9):
                out.append((r, c))
    return out
