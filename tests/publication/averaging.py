"""The averaging attacker: a posterior over a count's starting value from many
snapshots, each a fresh draw of the noise (the cell key of a changed group of
people is a new random number), using the p-table the privacy page prints."""

from __future__ import annotations

from collections import Counter
from functools import cache

import numpy as np

from app.publication.cellkey import ptable

PRIOR_MAX = 60


class Posterior:
    def __init__(self, *, d: int, variance: float, hidden_max: int = 7, round_to: int = 5):
        self.table = ptable(d, variance)
        self.hidden_max, self.round_to = hidden_max, round_to
        self.shown = cache(self._shown)

    def _shown(self, n: int) -> Counter:
        """How many of the 256 cell keys publish each value for true count ``n``."""
        if n == 0:
            return Counter({0: 256, None: 256})  # a 0 in a small group shows [c]
        if 1 <= n <= self.hidden_max:
            return Counter({None: 256})
        out: Counter = Counter()
        for p in self.table[n if n <= 750 else (n - 1) % 250 + 501]:
            v = n + int(p)
            out[None if v <= self.hidden_max else
                int(self.round_to * np.floor(v / self.round_to + 0.5))] += 1
        return out

    def likelihood(self, value, n: int) -> float:
        """P(published ``value`` | true count ``n``) over the 256 cell keys."""
        return self.shown(n)[value] / 256

    def call(self, seen: list, *, fresh_only: bool) -> tuple[int | None, float]:
        """(most likely starting count, its posterior) from the values published
        after 0, 1, 2... nights of one planted answer each; ``fresh_only``: use a
        snapshot only when its value changed (a kept value is no new draw)."""
        post = np.ones(PRIOR_MAX + 1)
        for t, value in enumerate(seen):
            if t and fresh_only and value == seen[t - 1]:
                continue
            post *= [self.likelihood(value, n0 + t) for n0 in range(PRIOR_MAX + 1)]
        if post.sum() == 0:
            return None, 0.0
        post /= post.sum()
        best = int(post.argmax())
        return best, float(post[best])
