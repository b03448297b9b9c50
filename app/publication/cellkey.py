"""The cell key method (ONS, Census 2021) with the council's suppression and rounding.

Each response carries a random *record key*, 0-255, drawn with :mod:`secrets`
when it is stored (:func:`app.models.survey.new_record_key`).  A published
cell (any count of people: an area, an answer, an area and an age...) gets

1. its **cell key**: the sum of the record keys of the responses in it, mod 256;
2. a **perturbation** looked up in a fixed p-table by (cell value, cell key),
   so the same set of people always gets the same noise, in every table, at
   every area level, in every snapshot; two cells that differ by one person
   have unrelated cell keys, so subtracting them does not cancel the noise;
3. the council's rule (:class:`app.disclosure.DisclosureRule`): a cell whose
   true or perturbed value is 1-7 is suppressed, every other value is
   rounded to the nearest 5.  A true zero has no records and stays 0.

The p-table
-----------
For each cell value ``v`` the perturbation ``p`` takes whole values from
``-min(D, v)`` to ``D`` (so ``v + p`` is never negative) with the
maximum-entropy distribution of mean 0 and variance ``V``:
``P(p) ∝ exp(a·p + b·p²)``, the probabilities then laid out on the 256 cell
keys (each probability a whole number of 256ths, largest remainders first,
then single keys moved one step toward zero until the mean is exactly 0;
cell keys in order of ``p``).  Rows for values above 750 reuse rows
501-750, as ONS's code does.  ``D`` and ``V`` are the settings
``CELL_KEY_MAX_PERTURBATION`` (default 4) and ``CELL_KEY_VARIANCE``
(default 2.5); docs/DISCLOSURE.md prints the table.

Why not the ``cell-key-perturbation`` package (ONS's own, 3.1.0)?  It tabulates
one-row-per-person microdata with pandas and needs a p-table supplied from
outside (it ships only a test table that rounds, without noise); our cells
include multiple-choice answers (one person in several cells of a table),
whose totals are counts of people, not of rows, and areas placed across
levels, so we need the per-cell lookup only.  That lookup is the same as
the package's steps 2-5 (cell key = sum of record keys mod 256; rows over
750 reuse 501-750; value + pvalue) and is these few lines, tested against an
independent calculation in tests/publication.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..config_values import setting_value
from ..disclosure import DisclosureRule

KEYS = 256
MAX_ROW = 750


def _distribution(v: int, d: int, variance: float) -> dict[int, float]:
    """Maximum-entropy P(p) on ``-min(d, v)..d`` with mean 0 and the given variance."""
    lo = -min(d, v)
    ks = np.arange(lo, d + 1, dtype=float)
    target = min(variance, 0.95 * (-lo) * d)  # the most a support this short allows

    def moments(params: np.ndarray) -> tuple[np.ndarray, float, float]:
        a, b = params
        w = np.exp(a * ks + b * ks ** 2 - np.max(a * ks + b * ks ** 2))
        p = w / w.sum()
        return p, float(p @ ks), float(p @ ks ** 2)

    def equations(params: np.ndarray) -> list[float]:
        _p, mean, second = moments(params)
        return [mean, second - target]

    # SciPy's optimiser is imported when a table is made, not with the app: it is a
    # tenth of a second at every process start otherwise.
    from scipy.optimize import root

    sol = root(equations, [0.0, -1.0 / (2 * target)], method="hybr")
    p, mean, second = moments(sol.x)
    if not sol.success or abs(mean) > 1e-6 or abs(second - target) > 1e-6:
        raise ValueError(f"no p-table row for value {v} with D={d}, V={variance}")
    return {int(k): float(q) for k, q in zip(ks, p, strict=True)}


def _to_keys(dist: dict[int, float]) -> list[int]:
    """The distribution as a perturbation for each of the 256 cell keys."""
    exact = {k: q * KEYS for k, q in dist.items()}
    counts = {k: math.floor(x) for k, x in exact.items()}
    short = KEYS - sum(counts.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - counts[k]), abs(k), k))[:short]:
        counts[k] += 1
    # Whole 256ths can leave a bias of a few 256ths: move single keys one step toward
    # zero (from the smallest change on that side) until the mean is exactly 0.
    while (bias := sum(k * c for k, c in counts.items())) != 0:
        side = [k for k in counts if counts[k] and (k > 0 if bias > 0 else k < 0)]
        k = min(side, key=abs)
        counts[k] -= 1
        counts[k - 1 if k > 0 else k + 1] += 1
    out: list[int] = []
    for k in sorted(counts):
        out += [k] * counts[k]
    return out


@lru_cache(maxsize=8)
def ptable(d: int = 4, variance: float = 2.5) -> np.ndarray:
    """Array ``[value, cell key] -> perturbation`` for values 0-750 (row 0 is all zeros)."""
    if d < 0 or variance < 0:
        raise ValueError("the maximum perturbation and the variance must be 0 or more")
    table = np.zeros((MAX_ROW + 1, KEYS), dtype=np.int16)
    if d == 0 or variance == 0:
        return table
    rows: dict[int, list[int]] = {}
    for v in range(1, MAX_ROW + 1):
        lo = min(d, v)
        if lo not in rows:  # rows only differ while v < d
            rows[lo] = _to_keys(_distribution(v, d, variance))
        table[v] = rows[lo]
    table.setflags(write=False)
    return table


def cell_key(record_keys: Iterable[int | str]) -> int:
    """Sum of the record keys, mod 256 (0 for an empty cell)."""
    return int(sum(int(k) for k in record_keys)) % KEYS


def perturbation(value: int, ckey: int, table: np.ndarray) -> int:
    if value <= 0:
        return 0
    row = value if value <= MAX_ROW else (value - 1) % 250 + 501
    return int(table[row, ckey % KEYS])


@dataclass(frozen=True)
class CellKeyMethod:
    """The whole rule: perturb with the p-table, then suppress and round."""

    rule: DisclosureRule
    max_perturbation: int = 4
    variance: float = 2.5

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CellKeyMethod:
        rule = DisclosureRule.from_config(config)
        d = int(setting_value(config, "CELL_KEY_MAX_PERTURBATION"))
        if d > rule.max_suppressed:
            raise ValueError("CELL_KEY_MAX_PERTURBATION must not be above "
                             "DISCLOSURE_MAX_SUPPRESSED, so a published 0 is a true 0")
        return cls(rule, d, float(setting_value(config, "CELL_KEY_VARIANCE")))

    @property
    def table(self) -> np.ndarray:
        return ptable(self.max_perturbation, self.variance)

    def publish(self, count: int, ckey: int) -> int | None:
        """The published value of a cell of ``count`` people with cell key ``ckey``:
        ``None`` when suppressed."""
        count = int(count)
        if count == 0:
            return 0
        if self.rule.is_suppressed(count):
            return None
        perturbed = count + perturbation(count, ckey, self.table)
        if perturbed <= 0 or self.rule.is_suppressed(perturbed):
            return None
        return self.rule.apply(perturbed)

    def publish_cell(self, record_keys: Iterable[int | str]) -> int | None:
        keys = list(record_keys)
        return self.publish(len(keys), cell_key(keys))

    def describe(self) -> dict[str, Any]:
        """The parameters, for the snapshot record, the privacy page and the API."""
        return {"method": "cell key (ONS Census 2021)", "record_keys": "0-255",
                "max_perturbation": self.max_perturbation, "variance": self.variance,
                "suppressed": f"{self.rule.min_suppressed}-{self.rule.max_suppressed}",
                "rounded_to": self.rule.round_to}

    def distribution_rows(self) -> list[dict[str, Any]]:
        """For the privacy page: how many of the 256 cell keys give each perturbation,
        for counts 1 to D (every count of D or more uses the row for D)."""
        out = []
        for v in range(1, max(self.max_perturbation, 1) + 1):
            row = self.table[min(v, MAX_ROW)]
            counts = {int(k): int((row == k).sum()) for k in np.unique(row)}
            out.append({"value": v, "counts": counts})
        return out
