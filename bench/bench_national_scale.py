"""Scale, measured (issue 27): England-sized synthetic councils on PostgreSQL.

Builds ``--councils`` N synthetic councils (default 150) that add up to England:
33,755 LSOAs (1 km squares on a grid in each council's own BNG box, 3 x 3 of them
to a ward), 20,000 services (with weekly sessions, costs and funding end dates) and
500,000 survey responses to the real survey (``surveys/youth-voice.yaml``) with
their answers; publishes each council's snapshot; then measures

(a) the national roll-up, what GET /national and /national/national.csv compute
    (``app.national.service.council_feeds()`` + ``build`` + the CSV), wall time and
    peak memory (a fresh process, so its peak is the roll-up's own);
(b) one council's pages (the gap table /gaps, the directory, the national page)
    through the Flask test client on a host that resolves to that council, in a
    database holding only that council and in the one holding all N.

Rows go in with bulk Core inserts (``session.execute(insert(Model), rows)``) inside
``use_council(id)``, with ``council_id`` set.  Run (deletes and rebuilds the
databases named by DATABASE_URL and DATABASE_URL + "_one")::

    .venv/bin/python bench/bench_national_scale.py \
        postgresql+psycopg://postgres@127.0.0.1:5432/yvm_scale            # 150 councils
    .venv/bin/python bench/bench_national_scale.py URL --small             # 5, quick
    .venv/bin/python bench/bench_national_scale.py URL --measure-only      # keep the data
    .venv/bin/python bench/bench_national_scale.py URL --redis redis://127.0.0.1:6379/9
        # also the roll-up with CACHE_REDIS_URL (that Redis database is flushed)

    .venv/bin/python bench/bench_national_scale.py URL --councils 30 --same-size \
        --rq-redis redis://127.0.0.1:6379/13
        # 30 councils of the 150-council run's size, and (c) below

(c) with ``--rq-redis``: the stored roll-up (docs/NATIONAL.md) rebuilt as a job on two
    RQ worker processes (``flask jobs worker``, a queue of their own on that Redis):
    from ``flask national rebuild --queue``'s call to the finished job, then from a
    committed change in one council to the page showing it; and what a request costs
    once it is stored: GET /national, the national CSV and the HSDS download
    (``/national/openreferral.json``, every council's services), first and median,
    also while a rebuild runs.  (a) times the old on-request work, HSDS included.

Figures: docs/BENCHMARKS.md, "150 councils (issue 27)" and "The stored national roll-up".
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scale_council import build_council, host  # noqa: E402 - bench/ is on sys.path

LSOAS, SERVICES, RESPONSES = 33_755, 20_000, 500_000


def shares(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` whole numbers that differ by at most one."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}/{fifteen:.2f}"


def make_app(url: str, **config):
    from app import create_app

    return create_app({**config, "TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                       "RATELIMIT_STORAGE_URI": "memory://", "SERVER_NAME": None,
                       "MAP_TILES_URL": "", "SQLALCHEMY_DATABASE_URI": url})


def recreate(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


# ---- building (one council: bench/scale_council.py) -----------------------------------

def build_part(url: str, councils: int, scale: float, part: int, jobs: int) -> int:
    """Councils ``part``, ``part + jobs``, ... (one of ``jobs`` build processes)."""
    from app.extensions import db

    app = make_app(url)
    lsoas = shares(int(LSOAS * scale), councils)
    services = shares(int(SERVICES * scale), councils)
    responses = shares(int(RESPONSES * scale), councils)
    firsts = [sum(lsoas[:i]) for i in range(councils)]
    t0, answers = time.perf_counter(), 0
    with app.app_context():
        for n, i in enumerate(range(part, councils, jobs), start=1):
            answers += build_council(db, i, lsoas[i], services[i], responses[i], firsts[i])
            if n % 5 == 0:
                print(f"  [{part}] built {n} councils, {time.perf_counter() - t0:,.0f} s, "
                      f"{load()}", file=sys.stderr, flush=True)
        db.session.remove()
        db.engine.dispose()
    return answers


def build(url: str, councils: int, scale: float, jobs: int) -> dict:
    """Create the database and build the councils in ``jobs`` processes (the
    default council, council 0, is made first by ``create_all``'s first use)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Area, Council, Response, Service

    recreate(url)
    t0 = time.perf_counter()
    app = make_app(url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    procs = [subprocess.Popen([sys.executable, __file__, url, "--phase", "build",
                               "--councils", str(councils), "--scale", str(scale),
                               "--part", str(part), "--jobs", str(jobs)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
             for part in range(jobs)]
    answers = 0
    for proc in procs:
        out, _err = proc.communicate()
        if proc.returncode:
            raise SystemExit(proc.returncode)
        answers += json.loads(out.strip().splitlines()[-1])["answers"]
    built = time.perf_counter() - t0
    with app.app_context():
        counts = {name: db.session.execute(select(func.count()).select_from(model)
                                           .where(*where)
                                           .execution_options(all_councils=True)).scalar()
                  for name, model, where in (
                      ("councils", Council, ()), ("lsoas", Area, (Area.level == "lsoa",)),
                      ("wards", Area, (Area.level == "ward",)), ("services", Service, ()),
                      ("responses", Response, ()))}
        db.session.remove()
        db.engine.dispose()
    return {**counts, "answers": answers, "build_s": round(built, 1), "build_jobs": jobs,
            "build_load": load()}


def build_one(url: str, councils: int, scale: float) -> None:
    """The same council 0 alone in its own database."""
    from app.extensions import db

    recreate(url)
    app = make_app(url)
    with app.app_context():
        db.create_all()
        build_council(db, 0, shares(int(LSOAS * scale), councils)[0],
                      shares(int(SERVICES * scale), councils)[0],
                      shares(int(RESPONSES * scale), councils)[0], 0)
        db.session.remove()
        db.engine.dispose()


# ---- measuring ----------------------------------------------------------------------

def rollup(url: str, redis: str) -> dict:
    """GET /national's work and the CSV's: once cold (a fresh process, modules already
    imported as in a running server), then again (cached gap views, if the cache holds
    every council's: the in-process LRU keeps CACHE_MAX_ENTRIES, Redis all)."""
    import app.gaps.service  # noqa: F401 - a running server has these imported
    from app.extensions import db
    from app.national import releases
    from app.national.service import _with_services, council_feeds
    from app.publication.national import build as build_picture

    app = make_app(url, CACHE_REDIS_URL=redis)
    out = {"load_before": load(), "cache": "redis" if redis else "in-process LRU"}
    if redis:
        import redis as redis_client

        redis_client.Redis.from_url(redis).flushdb()
    for attempt in ("cold", "again"):
        with app.test_request_context("/national"):
            t0 = time.perf_counter()
            feeds = council_feeds()
            t1 = time.perf_counter()
            picture = build_picture(f.release for f in feeds)
            rows = releases.csv_rows(picture)
            answers = releases.answer_csv_rows(picture)
            t2 = time.perf_counter()
            hsds = json.dumps(releases.hsds_document(_with_services(feeds)))
            t3 = time.perf_counter()
            db.session.remove()
        out[attempt] = {"feeds_s": round(t1 - t0, 1), "build_csv_s": round(t2 - t1, 2),
                        "total_s": round(t2 - t0, 1), "hsds_s": round(t3 - t2, 1),
                        "hsds_mb": round(len(hsds) / 1e6, 1)}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {**out, "feeds": len(feeds), "peak_rss_mb": round(peak_mb), "csv_rows": len(rows),
            "answer_rows": len(answers), "load_after": load()}


def pages(url: str, repeat: int, national: bool) -> dict:
    """Council 0's pages on its own host: the first (cold) request and the median of
    ``repeat`` more."""
    from sqlalchemy import select

    from app.auth.passwords import hash_password
    from app.extensions import db
    from app.models import Council, User
    from app.models.tenancy import use_council

    app = make_app(url)
    base = f"http://{host(0)}"
    out = {"load": load()}
    with app.app_context():
        council_id = db.session.scalar(select(Council.id).where(Council.host == host(0)))
        with use_council(council_id):
            email = "bench-commissioner@scale.example"
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                user = User(email=email, role="commissioner", password_hash=hash_password("x" * 20))
                db.session.add(user)
                db.session.commit()
            user_id = user.get_id()
        db.session.remove()
    client = app.test_client()
    with client.session_transaction(base_url=base) as sess:
        sess["_user_id"] = user_id
        sess["_fresh"] = True
        sess["login_at"] = time.time()
    urls = [("gap table /gaps", "/gaps"), ("directory /directory", "/directory")]
    if national:
        urls.append(("national /national", "/national"))
    for label, path in urls:
        times = []
        for _n in range(1 + (repeat if "national" not in path else 0)):
            t0 = time.perf_counter()
            response = client.get(path, base_url=base)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        out[label] = {"first_ms": round(times[0]),
                      "median_ms": round(statistics.median(times[1:] or times))}
    return out


def timed_get(client, path: str, base: str, repeat: int) -> dict:
    times, size = [], 0
    for _n in range(1 + repeat):
        t0 = time.perf_counter()
        response = client.get(path, base_url=base)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.get_data())
    return {"first_ms": round(times[0]), "median_ms": round(statistics.median(times[1:])),
            "kb": round(size / 1024)}


def rq_rollup(url: str, redis: str, repeat: int) -> dict:
    """(c): the roll-up as a job on two RQ workers, and the stored roll-up's requests."""
    import uuid

    from sqlalchemy import select

    from app.extensions import db
    from app.jobs import ledger
    from app.jobs.national import queue_rebuild
    from app.models import Council, Service
    from app.models.tenancy import use_council
    from app.national.rollup import latest_id

    queue = f"yvm-bench-{uuid.uuid4().hex[:8]}"
    settings = {"REDIS_URL": redis, "JOBS_QUEUE": queue, "NATIONAL_KEEP_CURRENT": True,
                "NATIONAL_SETTLE_SECONDS": 0.0}
    app = make_app(url, **settings)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "APP_ENV": "development",
           "DATABASE_URL": url, "REDIS_URL": redis, "JOBS_QUEUE": queue,
           "NATIONAL_SETTLE_SECONDS": "0"}
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs",
                                 "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(2)]
    from rq import Worker

    ready = time.perf_counter()
    pids = {proc.pid for proc in workers}
    while not pids <= {w.pid for w in Worker.all(connection=app.extensions["yvm_jobs"].connection)}:
        time.sleep(0.2)  # both started (imports done) before the clock starts
    out: dict = {"workers": len(workers), "workers_start_s": round(time.perf_counter() - ready, 1),
                 "load_before": load()}
    base = f"http://{host(0)}"
    client = app.test_client()

    def wait(jid: str) -> float:
        t0 = time.perf_counter()
        while (row := ledger.get(jid)) is None or row.state not in ("finished", "failed"):
            time.sleep(0.2)
        assert row.state == "finished", row.error
        return time.perf_counter() - t0

    try:
        with app.app_context():
            t0 = time.perf_counter()
            info = queue_rebuild()
            wait(info.id)
            out["queued_to_stored_s"] = round(time.perf_counter() - t0, 1)
            from sqlalchemy import func, select

            from app.extensions import db
            from app.models import NationalRollup

            # The stored roll-up's size: the picture as JSON and the HSDS text.
            out["stored_mb"] = round(db.session.scalar(select(
                func.length(func.cast(NationalRollup.picture, db.Text))
                + func.length(NationalRollup.hsds))) / 1e6, 1)
            db.session.rollback()
            out["stored"] = {"page /national": timed_get(client, "/national", base, repeat),
                             "national.csv": timed_get(client, "/national/national.csv",
                                                       base, repeat),
                             "HSDS openreferral.json": timed_get(
                                 client, "/national/openreferral.json", base, repeat)}
            # A change in council 5, committed in a context of its own (as a request
            # would): the rebuild is queued when that context ends.
            before = latest_id()
            council_id = db.session.scalar(select(Council.id).where(Council.host == host(5)))
            t0 = time.perf_counter()
            with app.app_context(), use_council(council_id):
                first = db.session.scalar(select(Service).order_by(Service.id).limit(1))
                first.name = first.name + " (renamed)"
                first.capacity = (first.capacity or 0) + 1
                first.status = "paused" if first.status == "active" else "active"
                db.session.commit()
            during = timed_get(client, "/national", base, repeat)
            while latest_id() == before:
                time.sleep(0.2)
            out["change_to_stored_s"] = round(time.perf_counter() - t0, 1)
            out["during_rebuild"] = {"page /national": during}
            out["national_jobs"] = len([j for j in ledger.active(kind="national")])
            db.session.remove()
    finally:
        for proc in workers:
            proc.terminate()
        for proc in workers:
            proc.wait(timeout=60)
        app.extensions["yvm_jobs"].queue.delete(delete_jobs=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {**out, "request_process_peak_rss_mb": round(peak_mb), "load_after": load()}


def child(args: list[str]) -> dict:
    """Run a measurement in a fresh interpreter; its last line is JSON."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(done.returncode)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", nargs="?", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--councils", type=int, default=150)
    parser.add_argument("--small", action="store_true",
                        help="5 councils of the same size as the full run's")
    parser.add_argument("--measure-only", action="store_true",
                        help="measure the databases already built")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--redis", default="",
                        help="also time the roll-up with the gap views cached in this Redis "
                             "(CACHE_REDIS_URL; its database is flushed)")
    parser.add_argument("--jobs", type=int, default=2, help="build processes")
    parser.add_argument("--same-size", action="store_true",
                        help="councils of the 150-council run's size (not England split "
                             "into --councils)")
    parser.add_argument("--rq-redis", default="",
                        help="also time the stored roll-up rebuilt on 2 RQ workers on this "
                             "Redis (a queue of its own, deleted afterwards)")
    parser.add_argument("--phase", choices=["build", "rollup", "pages", "pages-national", "rq"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--part", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give DATABASE_URL (postgresql+psycopg://...)")
    url = args.database_url
    if args.phase == "build":
        print(json.dumps({"answers": build_part(url, args.councils, args.scale, args.part,
                                                args.jobs)}))
        return
    if args.phase == "rollup":
        print(json.dumps(rollup(url, args.redis)))
        return
    if args.phase == "rq":
        print(json.dumps(rq_rollup(url, args.rq_redis, args.repeat)))
        return
    if args.phase:
        print(json.dumps(pages(url, args.repeat, args.phase == "pages-national")))
        return
    councils = 5 if args.small else args.councils
    # --small: 5 councils of ~225 LSOAs; --same-size: N of them
    scale = councils / 150 if args.small or args.same_size else 1.0
    one = url + "_one"
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores")
    if not args.measure_only:
        print(json.dumps({"built": build(url, councils, scale, args.jobs)}), flush=True)
        build_one(one, councils, scale)
    print(json.dumps({"rollup": child([url, "--phase", "rollup"])}), flush=True)
    if args.rq_redis:
        print(json.dumps({"rollup_rq_stored": child([url, "--phase", "rq", "--rq-redis",
                                                     args.rq_redis, "--repeat",
                                                     str(args.repeat)])}), flush=True)
    if args.redis:
        print(json.dumps({"rollup_redis_cache": child([url, "--phase", "rollup", "--redis",
                                                       args.redis])}), flush=True)
    print(json.dumps({"pages_1_council": child([one, "--phase", "pages-national",
                                                "--repeat", str(args.repeat)])}), flush=True)
    print(json.dumps({f"pages_{councils}_councils": child(
        [url, "--phase", "pages", "--repeat", str(args.repeat)])}), flush=True)


if __name__ == "__main__":
    main()
