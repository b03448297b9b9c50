"""Load benchmark: the real survey endpoint under gunicorn, on SQLite and on
PostgreSQL, beside a minimal Flask + Flask-WTF form that inserts one row.

Each "submission" is what a phone does: GET the form (CSRF cookie, one-time
submission token), then POST the answers.  50 concurrent clients run for a
fixed time against each target in turn, in the same script, so the ratio holds
on a noisy machine.  Prints requests/s, submissions/s, p50 and p99 latency per
request, errors and rows stored, in two tables:

* flat out (capacity): each client sends again as soon as it has an answer.
  Driven by wrk (Debian's ``wrk``, a C client, with ``load_wrk.lua``), so the
  client takes little of the two cores; without wrk, Python threads.  This gives
  the rate ratio.  Its latency is queueing (50 clients / rate, Little's law): on
  two cores even the minimal form's p99 is several hundred ms here.
* people-paced: each client waits 0.5-1.5 s (``--think``) before each GET and
  each POST, as a person reading and tapping: 50 phones at once, about 25
  submissions a second (90,000 an hour).  This gives the latency they see.

    .venv/bin/python bench/load_survey.py                  # both databases, both tables
    .venv/bin/python bench/load_survey.py --db sqlite --mode capacity --seconds 10
    .venv/bin/python bench/load_survey.py --target minimal # baseline only

Targets (issue 8): flat out, the survey reaches >= 70% of the minimal form's
rate; paced, p99 under 250 ms at 50 clients; no errors, and every acknowledged
submission stored.  Rate limits are off (all clients share one address); the
limiter's own cost is measured with ``--with-limits`` (memory storage).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

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


WRK = shutil.which("wrk")


def run_load_wrk(host, path, clients, seconds):
    """The same GET-then-POST loop driven by wrk (C, one connection per wrk thread,
    see ``load_wrk.lua``): the client costs far less CPU than Python threads, so
    more of the two cores serve requests and the latency is the server's."""
    form, _cookie = h.get_form(host, path)
    answers = urlencode([(n, v) for n, v in form.fields
                         if n not in ("csrf_token", "submission_token")])
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(answers)
    try:
        out = subprocess.run(
            [WRK, f"-t{clients}", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "10s",
             "-s", str(Path(__file__).with_name("load_wrk.lua")), f"http://{host}", "--",
             path, f.name], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("WRK_RESULT "))
    r = json.loads(line.split(" ", 1)[1])
    duration = r["duration_us"] / 1e6
    errors = r["failures"] + r["socket_errors"]
    return {
        "requests_per_s": r["requests"] / duration,
        "submissions_per_s": r["submissions"] / duration,
        "p50_ms": r["p50_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "errors": errors,
        "error_kinds": [r["last_failure"]] if r["last_failure"] else [],
        "submissions": r["submissions"],
    }


def count_rows(url: str, table: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
    engine.dispose()
    return n


class Target:
    """One target (the survey or the minimal form) on its own database and gunicorn."""

    def __init__(self, kind, target, args):
        self.url, self.drop = h.make_database(kind, f"load_{target}")
        self.server = None
        self.args = args
        extra = {}
        if target == "survey":
            h.create_schema(self.url)
            app_target, self.path, self.table = "wsgi:app", args.survey_path, "response"
            if args.with_limits:
                extra = {"RATELIMIT_ENABLED": "true"}
        else:
            app_target, self.path, self.table = ("bench.load_minimal_app:app", "/form",
                                                 "minimal_submission")
        self.server = h.Gunicorn(app_target, h.app_env(self.url, **extra),
                                 workers=args.workers, threads=args.threads,
                                 worker_class=args.worker_class)

    def start(self) -> str | None:
        """Wait for the server and warm it up; a reason when it cannot be measured."""
        self.server.wait_ready()
        status, _, _ = h.request(self.server.url, "GET", self.path)
        if status != 200:
            return f"GET {self.path} gave {status}"
        self.load(2)  # definitions loaded, connection pools filled
        return None

    def load(self, seconds):
        a = self.args
        before = count_rows(self.url, self.table)
        if a.client == "wrk":
            r = run_load_wrk(self.server.url, self.path, clients=a.clients, seconds=seconds)
        else:
            r = run_load(self.server.url, self.path, clients=a.clients, seconds=seconds,
                         processes=a.client_processes, think=a.think)
        r["stored_rows"] = count_rows(self.url, self.table) - before
        r["seconds"] = seconds
        return r

    def stop(self):
        if self.server:
            self.server.stop()
        self.drop()


def merge(rounds: list[dict]) -> dict:
    """Rates over all rounds; the median p50 and the worst round's p99."""
    seconds = sum(r["seconds"] for r in rounds)
    return {
        "requests_per_s": sum(r["requests_per_s"] * r["seconds"] for r in rounds) / seconds,
        "submissions_per_s": sum(r["submissions"] for r in rounds) / seconds,
        "p50_ms": sorted(r["p50_ms"] for r in rounds)[len(rounds) // 2],
        "p99_ms": max(r["p99_ms"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "error_kinds": sorted({k for r in rounds for k in r["error_kinds"]})[:5],
        "submissions": sum(r["submissions"] for r in rounds),
        "stored_rows": sum(r["stored_rows"] for r in rounds),
    }


def bench_kind(kind, targets, args) -> dict:
    """Both targets served at once; their runs take turns (``--rounds``), so a slow
    or busy spell on a shared machine falls on both and the ratio holds."""
    started = []
    try:
        for target in targets:
            started.append((target, Target(kind, target, args)))
        out, rounds = {}, {target: [] for target in targets}
        for target, t in started:
            why = t.start()
            if why:
                out[target] = {"skipped": why}
        live = [(target, t) for target, t in started if target not in out]
        for _ in range(args.rounds):
            for target, t in live:
                rounds[target].append(t.load(args.seconds / args.rounds))
        for target, _t in live:
            out[target] = merge(rounds[target])
        return out
    finally:
        for _target, t in started:
            t.stop()


def run_mode(mode, kinds, targets, args):
    """One table: flat out (capacity: the rate ratio) or people-paced (the latency 50
    people see).  Returns whether this mode's targets are met."""
    think = 0.0 if mode == "capacity" else args.think
    client = args.client or ("wrk" if WRK and mode == "capacity" else "python")
    run_args = argparse.Namespace(**{**vars(args), "think": think, "client": client})
    title = ("Flat out: each client sends its next request as soon as it has an answer "
             "(capacity; latency here is mostly queueing, about clients / rate)"
             if mode == "capacity" else
             f"People-paced: each client waits {think:g} s on average (0.5-1.5 times) before "
             "each GET and each POST, as a person reading and tapping")
    print(f"\n{title}\n{args.clients} clients ({client})")
    print(f"{'database':<11}{'target':<9}{'req/s':>8}{'subm/s':>8}{'p50 ms':>8}"
          f"{'p99 ms':>8}{'errors':>8}{'acked':>8}{'stored':>8}")
    ok = True
    for kind in kinds:
        rates = {}
        results = bench_kind(kind, targets, run_args)
        for target in targets:
            r = results[target]
            if "skipped" in r:
                print(f"{kind:<11}{target:<9} skipped: {r['skipped']}")
                ok = False
                continue
            rates[target] = r["submissions_per_s"]
            print(f"{kind:<11}{target:<9}{r['requests_per_s']:>8.1f}{r['submissions_per_s']:>8.1f}"
                  f"{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}{r['errors']:>8}{r['submissions']:>8}"
                  f"{r['stored_rows']:>8}"
                  + (f"  {r['error_kinds']}" if r["errors"] else ""))
            if target == "survey":
                # Every acknowledged submission stored; at most one more per client and
                # turn (a POST in flight when wrk stopped is stored, never acknowledged).
                ok &= r["errors"] == 0
                ok &= (r["submissions"] <= r["stored_rows"]
                       <= r["submissions"] + args.clients * args.rounds)
                if mode == "paced":
                    ok &= r["p99_ms"] < 250
        if len(rates) == 2 and rates["minimal"]:
            ratio = rates["survey"] / rates["minimal"]
            if mode == "capacity":
                ok &= ratio >= 0.70
                print(f"{kind:<11}survey / minimal = {ratio:.0%} (target >= 70%)")
            else:
                print(f"{kind:<11}survey / minimal = {ratio:.0%} (the clients set the pace)")
    return ok


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--target", choices=("survey", "minimal", "both"), default="both")
    p.add_argument("--mode", choices=("capacity", "paced", "both"), default="both",
                   help="capacity: flat out, for the rate ratio (target >= 70%%); paced: "
                        "people reading and tapping, for the latency (target p99 < 250 ms)")
    p.add_argument("--survey-path", default="/survey/youth-voice")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30,
                   help="measured seconds per target, split over --rounds")
    p.add_argument("--rounds", type=int, default=6,
                   help="the targets take turns this many times")
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--worker-class", default="gthread",
                   help="gunicorn worker class (gthread, as gunicorn.conf.py ships, or sync)")
    p.add_argument("--client", choices=("wrk", "python"),
                   help="default: wrk (Debian's wrk, a C client) flat out when installed, "
                        "Python threads when paced (each connects when it first sends, as "
                        "a phone does; wrk would connect early and hold a server thread "
                        "while it waits)")
    p.add_argument("--client-processes", type=int, default=2,
                   help="processes the Python clients' threads are split over")
    p.add_argument("--think", type=float, default=1.0,
                   help="paced mode: mean seconds each client waits before each GET and "
                        "each POST")
    p.add_argument("--with-limits", action="store_true",
                   help="keep the rate limiter on (memory storage, generous limits)")
    args = p.parse_args(argv)
    if args.client == "wrk" and not WRK:
        p.error("wrk is not installed (apt-get install wrk), or use --client python")
    if args.client == "wrk" and args.mode != "capacity":
        p.error("wrk runs flat out only: use --mode capacity with --client wrk")

    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    targets = ("minimal", "survey") if args.target == "both" else (args.target,)
    modes = ("capacity", "paced") if args.mode == "both" else (args.mode,)
    print(f"gunicorn {args.worker_class} {args.workers} workers x {args.threads} threads; "
          f"{args.seconds:g} s per target in {args.rounds} turns; p50: median turn, "
          f"p99: worst turn")
    ok = True
    for mode in modes:
        ok &= run_mode(mode, kinds, targets, args)
    print("\ntargets met" if ok else "\ntargets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
