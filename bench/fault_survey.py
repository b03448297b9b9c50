"""Fault test: no acknowledged survey submission is lost or stored twice while
gunicorn workers are killed with SIGKILL.

gunicorn serves the real survey (``/survey/<slug>``) with several workers.  A
bounded client sends a few thousand submissions from a pool of threads; each
fills in the form (GET: CSRF cookie and one-time submission token), then POSTs
it, and on any failure (connection reset, timeout, 5xx) retries the POST with
the *same* token.  A submission is acknowledged when the thank-you page comes
back.  Meanwhile a killer sends SIGKILL to a random worker about every second
(the master starts a new one); or, with ``--kill-after N``, the client that gets
the Nth, 2Nth, ... acknowledgement kills one at once, so the kills fall while
other submissions are in flight however fast or slow the machine is, and their
number follows from the acknowledgements, not from a clock (the test suite's
way).  Afterwards every submission is found in the
database by a unique marker written in its free-text answer, and:

* lost = acknowledged submissions not stored;
* duplicated = submissions stored more than once.

Both must be zero.  Exit status 0 when they are.

    .venv/bin/python bench/fault_survey.py                       # PostgreSQL, 2,000
    .venv/bin/python bench/fault_survey.py --db sqlite --submissions 500
    .venv/bin/python bench/fault_survey.py --target minimal      # the harness alone
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_harness as h  # noqa: E402

MARK = "fault-test-"


def submit_one(host, path, marker, retries, stats):
    """One young person's submission.  Returns True when acknowledged."""
    form = cookie = None
    for _attempt in range(retries):
        try:
            if form is None:
                form, cookie = h.get_form(host, path)
                form.fields = [(n, marker if _is_free_text(form, n) else v)
                               for n, v in form.fields]
                if not any(v == marker for _, v in form.fields):
                    raise RuntimeError("the form has no free-text box for the marker")
            status, _, body = h.post_form(host, path, form, cookie, timeout=10)
            if status == 200:
                return True
            if status >= 500 or status == 429:
                stats["retried_status"] += 1
            else:
                stats["refused"] += 1
                stats.setdefault("refusals", []).append(
                    f"{status}: {h.error_text(body.decode(errors='replace'))}")
                return False
        except (OSError, h.http.client.HTTPException) as exc:
            stats["retried_conn"] += 1
            stats.setdefault("exc", set()).add(type(exc).__name__)
        except RuntimeError as exc:
            if "free-text" in str(exc):
                raise
            stats["retried_get"] += 1
            form = None  # the GET failed: nothing sent yet, start afresh
        time.sleep(min(2.0, 0.05 * 2 ** _attempt) * random.uniform(0.5, 1.5))
    return False


def _is_free_text(form, name):
    return name in form.textareas


def killer(server, stop, every, stats):
    while not stop.wait(every * random.uniform(0.6, 1.4)):
        pids = server.worker_pids()
        if pids:
            try:
                os.kill(random.choice(pids), signal.SIGKILL)
                stats["kills"] += 1
            except ProcessLookupError:
                pass


def kill_a_worker(server, stats, lock, timeout=30.0) -> None:
    """SIGKILL one live worker, waiting (bounded) for the master to have one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = server.worker_pids()
        random.shuffle(pids)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
            with lock:
                stats["kills"] += 1
            return
        time.sleep(0.05)  # the master is starting a new worker: look again
    raise RuntimeError(f"no gunicorn worker to kill for {timeout:.0f} s")


def stored_markers(url, target):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    q = ("SELECT value FROM answer WHERE value LIKE :m" if target == "survey"
         else "SELECT comment FROM minimal_submission WHERE comment LIKE :m")
    with engine.connect() as conn:
        values = [row[0] for row in conn.execute(text(q), {"m": MARK + "%"})]
    engine.dispose()
    return values


def run(args) -> dict:
    kind = args.db
    if kind == "auto":
        kind = "postgresql" if _pg_up() else "sqlite"
    url, drop = h.make_database(kind, "fault")
    server = None
    try:
        if args.target == "survey":
            h.create_schema(url)
            target, path = "wsgi:app", args.survey_path
        else:
            target, path = "bench.load_minimal_app:app", "/form"
        server = h.Gunicorn(target, h.app_env(url), workers=args.workers, threads=args.threads,
                            worker_class=args.worker_class, accesslog=args.accesslog)
        server.wait_ready()
        # One request carrying what must never reach a log (checked by the tests).
        h.request(server.url, "GET", path + "?postcode=HR1+2AB",
                  headers={"User-Agent": "SecretPhone/1.0", "X-Forwarded-For": "198.51.100.77"})
        status, _, _ = h.request(server.url, "GET", path)
        if status != 200:
            raise SystemExit(f"GET {path} gave {status}: is the survey there?")

        stats = {"kills": 0, "retried_conn": 0, "retried_status": 0, "retried_get": 0,
                 "refused": 0}
        markers = [f"{MARK}{uuid.uuid4().hex}" for _ in range(args.submissions)]
        acked: list[str] = []
        lock = threading.Lock()
        todo = iter(markers)

        def worker():
            while True:
                with lock:
                    marker = next(todo, None)
                if marker is None:
                    return
                if submit_one(server.url, path, marker, args.retries, stats):
                    with lock:
                        acked.append(marker)
                        due = args.kill_after and len(acked) % args.kill_after == 0
                    if due:
                        kill_a_worker(server, stats, lock)

        stop = threading.Event()
        k = threading.Thread(target=killer, args=(server, stop, args.kill_every, stats))
        t0 = time.time()
        if not args.kill_after:
            k.start()
        pool = [threading.Thread(target=worker) for _ in range(args.concurrency)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        stop.set()
        if k.is_alive():
            k.join()
        elapsed = time.time() - t0
        server.stop()
        server = None

        stored = stored_markers(url, args.target)
        counts: dict[str, int] = {}
        for m in stored:
            counts[m] = counts.get(m, 0) + 1
        lost = [m for m in acked if counts.get(m, 0) == 0]
        duplicated = [m for m, n in counts.items() if n > 1]
        stored_not_acked = [m for m in counts if m not in set(acked)]
        return {"database": kind, "target": args.target, "submissions": args.submissions,
                "acknowledged": len(acked), "stored": len(counts), "lost": len(lost),
                "duplicated": len(duplicated), "stored_not_acknowledged": len(stored_not_acked),
                "kills": stats["kills"], "retries": stats["retried_conn"]
                + stats["retried_status"] + stats["retried_get"],
                "refused": stats["refused"], "refusals": stats.get("refusals", [])[:3],
                "retry_reasons": sorted(stats.get("exc", set())), "retry_detail": {k: stats[k] for k in ("retried_conn", "retried_status", "retried_get")},
                "seconds": round(elapsed, 1)}
    finally:
        if server:
            server.stop()
        drop()


def _pg_up() -> bool:
    try:
        with h.socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("auto", "sqlite", "postgresql"), default="auto")
    p.add_argument("--target", choices=("survey", "minimal"), default="survey")
    p.add_argument("--survey-path", default="/survey/youth-voice")
    p.add_argument("--submissions", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--worker-class", default="gthread")
    p.add_argument("--kill-every", type=float, default=1.0, help="seconds between kills")
    p.add_argument("--kill-after", type=int, default=0,
                   help="instead of a timer, kill a worker after every N acknowledged submissions")
    p.add_argument("--retries", type=int, default=12)
    p.add_argument("--accesslog", default=None, help="write gunicorn's access log here")
    return p


def main(argv=None) -> int:
    result = run(parser().parse_args(argv))
    for key, value in result.items():
        print(f"{key:>24}: {value}")
    ok = result["lost"] == 0 and result["duplicated"] == 0 and result["kills"] > 0
    ok &= result["refused"] == 0
    print("PASS: zero lost, zero duplicated" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
