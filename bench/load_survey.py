"""Load benchmark: the real survey endpoint under gunicorn, on SQLite and on
PostgreSQL, beside a minimal Flask + Flask-WTF form that inserts one row.

Each "submission" is what a phone does: GET the form (CSRF cookie, one-time
submission token), then POST the answers.  50 concurrent clients (threads
split over two client processes, persistent connections) run for a fixed time
against each target in turn, in the same script, so the ratio holds on a
noisy machine.  Prints requests/s, submissions/s, p50 and p99 latency per
request, and errors.

    .venv/bin/python bench/load_survey.py                 # both databases
    .venv/bin/python bench/load_survey.py --db sqlite --seconds 10
    .venv/bin/python bench/load_survey.py --target minimal   # baseline only

``--think 1`` makes each client pause (0.5-1.5 s) before each request, as a
person reading and tapping would: the latency 50 such people see.  ``--think 0``
(the default) sends flat out and measures capacity, so its latency is mostly
queueing.

Target (issue 8): the survey reaches >= 70% of the minimal form's rate, p99
under 250 ms at 50 clients, no errors.  Rate limits are off in this run (all
clients share one address); the limiter's own cost is measured with
``--with-limits`` (memory storage).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_harness as h  # noqa: E402


def client_thread(host, path, deadline, out, errors, think=0.0):
    import random

    conn = None
    while time.time() < deadline:
        if think:
            time.sleep(think * random.uniform(0.5, 1.5))  # reading the page
        try:
            if conn is None:
                hp, pp = host.split(":")
                conn = h.http.client.HTTPConnection(hp, int(pp), timeout=10)
            t0 = time.perf_counter()
            status, headers, body = h.request(host, "GET", path, conn=conn)
            t1 = time.perf_counter()
            out.append(t1 - t0)
            if status != 200:
                errors.append(f"GET {status}")
                continue
            form = h.parse_form(body.decode())
            cookie = h.cookie_header(headers)
            if think:
                time.sleep(think * random.uniform(0.5, 1.5))  # answering
            t2 = time.perf_counter()
            status, _, body = h.post_form(host, path, form, cookie, conn=conn)
            t3 = time.perf_counter()
            out.append(t3 - t2)
            if status != 200:
                errors.append(f"POST {status}: {h.error_text(body.decode(errors='replace'))}")
            else:
                out.append(None)  # marks one stored submission
        except Exception as exc:  # noqa: BLE001 - counted as an error
            errors.append(type(exc).__name__)
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass
            conn = None


def client_process(host, path, threads, seconds, start_at, queue, think=0.0):
    while time.time() < start_at:
        time.sleep(0.005)
    deadline = start_at + seconds
    out, errors = [], []
    pool = [threading.Thread(target=client_thread,
                             args=(host, path, deadline, out, errors, think))
            for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put((out, errors))


def run_load(host, path, clients, seconds, processes=2, think=0.0):
    queue = mp.Queue()
    start_at = time.time() + 1.0
    procs = []
    for i in range(processes):
        n = clients // processes + (1 if i < clients % processes else 0)
        p = mp.Process(target=client_process,
                       args=(host, path, n, seconds, start_at, queue, think))
        p.start()
        procs.append(p)
    latencies, submissions, errors = [], 0, []
    for _ in procs:
        out, errs = queue.get()
        latencies += [x for x in out if x is not None]
        submissions += sum(1 for x in out if x is None)
        errors += errs
    for p in procs:
        p.join()
    return {
        "requests_per_s": len(latencies) / seconds,
        "submissions_per_s": submissions / seconds,
        "p50_ms": 1000 * h.percentile(latencies, 50),
        "p99_ms": 1000 * h.percentile(latencies, 99),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "submissions": submissions,
    }


def count_rows(url: str, table: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
    engine.dispose()
    return n


def bench_one(kind, target, args):
    url, drop = h.make_database(kind, f"load_{target}")
    server = None
    try:
        extra = {}
        if target == "survey":
            h.create_schema(url)
            app_target, path, table = "wsgi:app", args.survey_path, "response"
            if args.with_limits:
                extra = {"RATELIMIT_ENABLED": "true"}
        else:
            app_target, path, table = "bench.load_minimal_app:app", "/form", "minimal_submission"
        env = h.app_env(url, **extra)
        server = h.Gunicorn(app_target, env, workers=args.workers, threads=args.threads)
        server.wait_ready()
        # Warm up: load the survey definition, fill the connection pools.
        status, _, body = h.request(server.url, "GET", path)
        if status != 200:
            return {"skipped": f"GET {path} gave {status}"}
        warm = run_load(server.url, path, clients=args.clients, seconds=2)
        before = count_rows(url, table)
        result = run_load(server.url, path, clients=args.clients, seconds=args.seconds,
                          think=args.think)
        stored = count_rows(url, table) - before
        result["stored_rows"] = stored
        result["warmup_errors"] = warm["errors"]
        return result
    finally:
        if server:
            server.stop()
        drop()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--target", choices=("survey", "minimal", "both"), default="both")
    p.add_argument("--survey-path", default="/survey/youth-voice")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--think", type=float, default=0.0,
                   help="mean seconds each client waits before each GET and each POST "
                        "(0: flat out, measuring capacity; 1: people reading and tapping)")
    p.add_argument("--with-limits", action="store_true",
                   help="keep the rate limiter on (memory storage, generous limits)")
    args = p.parse_args(argv)

    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    targets = ("minimal", "survey") if args.target == "both" else (args.target,)
    print(f"gunicorn gthread {args.workers} workers x {args.threads} threads; "
          f"{args.clients} clients; think time {args.think:g} s; {args.seconds:.0f} s per run")
    print(f"{'database':<11}{'target':<9}{'req/s':>8}{'subm/s':>8}{'p50 ms':>8}"
          f"{'p99 ms':>8}{'errors':>8}{'stored':>8}")
    ok = True
    for kind in kinds:
        rates = {}
        for target in targets:
            r = bench_one(kind, target, args)
            if "skipped" in r:
                print(f"{kind:<11}{target:<9} skipped: {r['skipped']}")
                continue
            rates[target] = r["submissions_per_s"]
            print(f"{kind:<11}{target:<9}{r['requests_per_s']:>8.1f}{r['submissions_per_s']:>8.1f}"
                  f"{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}{r['errors']:>8}{r['stored_rows']:>8}"
                  + (f"  {r['error_kinds']}" if r["errors"] else ""))
            if target == "survey":
                ok &= r["errors"] == 0 and r["p99_ms"] < 250
                ok &= r["stored_rows"] == r["submissions"]
        if len(rates) == 2 and rates["minimal"]:
            ratio = rates["survey"] / rates["minimal"]
            ok &= ratio >= 0.70
            print(f"{kind:<11}survey / minimal = {ratio:.0%} (target >= 70%)")
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
