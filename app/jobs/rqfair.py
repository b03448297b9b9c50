"""The councils' RQ queues, served in turn.

Each council's jobs go on a queue of its own, ``<JOBS_QUEUE>:jobs:<council>``
(``yvm:jobs:E06000019``), first in first out.  An RQ worker listening on several
queues always empties the first before it looks at the next, which is not fair, so
:class:`FairWorker` changes two things:

* **Which queues.**  Before every dequeue it reads which councils' queues exist
  (RQ's own register of queues, ``rq:queues``), so a council that queues its first
  job is served without restarting any worker.  An idle worker looks again every
  :data:`DISCOVER_SECONDS`.  The plain queue ``<JOBS_QUEUE>`` is listened to as
  well (jobs queued before the queues were per council).
* **In what order.**  The queues are taken in turn: after a job from council A's
  queue the worker asks first the council after A (by queue name, going round),
  and A's queue only last.  So a council that has just queued a job waits, on each
  worker, for at most one job of every other council with work waiting.

Each worker keeps its own turn; several workers (on several machines) each go
round the councils, so a newcomer's job is taken by the first worker to finish
its current job.
"""

from __future__ import annotations

import time

from redis import Redis
from rq import Queue, SimpleWorker

from .fair import NO_COUNCIL, council_key

DISCOVER_SECONDS = 1  # an idle worker looks for new councils' queues this often
_REGISTER = Queue.redis_queues_keys          # "rq:queues": every queue RQ has been given a job on
_KEY_PREFIX = Queue.redis_queue_namespace_prefix  # "rq:queue:"


def council_queue_name(prefix: str, council: str | None) -> str:
    """The RQ queue of ``council``'s jobs."""
    return f"{prefix}:jobs:{council_key(council)}"


class CouncilQueues:
    """Every council's RQ queue under one prefix, as one thing to count or empty."""

    def __init__(self, prefix: str, connection: Redis):
        self.prefix = prefix
        self.connection = connection
        self._queues: dict[str, Queue] = {}

    def queue(self, name: str) -> Queue:
        found = self._queues.get(name)
        if found is None:
            found = self._queues[name] = Queue(name, connection=self.connection)
        return found

    def for_council(self, council: str | None) -> Queue:
        return self.queue(council_queue_name(self.prefix, council))

    def plain(self) -> Queue:
        """The one queue of the first-come-first-served dispatch (and of old jobs)."""
        return self.queue(self.prefix)

    def names(self) -> list[str]:
        """The plain queue and every council's queue RQ knows, sorted by name."""
        ours = f"{self.prefix}:jobs:"
        found = {self.prefix}
        for key in self.connection.smembers(_REGISTER):
            name = (key.decode() if isinstance(key, bytes) else key)[len(_KEY_PREFIX):]
            if name.startswith(ours):
                found.add(name)
        return sorted(found)

    def waiting(self) -> dict[str, int]:
        """Jobs waiting on each council's queue (``_`` for jobs with no council; the
        plain queue under its own name); empty queues left out."""
        counts = {}
        ours = f"{self.prefix}:jobs:"
        for name in self.names():
            count = self.queue(name).count
            if count:
                counts[name[len(ours):] if name.startswith(ours) else name] = count
        return counts

    @property
    def count(self) -> int:
        """Jobs waiting on all the queues together."""
        return sum(self.queue(name).count for name in self.names())

    def delete(self, delete_jobs: bool = True) -> None:
        for name in self.names():
            self.queue(name).delete(delete_jobs=delete_jobs)
        self._queues.clear()


def in_turn(names: list[str], last: str | None) -> list[str]:
    """``names`` (sorted) starting with the one after ``last``, ``last`` at the end."""
    if last is None:
        return list(names)
    return [n for n in names if n > last] + [n for n in names if n <= last]


class FairWorker(SimpleWorker):
    """An RQ worker (one job at a time, in this process) that serves the councils'
    queues in turn and finds new ones as they appear."""

    def __init__(self, queues: CouncilQueues, **kwargs):
        self.council_queues = queues
        self.last_served: str | None = None
        super().__init__([queues.plain()], connection=queues.connection, **kwargs)

    def refresh_queues(self) -> None:
        """Listen to every council's queue, the council after the last served first."""
        order = [self.council_queues.queue(n)
                 for n in in_turn(self.council_queues.names(), self.last_served)]
        # RQ reads self.queues' length again while it runs the job (one queue: it
        # dequeued with BLMOVE), so both change only here, before a dequeue.
        self.queues = order
        self._ordered_queues = order[:]

    def reorder_queues(self, reference_queue: Queue) -> None:
        """Called by RQ after each dequeue: the turn passes to the next council."""
        self.last_served = reference_queue.name

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        """RQ's dequeue over the queues as they are now; an idle worker looks for new
        councils' queues every :data:`DISCOVER_SECONDS` (``timeout`` None: burst
        mode, do not wait)."""
        idle_since = time.monotonic()
        while True:
            self.refresh_queues()
            if timeout is None:
                return super().dequeue_job_and_maintain_ttl(None, max_idle_time)
            wait = max(1, min(int(timeout), DISCOVER_SECONDS))
            result = super().dequeue_job_and_maintain_ttl(wait, max_idle_time=wait)
            if result is not None:
                return result
            if max_idle_time is not None and time.monotonic() - idle_since >= max_idle_time:
                return None


__all__ = ["NO_COUNCIL", "CouncilQueues", "FairWorker", "council_queue_name", "in_turn"]
