"""What every request pays: a mix of cheap requests through the Flask test client.

No server and no network.  The app is made as the test suite makes it (rate limits
and CSRF off, ``APP_ENV=testing``) on a throwaway SQLite file (or PostgreSQL with
``--db postgresql``, ``BENCH_PG_URL``), with the gap pages' small county
(``tests/gaps/seed.py``), the real survey definition and one account per role.
Each request gets an app context of its own, as in production (the tests keep
one pushed for a whole test: ``--test-context`` does that too).

The mix, anonymous and signed in: the home page, the directory, the sign-in page,
the survey's start and its form, a 400 for bad query parameters, a posted form
refused with a validation error.  Prints CPU milliseconds per request (best of
``--repeats`` runs), the SQL statements each request sends, and with
``--profile N`` the N functions with the most cumulative time (cProfile).

    .venv/bin/python bench/bench_request_cost.py
    .venv/bin/python bench/bench_request_cost.py --rounds 50 --profile 40
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("APP_ENV", "testing")

import load_harness as h  # noqa: E402

PASSWORD = "correct horse battery staple"
# (who, method, path, query or form, expected status)
MIX = [
    ("anonymous", "GET", "/", None, 200),
    ("anonymous", "GET", "/directory", None, 200),
    ("anonymous", "GET", "/login", None, 200),
    ("anonymous", "GET", "/survey", None, 302),
    ("anonymous", "GET", "/survey/youth", None, 200),
    ("anonymous", "GET", "/privacy", None, 200),
    ("anonymous", "GET", "/api/v1/services", {"page": "9" * 40}, 400),
    ("anonymous", "POST", "/login", {"email": "nobody", "password": ""}, 200),
    ("commissioner", "GET", "/", None, 200),
    ("commissioner", "GET", "/directory", None, 200),
    ("commissioner", "GET", "/survey/youth", None, 200),
    ("commissioner", "GET", "/gaps", {"threshold": "1e309"}, 400),
    ("commissioner", "GET", "/directory/manage/new", None, 200),
    ("commissioner", "POST", "/directory/manage/new", {"name": ""}, 400),
]


def build(url: str):
    """The app on ``url`` with the county, the survey and one account per role."""
    import json

    import yaml

    from app import create_app
    from app.auth.passwords import hash_password
    from app.extensions import db
    from app.models import Survey, User
    from app.models.users import ROLES
    from tests.gaps.seed import seed

    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "RATELIMIT_STORAGE_URI": "memory://", "MAP_TILES_URL": "",
                      "SERVER_NAME": None, "SQLALCHEMY_DATABASE_URI": url})
    users = {}
    with app.app_context():
        db.create_all()
        seed(db.session)
        definition = json.loads(json.dumps(yaml.safe_load(
            (ROOT / "surveys" / "youth-voice.yaml").read_text()), default=str))
        for survey in db.session.query(Survey).filter(Survey.slug == "youth"):
            survey.definition = {**definition, "slug": "youth"}
        hashed = hash_password(PASSWORD)
        for role in ROLES:
            user = User(email=f"{role}@bench.example", role=role, password_hash=hashed)
            db.session.add(user)
            db.session.flush()
            users[role] = user.get_id()
        db.session.commit()
        db.session.remove()
    return app, users


def clients(app, users):
    import time as _time

    out = {"anonymous": app.test_client()}
    for role in {who for who, *_ in MIX} - {"anonymous"}:
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = users[role]
            sess["_fresh"] = True
            sess["login_at"] = _time.time()
        out[role] = client
    return out


class Statements:
    """SQL statements sent to the database, counted by an engine listener."""

    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


def send(by_role, who, method, path, data, expected):
    resp = (by_role[who].get(path, query_string=data) if method == "GET"
            else by_role[who].post(path, data=data))
    if resp.status_code != expected:
        raise SystemExit(f"{who} {method} {path} gave {resp.status_code}, not {expected}")


def one_round(by_role, counter=None, per_request=None):
    for who, method, path, data, expected in MIX:
        before = counter.count if counter else 0
        send(by_role, who, method, path, data, expected)
        if per_request is not None:
            per_request[(who, method, path)] = counter.count - before


def cpu_per_request(by_role, rounds: int, repeats: int) -> dict:
    """Each request of the mix sent ``rounds`` times in a row: its CPU milliseconds
    (this process's user + system time, so other load on the machine counts little),
    best of ``repeats``."""
    best: dict = {}
    for _ in range(repeats):
        for who, method, path, data, expected in MIX:
            t0 = time.process_time()
            for _ in range(rounds):
                send(by_role, who, method, path, data, expected)
            ms = 1000 * (time.process_time() - t0) / rounds
            key = (who, method, path)
            best[key] = min(best.get(key, ms), ms)
    return best


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--rounds", type=int, default=30, help="rounds of the mix per repeat")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--profile", type=int, default=0, metavar="N",
                   help="profile one repeat with cProfile and print the top N")
    p.add_argument("--test-context", action="store_true",
                   help="keep one app context pushed around every request, as the tests do")
    args = p.parse_args(argv)

    from sqlalchemy import event

    url, drop = h.make_database(args.db, "reqcost")
    try:
        app, users = build(url)
        if args.test_context:
            @app.before_request
            def _forget_cached_user():  # as tests/conftest.py's app fixture does
                from flask import g

                g.pop("_login_user", None)
                g.pop("csrf_token", None)
        outer = app.app_context() if args.test_context else contextlib.nullcontext()
        with outer:
            from app.extensions import db

            with app.app_context():
                engine = db.engine
            counter = Statements()
            event.listen(engine, "before_cursor_execute", counter)
            by_role = clients(app, users)
            per_request: dict = {}
            one_round(by_role)  # warm: templates compiled, caches filled
            one_round(by_role, counter, per_request)
            start_count = counter.count
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(args.rounds):
                one_round(by_role, counter)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            n = len(MIX) * args.rounds
            best = cpu_per_request(by_role, args.rounds, args.repeats)
            print(f"{args.db}{' (test context)' if args.test_context else ''}: "
                  f"{len(MIX)} requests a round, {args.rounds} rounds")
            print(f"  the mix: {1000 * cpu / n:.2f} ms CPU ({1000 * wall / n:.2f} ms wall) per "
                  f"request, {(counter.count - start_count) / n:.1f} SQL statements per request")
            print(f"  each request, CPU ms (best of {args.repeats} runs of {args.rounds}), "
                  "SQL statements:")
            for (who, method, path), ms in best.items():
                print(f"    {ms:7.2f} {per_request[(who, method, path)]:4d}  "
                      f"{who:<13}{method:<5}{path}")
            print(f"    {sum(best.values()) / len(best):7.2f}        mean")
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.rounds):
                    one_round(by_role)
                profiler.disable()
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
                stats.print_stats(args.profile)
                print(out.getvalue())
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
                print(out.getvalue())
            event.remove(engine, "before_cursor_execute", counter)
            with app.app_context():
                db.engine.dispose()
    finally:
        drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
