"""Shared fixtures.

The suite runs against SQLite by default and against PostgreSQL when
``TEST_DATABASE_URL`` names a server database (``.ci/run`` does both).  Each
pytest-xdist worker gets its own database; the schema is created once per
worker and every test starts from empty tables.
"""

from __future__ import annotations

import gc
import os
import uuid
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
HEREFORDSHIRE = SHARED / "geodata" / "herefordshire"
OPENREFERRAL = SHARED / "openreferral"

# Property tests (Hypothesis) draw the same examples on every run by default, so a
# suite that passed once passes again: a new counter-example can never fail a CI run
# at random.  To look for new ones, run them with HYPOTHESIS_PROFILE=explore (random
# examples, ten times as many) and turn what they find into a fixed test.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, max_examples=200,
                                     print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Each test process collects cyclic garbage less often than Python's default (700, 10,
# 10).  A test process holds far more live objects than the app does (pandas, geopandas,
# scipy and shapely imported, the demo county, Hypothesis, Playwright), and at the
# default every tenth young-generation pass starts a full pass over all of them: 43
# full passes of about 0.3 s each in tests/publication, tests/gaps and tests/analysis,
# 14 s of their 110 s.  At these thresholds it is 15 passes and 4 s (docs/BENCHMARKS.md,
# "Garbage collection in the test processes").  Nothing here decides when an object
# goes: what is freed by reference counting still goes at once, and code that needs a
# collection (none does) calls gc.collect().
gc.set_threshold(10_000, 50, 100)


def _share_url_rule_builders() -> None:
    """Compile each URL rule's builder once per worker, not once per test.

    Every test gets an app of its own (``app`` below), and werkzeug compiles two small
    Python functions (from an AST) for each of the app's ~110 URL rules as it adds
    them: most of what ``create_app`` costs, 0.1-0.4 s a test.  A builder is a plain
    function of the rule's parsed parts (the rule object comes in as its first
    argument), so the same rule in the next test's app can use the one compiled
    before.  The key holds everything the compiled code is made from: the rule, its
    parsed trace (host or subdomain included), its defaults and its converters; a
    different werkzeug without this method leaves the compiling as it was.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "shared", False):
        return
    compiled: dict[tuple, object] = {}

    def shared(self, append_unknown: bool = True):
        converters = tuple(sorted(
            (name, type(conv).__module__, type(conv).__qualname__,
             repr(sorted((k, repr(v)) for k, v in vars(conv).items() if k != "map")))
            for name, conv in self._converters.items()))
        key = (append_unknown, self.rule, tuple(self._trace),
               tuple(sorted((k, repr(v)) for k, v in (self.defaults or {}).items())),
               converters)
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    shared.shared = True
    Rule._compile_builder = shared


_share_url_rule_builders()


def _share_compiled_templates() -> None:
    """Compile each Jinja template once per test process, not once per test.

    Every test gets an app of its own, and so a Jinja environment of its own with an
    empty template cache: each test that renders a page parsed and compiled that page's
    templates (``base.html`` and its includes every time) anew, 67 s of the suite's CPU
    (py-spy, 7 December 2026).  Jinja's own answer is a bytecode cache, which keeps a
    template's compiled module and hands it to any environment that asks for the same
    template with the same source: here one in memory, shared by the apps of a process,
    that keeps the code objects themselves (a code object is immutable; each template
    still runs it in a namespace of its own).

    A bucket is only reused for the same template name and file, the same source
    (Jinja checks its checksum and recompiles when the file changed) and the same
    environment options that change compiled code (delimiters, extensions, autoescape,
    finalize, gettext style, optimiser, async): an app made with other options gets a
    compilation of its own.  Production is unchanged (each gunicorn worker compiles a
    template once and keeps it for its life).
    """
    from flask import Flask
    from jinja2 import BytecodeCache
    from jinja2.bccache import Bucket

    if getattr(Flask.create_jinja_environment, "shared", False):
        return
    store: dict[str, tuple[str, object]] = {}  # key -> (source checksum, code object)

    def options(env) -> str:
        def name(f):
            return None if f is None else getattr(f, "__qualname__", repr(f))
        return repr((
            env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string,
            env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
            env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
            sorted(env.extensions), name(env.autoescape) if callable(env.autoescape)
            else env.autoescape, name(env.finalize), env.optimized, env.is_async,
            getattr(env, "newstyle_gettext", None)))

    class Shared(BytecodeCache):
        def get_bucket(self, environment, name, filename, source):
            key = self.get_cache_key(name, filename) + "|" + options(environment)
            bucket = Bucket(environment, key, self.get_source_checksum(source))
            self.load_bytecode(bucket)
            return bucket

        def load_bytecode(self, bucket):
            checksum, code = store.get(bucket.key, (None, None))
            if checksum == bucket.checksum:  # else the file changed: compiled anew
                bucket.code = code

        def dump_bytecode(self, bucket):
            store[bucket.key] = (bucket.checksum, bucket.code)

    make = Flask.create_jinja_environment

    def create_jinja_environment(self):
        env = make(self)
        env.bytecode_cache = Shared()
        return env

    create_jinja_environment.shared = True
    Flask.create_jinja_environment = create_jinja_environment


_share_compiled_templates()


def _share_engines() -> None:
    """The apps of a test process that use the same database share one SQLAlchemy
    engine, and so its cache of compiled SQL.

    SQLAlchemy compiles each statement once per engine and keeps it in the engine's
    cache; every test's app made an engine of its own, so the same few hundred
    statements were compiled again in every test (25 s of a run's CPU, py-spy, 7
    December 2026).  Here an app asking for an engine with the same URL and options
    as an earlier app gets that engine: its event listeners are all on the Engine and
    Session classes (app/sqlite_wal.py, app/tenancy/scoping.py), so nothing of one app
    stays on it, and ``db.engine.dispose()`` at each test's end still closes its
    connections.  An in-memory SQLite database is never shared (each engine is its own
    database), nor is a database with another URL (the demo copies)."""
    from flask_sqlalchemy import SQLAlchemy

    make = SQLAlchemy._make_engine
    if getattr(make, "shared", False):
        return
    engines: dict[str, object] = {}

    def _make_engine(self, bind_key, options, app):
        url = make_url(options["url"])
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return make(self, bind_key, options, app)
        key = repr((bind_key, url.render_as_string(hide_password=False),
                    sorted((k, repr(v)) for k, v in options.items() if k != "url")))
        if key not in engines:
            engines[key] = make(self, bind_key, options, app)
        return engines[key]

    _make_engine.shared = True
    SQLAlchemy._make_engine = _make_engine


_share_engines()


def _memory_limits_sweep_tolerates_a_key_gone() -> None:
    """The tests count rate limits in limits' ``memory://`` store (``TEST_CONFIG``), whose
    timer thread sweeps expired counts by reading ``expirations[key]`` for keys it listed
    a moment before, while a request thread's ``get()`` may remove an expired key in
    between: a KeyError in the timer thread (flask-limiter issue 130, closed as won't
    fix), which pytest reports as a failure of whichever test is running (seen once,
    test_a_school_of_1000_in_a_morning_gets_through on a loaded machine).  The sweep
    here skips such a key, which is gone anyway; the next sweep does the rest.  The
    app never uses ``memory://`` outside tests (app/ratelimit.py: a SQLite file or
    Redis), so nothing the tests check about limits changes."""
    from limits.storage.memory import MemoryStorage

    sweep = MemoryStorage._MemoryStorage__expire_events
    if getattr(sweep, "tolerant", False):
        return

    def tolerant(self) -> None:
        try:
            sweep(self)
        except KeyError:
            pass

    tolerant.tolerant = True
    MemoryStorage._MemoryStorage__expire_events = tolerant


_memory_limits_sweep_tolerates_a_key_gone()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


_SQLITE_DIRS: list[Path] = []


def sqlite_dir(fallback: Path) -> Path:
    """Where this process's throwaway SQLite databases go: a folder of its own in
    memory-backed ``/dev/shm`` where the machine has one with 2 GB free (removed when
    the process ends), else ``fallback``.  Every commit of a SQLite database on disk waits for
    the disk (fsync: 5-8 ms here, 3-4 commits a background job, one or more every
    test); on tmpfs a commit is what it costs the program.  The tests check what a
    commit makes visible to other connections and processes, never a power cut, so
    nothing they check changes.  ``YVM_TEST_DB_ON_DISK=1`` keeps them on disk."""
    if _SQLITE_DIRS:
        return _SQLITE_DIRS[0]
    import atexit
    import shutil
    import tempfile

    shm = Path("/dev/shm")
    if os.environ.get("YVM_TEST_DB_ON_DISK") or not (shm.is_dir() and os.access(shm, os.W_OK)):
        return fallback
    if shutil.disk_usage(shm).free < 2 << 30:  # a container's 64 MB /dev/shm: the disk
        return fallback

    path = Path(tempfile.mkdtemp(prefix=f"yvm-test-{_worker()}-", dir=shm))
    atexit.register(shutil.rmtree, path, True)
    _SQLITE_DIRS.append(path)
    return path


def _fast_commits(engine, name: str) -> None:
    """A throwaway PostgreSQL test database commits without waiting for the WAL to
    reach the disk (``synchronous_commit = off``: a crash of the server could lose
    the last few commits, never corrupt anything; no test crashes the server)."""
    with engine.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))


def make_database(tmp_dir: Path, label: str) -> tuple[str, callable]:
    """Create a throwaway database; return (url, drop)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        url = make_url(base)
        name = f"{url.database or 'yvm_test'}_{label}_{uuid.uuid4().hex[:6]}"
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        _fast_commits(admin, name)

        def drop():
            with admin.connect() as conn:
                conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ), {"n": name})
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            admin.dispose()

        return url.set(database=name).render_as_string(hide_password=False), drop
    path = sqlite_dir(tmp_dir) / f"{label}-{uuid.uuid4().hex[:6]}.sqlite"

    def remove():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return f"sqlite:///{path}", remove


def is_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url, drop = make_database(tmp_path_factory.mktemp("db"), _worker())
    from app import create_app
    from app.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    drop()


def _empty_all_tables(db) -> None:
    """Every table emptied but for the deployment's default council, which stays (as
    `flask db upgrade` makes it in a real deployment), so a test's first request does
    not add a row that a test counting rows would see."""
    from app.models import Base
    from app.models.tenancy import DEFAULT, Council, default_council_id

    db.session.rollback()
    tables = [t for t in Base.metadata.sorted_tables if t.name != Council.__tablename__]
    if db.engine.dialect.name == "postgresql":
        # TRUNCATE makes new files for every table and index it names (0.1-0.8 s for all
        # of them, twice a test); a test writes to a few tables.  So only the tables
        # that hold a row or whose id sequence has been used are truncated (one query
        # finds them), and with RESTART IDENTITY ids start at 1 again as before.  Not
        # DELETE, though it costs the server less: it leaves free space in the tables'
        # pages, and each kept connection (``end_app``) goes on adding rows where it
        # added them before, so rows came back out of the order they were added in
        # (a test reading a table without ORDER BY failed); TRUNCATE starts every table
        # afresh, and its locks wait for a transaction a previous test's job left open.
        dirty = _written_tables(db, tables)
        if dirty:
            names = ", ".join(f'"{name}"' for name in sorted(dirty))
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        # One script of DELETEs through the driver: the same statements as one
        # ``table.delete()`` each, without SQLAlchemy compiling and running ~50 of them.
        script = "".join(f'DELETE FROM "{t.name}";' for t in reversed(tables))
        driver = db.session.connection().connection.driver_connection
        driver.executescript(f"BEGIN;{script}COMMIT;")
    db.session.execute(Council.__table__.delete().where(Council.code != DEFAULT["code"]))
    default_council_id(db.session.connection(), separate=False)
    db.session.commit()


def _written_tables(db, tables) -> set[str]:
    """PostgreSQL: the tables that hold a row, or own a sequence that has handed out an
    id (a row added and deleted or rolled back leaves no row but a used sequence)."""
    with_rows = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
    used_sequences = text(
        "SELECT tab.relname FROM pg_sequences seq "
        "JOIN pg_class s ON s.relname = seq.sequencename AND s.relkind = 'S' "
        "JOIN pg_namespace n ON n.oid = s.relnamespace AND n.nspname = seq.schemaname "
        "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
        "JOIN pg_class tab ON tab.oid = d.refobjid "
        "WHERE seq.schemaname = current_schema() AND seq.last_value IS NOT NULL")
    names = {t.name for t in tables}
    found = set(db.session.scalars(text(with_rows))) | set(db.session.scalars(used_sequences))
    return found & names


TEST_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "RATELIMIT_STORAGE_URI": "memory://",  # per test app: no count shared between tests
    "MAP_TILES_URL": "",
    "SERVER_NAME": None,
}


@pytest.fixture
def app_config():
    """Override in a test module to change the app's config."""
    return {}


@pytest.fixture
def app(request, database_url, app_config, tmp_path_factory):
    from app import create_app
    from app.extensions import db

    # A test that asks for ``demo_county`` gets a fresh copy of the demo county (built once
    # per worker) as its own database; every other test the worker's database, emptied.
    # A test that asks for ``built_county`` gets a copy of its module's hand-built county
    # (``county_builder``), built once per worker, in the same way.
    demo_copy = None
    if "demo_county" in request.fixturenames:
        demo_copy = request.getfixturevalue("_demo_copy")
    elif "built_county" in request.fixturenames:
        demo_copy = request.getfixturevalue("_built_copy")
    url = demo_copy.url if demo_copy else database_url
    # The national map's tiles: a folder of the test's own that does not exist yet (no
    # tiles built), never the checkout's instance/tiles, which the demo may have filled.
    tiles = tmp_path_factory.getbasetemp() / f"tiles-{uuid.uuid4().hex}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "TILES_DIR": str(tiles),
                      **app_config})

    @app.before_request
    def _forget_cached_user():
        # The test's app context (and so ``g``) outlives each request; in
        # production every request has its own.  Drop Flask-Login's cached
        # user (and CSRF token) so each test request gets them from its own
        # session cookie.
        from flask import g

        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF keeps the request's CSRF token on g too

    with app.app_context():
        if demo_copy is None:
            _empty_all_tables(db)
        yield app
        end_app(app, keep_connections=demo_copy is None)


def end_app(app, *, keep_connections: bool) -> None:
    """A test app's end, in its app context.  Its in-process jobs stop, so nothing still
    queued starts on a database about to be emptied or dropped, and its heartbeat thread
    stops.  The worker's database is emptied when the next test starts (``app``), not
    here as well: twice a test was 3,000 emptyings a run for nothing.

    A copy's connections are closed (it is dropped next).  The worker's own database
    keeps its idle pooled connections for the next test's app, which shares the engine
    (``_share_engines``): on PostgreSQL a new connection is a new server process that
    reads the catalogue again for every table it touches, and the statements it has
    prepared are lost.  Nothing of a test stays on such a connection: the pool rolls
    back each connection it takes back, and the app sets its council only for a
    transaction (``set_config(..., true)``, app/tenancy/scoping.py)."""
    from app.extensions import db

    app.extensions["yvm_jobs"].stop()
    db.session.remove()
    if not keep_connections:
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _worker_database_emptied(request):
    """A test that uses the worker's database without the ``app`` fixture (a test of
    its own apps on ``database_url``) starts with it emptied too: ``app`` empties it at
    its start, and no test's end empties it any more."""
    if "database_url" in request.fixturenames and "app" not in request.fixturenames:
        from app import create_app
        from app.extensions import db

        own = create_app({**TEST_CONFIG,
                          "SQLALCHEMY_DATABASE_URI": request.getfixturevalue("database_url")})
        with own.app_context():
            _empty_all_tables(db)
            end_app(own, keep_connections=True)
    yield


@pytest.fixture
def db(app):
    from app.extensions import db

    return db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_HASH_CACHE: dict[str, str] = {}
TEST_PASSWORD = "correct horse battery staple"


def password_hash(password: str = TEST_PASSWORD) -> str:
    if password not in _HASH_CACHE:
        from app.auth.passwords import hash_password

        _HASH_CACHE[password] = hash_password(password)
    return _HASH_CACHE[password]


def make_user(db, role: str, email: str | None = None, password: str = TEST_PASSWORD,
              organisation=None):
    """A staff account; a partner account belongs to ``organisation`` (a new one if not
    given, so every partner page has an organisation to show)."""
    from app.models import Organisation, User

    if role == "partner" and organisation is None:
        organisation = Organisation(name=f"Partner {uuid.uuid4().hex[:6]}", kind="charity")
        db.session.add(organisation)
    user = User(email=email or f"{role}-{uuid.uuid4().hex[:6]}@example.org", role=role,
                password_hash=password_hash(password), organisation=organisation)
    db.session.add(user)
    db.session.commit()
    return user


def sign_in_client(client, user):
    """Sign ``client`` in as ``user`` through its session (no password check)."""
    import time

    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sess["login_at"] = time.time()
    return client


class Auth:
    """Sign a test client in as a role without paying argon2's cost every time."""

    def __init__(self, client, db):
        self.client = client
        self.db = db

    def login_as(self, role: str, organisation=None):
        user = make_user(self.db, role, organisation=organisation)
        sign_in_client(self.client, user)
        return user

    def logout(self):
        with self.client.session_transaction() as sess:
            sess.clear()


@pytest.fixture
def auth(client, db):
    return Auth(client, db)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("YVM_SKIP_BROWSER"):
        skip = pytest.mark.skip(reason="YVM_SKIP_BROWSER is set")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


# One chromium and one live server per worker, shared by the browser tests
# (tests/browser_support.py): the session fixtures behind ``browser_page`` and ``live_server``.
from tests.browser_support import _live_host, chromium  # noqa: E402, F401

# The demo county, built once per worker (tests/demo_support.py): ``demo_county``.
from tests.demo_support import (  # noqa: E402, F401
    _built_copy,
    _demo_copy,
    built_county,
    county_builder,
    demo_county,
    demo_templates,
)

# Real RQ workers on Redis for the job-layer tests (tests/jobs, tests/planning):
# the ``rq_app`` fixture and its ``rq_settings``.
from tests.jobs.rq_support import rq_app, rq_settings  # noqa: E402, F401
