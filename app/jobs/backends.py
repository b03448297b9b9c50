"""Who runs the jobs: RQ workers on Redis (production: any number of workers on
any number of machines) or a thread pool inside the app process (the
embedded default).  Both carry only a job id; :mod:`.runner` does the rest
against the ledger, so they behave the same.

Both serve the councils in turn (:mod:`.fair`, :mod:`.rqfair`): each council's
jobs wait in a queue of their own, keyed by the ``council`` the ledger records
for the job, and a free worker takes the oldest job of the next council in turn,
so one council's thousand jobs do not hold up another council's one.

Each process that holds jobs runs one heartbeat thread: it renews the leases
of the jobs it holds and queues again any job whose holder stopped renewing
(a worker or app process that was killed).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor

from .fair import FairQueue
from .ledger import council_of, heartbeat, prune, reclaim

log = logging.getLogger(__name__)


def _owner_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Backend:
    """What both kinds share: settings, the owner name, the heartbeat thread."""

    kind = "base"
    holds_queued = False  # does this process hold queued jobs itself (in-process)?
    fair = True  # councils in turn; False: one queue, first come first served (the bench)

    def __init__(self, app):
        cfg = app.config
        self.app_ref = weakref.ref(app)
        self.lease = float(cfg["JOBS_LEASE_SECONDS"])
        self.max_attempts = int(cfg["JOBS_MAX_ATTEMPTS"])
        self.result_ttl = float(cfg["JOBS_RESULT_TTL_SECONDS"])
        self._pid = None
        self._fresh_process()

    def _fresh_process(self) -> None:
        """Per-process state: a forked process (a gunicorn worker) gets its own."""
        self._pid = os.getpid()
        self._owner = _owner_name(self.kind)
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def owner(self) -> str:
        """This process's name on the leases it holds (new after a fork)."""
        if self._pid != os.getpid():
            self._fresh_process()
        return self._owner

    def start_heartbeat(self) -> None:
        self.owner  # noqa: B018 - a forked process starts its own state first
        with self._lock:
            if self._beat is None:
                self._beat = threading.Thread(target=self._heartbeat, daemon=True,
                                              name=f"yvm-jobs-heartbeat-{self.kind}")
                self._beat.start()

    def stop(self) -> None:
        self._stop.set()

    def beat_once(self) -> list[str]:
        """Renew our leases, queue again the jobs of holders that stopped; their ids."""
        heartbeat(self.owner, self.lease)
        taken = reclaim(self.owner, self.owner if self.holds_queued else None,
                               self.lease)
        for jid in taken:
            log.warning("job %s: its worker stopped; queued again", jid)
            self.dispatch(jid)
        return taken

    def _heartbeat(self) -> None:
        beats = 0
        while not self._stop.wait(self.lease / 3):
            app = self.app_ref()
            if app is None:
                return
            try:
                with app.app_context():
                    self.beat_once()
                    beats += 1
                    if beats % 100 == 1:
                        prune(self.result_ttl)
            except Exception as exc:  # noqa: BLE001 - the next beat tries again
                log.warning("jobs heartbeat: %s", exc)
            del app

    def dispatch(self, jid: str, council: str | None = None) -> None:
        """Hand job ``jid`` to a worker, on ``council``'s queue (``None``: the council
        the ledger records for it)."""
        raise NotImplementedError


class InProcess(Backend):
    """A thread pool in this process; jobs it holds survive a restart (the next
    process to start reclaims them once their lease lapses).

    The pool's own queue carries only turns, one per job dispatched: a thread
    that gets a turn takes whichever job is next in :class:`FairQueue` (the next
    council's oldest), not the job that was dispatched with it."""

    kind = "inprocess"
    holds_queued = True

    def __init__(self, app):
        self.threads = int(app.config["JOBS_THREADS"])
        super().__init__(app)

    def _fresh_process(self) -> None:
        super()._fresh_process()
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="yvm-job")
        self.waiting: FairQueue[str] = FairQueue(fair=self.fair)

    def dispatch(self, jid: str, council: str | None = None) -> None:
        self.start_heartbeat()  # also makes a forked process's own pool
        self.waiting.put(council if council is not None else council_of(jid), jid)
        self.pool.submit(self._run_next)

    def _run_next(self) -> None:
        jid = self.waiting.take()
        if jid is not None:
            self._run(jid)

    def _run(self, jid: str) -> None:
        from .runner import perform

        app = self.app_ref()
        if app is None:
            return
        with app.app_context():
            try:
                perform(jid, self)
            except Exception:  # noqa: BLE001 - logged; the lease lapses and it is retried
                log.exception("job %s: the runner failed", jid)

    def stop(self) -> None:
        super().stop()
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.waiting.clear()  # our leases lapse; another process takes them up


class RQ(Backend):
    """RQ on Redis: :meth:`dispatch` puts the job id on its council's queue; ``flask
    jobs worker`` processes take from the councils' queues in turn and run them
    (:func:`app.jobs.runner.perform_rq`)."""

    kind = "rq"

    def __init__(self, app):
        super().__init__(app)
        from redis import Redis

        from .rqfair import CouncilQueues

        self.connection = Redis.from_url(app.config["REDIS_URL"])
        # Every council's queue: counted, emptied or looked up by council.
        self.queue = CouncilQueues(app.config["JOBS_QUEUE"], self.connection)
        self.timeout = int(app.config["JOBS_TIMEOUT_SECONDS"])

    def dispatch(self, jid: str, council: str | None = None) -> None:
        from rq import Retry

        if self.fair:
            queue = self.queue.for_council(council if council is not None else council_of(jid))
        else:
            queue = self.queue.plain()
        # A fresh RQ id per hand-over: the ledger, not RQ, keeps one job per key.
        queue.enqueue_call("app.jobs.runner.perform_rq", args=(jid,),
                           job_id=f"yvm-{jid[:20]}-{uuid.uuid4().hex[:10]}",
                           timeout=self.timeout, result_ttl=0,
                           failure_ttl=int(self.result_ttl), retry=Retry(max=2))

    def worker(self, *, name: str | None = None):
        """An RQ worker over the councils' queues, taking from them in turn, that
        runs jobs in this process (no fork), so the app context and our lease are
        the worker's own."""
        from .rqfair import FairWorker

        return FairWorker(self.queue, name=name or self.owner.replace(":", "-"))
