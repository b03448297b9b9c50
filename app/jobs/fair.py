"""Councils served in turn: one council's thousand jobs do not hold up another's one.

:class:`FairQueue` is the in-process pool's queue: a first-in-first-out queue per
council, and a turn that goes round the councils that have work waiting.  Taking
a job takes the oldest job of the next council in turn after the one served last,
so a council that has just queued its first job waits for at most one job of every
other council with work (the same round-robin the RQ workers follow over the
councils' queues, :mod:`.rqfair`).  A council's own jobs still start in the order
they were queued.

``fair=False`` makes it one queue for everyone, first come first served (what the
pool did before; kept for the benchmark, ``bench/bench_fair_queues.py``).
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")

NO_COUNCIL = "_"  # jobs recorded without a council (made before councils were recorded)
EVERYONE = ""     # the one queue when ``fair`` is off


def council_key(council: str | None) -> str:
    """The name a council's queue goes by (never empty, so never :data:`EVERYONE`)."""
    return council or NO_COUNCIL


class FairQueue(Generic[T]):
    """Per-council FIFOs taken from in turn; safe to share between threads."""

    def __init__(self, *, fair: bool = True):
        self.fair = fair
        self._lock = threading.Lock()
        self._queues: dict[str, deque[T]] = {}  # in order of first appearance: the turn
        self._order: list[str] = []
        self._last = -1  # index in _order of the council served last (councils only join)

    def put(self, council: str | None, item: T) -> None:
        key = council_key(council) if self.fair else EVERYONE
        with self._lock:
            queue = self._queues.get(key)
            if queue is None:
                queue = self._queues[key] = deque()
                self._order.append(key)
            queue.append(item)

    def take(self) -> T | None:
        """The next job: the oldest of the first council in turn with work (``None``
        if nothing waits).  The turn then passes to the council after it."""
        with self._lock:
            count = len(self._order)
            for step in range(1, count + 1):
                at = (self._last + step) % count
                queue = self._queues[self._order[at]]
                if queue:
                    self._last = at
                    return queue.popleft()
            return None

    def waiting(self) -> dict[str, int]:
        """How many jobs each council has waiting (councils with none left out)."""
        with self._lock:
            return {key: len(queue) for key, queue in self._queues.items() if queue}

    def __len__(self) -> int:
        with self._lock:
            return sum(len(queue) for queue in self._queues.values())

    def clear(self) -> None:
        with self._lock:
            for queue in self._queues.values():
                queue.clear()
