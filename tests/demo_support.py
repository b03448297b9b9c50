"""The demo county, built once per test run and copied for each test that asks for it.

Building the demo (``app.demo.build_demo``: geography, roads and buses, directory,
responses, accounts, partners, journeys and the first snapshot) takes 10-25 s on the
shared machine; copying the built database takes a fraction of a second.  A test asks
for it with the ``demo_county`` fixture::

    def test_x(app, db, client, demo_county):
        password = demo_county.accounts["admin@demo.youthvoicemap.example"]
        ...

and its ``app`` (so ``db``, ``client``, ``auth``, ``live_server``) is bound to a fresh copy
of the built demo: a database of its own, dropped after the test, so the test may change
anything in it.  SQLite: the built file is copied with SQLite's backup API.  PostgreSQL:
``CREATE DATABASE copy TEMPLATE demo`` (a file copy inside the server).

``build_demo`` reads the app's settings only for its first snapshot (the disclosure,
cell key, release and hold settings).  So the worker builds the county without it
once (``app.demo.build_county``) and, for each set of those settings a test asks for
through ``app_config``, copies that build and publishes the first snapshot in the copy
(``app.demo.publish_first_snapshot``): a template per set of settings for the cost of a
copy and a snapshot, not of another build.  Other settings do not change what is built.

The pytest-xdist workers of one run share these builds (``SharedBuilds``): the first
worker to need one builds it under a file lock in a folder every worker of the run sees
(the run's pytest temporary folder), keyed by a hash of the code that builds it and of
the settings; the others wait for the lock and copy that build.  The build is
deterministic (``tests/foundation/test_numbers_agree.py`` checks two processes agree),
so every worker gets the demo it would have built itself, passwords included (they
are drawn once per run and kept next to the build).  The last worker to finish drops
the shared builds (a worker that needs one after that builds it again).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# The settings build_demo's first snapshot reads (CellKeyMethod and Schedule.from_config).
PUBLICATION_PREFIXES = ("DISCLOSURE_", "CELL_KEY_", "PUBLISH_", "SURVEY_HOLD_")


@dataclass
class DemoTemplate:
    url: str
    accounts: dict[str, str]
    drop: Callable[[], None]
    build_seconds: float


@dataclass
class DemoCopy:
    """What a test that asks for ``demo_county`` gets: its own database's URL and the demo's
    accounts ({email: password}; the passwords are drawn once per worker)."""

    url: str
    accounts: dict[str, str] = field(default_factory=dict)


def publication_settings(app_config: dict) -> dict:
    return {k: v for k, v in app_config.items() if k.startswith(PUBLICATION_PREFIXES)}


class DemoTemplates:
    """The demo databases built for this run (shared by its workers: ``SharedBuilds``),
    one per set of publication settings."""

    def __init__(self, tmp_dir: Path, shared: SharedBuilds | None = None):
        self.tmp_dir = tmp_dir
        self.built: dict[tuple, DemoTemplate] = {}
        self.shared = shared or SharedBuilds(tmp_dir / "shared")

    def get(self, app_config: dict) -> DemoTemplate:
        settings = publication_settings(app_config)
        key = tuple(sorted((k, repr(v)) for k, v in settings.items()))
        if key not in self.built:
            county = self._county()  # first: the shared lock is not taken twice at once
            self.built[key] = self.shared.get(f"demo {key!r}", self.tmp_dir,
                                              lambda: self._publish(county, settings))
        return self.built[key]

    def _county(self) -> DemoTemplate:
        """The demo without its first snapshot (``app.demo.build_county``: nothing in it
        reads the settings), built once per run whatever the settings."""
        from app.demo import build_county

        key = ("county",)
        if key not in self.built:
            self.built[key] = self.shared.get("county", self.tmp_dir, lambda: self._build(
                {}, len(self.built), build=lambda session, _files:
                build_county(session, progress=lambda *a, **k: None)))
        return self.built[key]

    def _publish(self, county: DemoTemplate, settings: dict) -> DemoTemplate:
        """A copy of the built county with its first snapshot published with ``settings``:
        what ``build_demo`` with them builds (its passwords are the county's)."""
        from app import create_app
        from app.demo import publish_first_snapshot
        from app.extensions import db
        from tests.conftest import TEST_CONFIG

        url, drop = self.copy(county)
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **settings})
        with app.app_context():
            publish_first_snapshot(db.session, app.config, progress=lambda *a, **k: None)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()  # PostgreSQL copies a template only with nobody connected
        return DemoTemplate(url, dict(county.accounts), drop, county.build_seconds)

    def _build(self, settings: dict, n: int, build: Callable) -> DemoTemplate:
        import time

        from app import create_app
        from app.extensions import db
        from tests.conftest import TEST_CONFIG, _worker, make_database

        url, drop = make_database(self.tmp_dir, f"{_worker()}_demo{n}")
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **settings})
        started = time.perf_counter()
        with app.app_context():
            db.create_all()
            files = self.tmp_dir / f"files{n}"
            files.mkdir()
            accounts = build(db.session, files)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()  # PostgreSQL copies a template only with nobody connected
        return DemoTemplate(url, accounts, drop, time.perf_counter() - started)

    def get_built(self, name: str, build: Callable, app_config: dict) -> DemoTemplate:
        """A hand-built county (``build(session, files_dir)`` returns what the test needs,
        such as its ids), built once per worker for ``name`` and these settings."""
        key = ("built", name, tuple(sorted((k, repr(v)) for k, v in app_config.items())))
        if key not in self.built:
            self.built[key] = self._build(app_config, len(self.built), build=build)
        return self.built[key]

    def copy(self, template: DemoTemplate) -> tuple[str, Callable[[], None]]:
        """A fresh database holding the built demo: (url, drop)."""
        url = make_url(template.url)
        if url.get_backend_name() == "postgresql":
            name = f"{url.database}_copy_{uuid.uuid4().hex[:6]}"
            admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
            from tests.conftest import _fast_commits

            _fast_commits(admin, name)  # a database's settings are not copied with it

            def drop():
                with admin.connect() as conn:
                    conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE datname = :n"), {"n": name})
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                admin.dispose()

            return url.set(database=name).render_as_string(hide_password=False), drop
        from tests.conftest import sqlite_dir

        source = Path(url.database)
        path = sqlite_dir(self.tmp_dir) / f"copy-{uuid.uuid4().hex[:6]}.sqlite"
        src, dst = sqlite3.connect(source), sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()

        def remove():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        return f"sqlite:///{path}", remove

    def drop_all(self) -> None:
        for template in self.built.values():
            template.drop()
        self.shared.release()


def code_hash() -> str:
    """A hash of the code a demo build comes from (the app, the test settings and this
    file): a shared build is used only by workers running the same code."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*(root / "app").rglob("*.py"), root / "tests" / "conftest.py",
                        Path(__file__).resolve()]):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    digest.update(os.environ.get("TEST_DATABASE_URL", "").encode())
    return digest.hexdigest()[:16]


def drop_database(url: str) -> None:
    """Drop a database made by ``make_database`` or ``DemoTemplates.copy`` (a SQLite file)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n"), {"n": parsed.database})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
        admin.dispose()
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)


class SharedBuilds:
    """Builds every worker of a run shares, in ``folder`` (one all the run's workers see).

    ``builds.json`` there maps each build's name to its database, its accounts and the
    workers using it; ``lock`` (``flock``) guards it and every build, so the first worker
    to need a build makes it and a worker asking meanwhile waits for it instead of making
    its own.  A SQLite build is kept as a file in ``folder`` (the worker's own SQLite
    folder goes when it ends); a PostgreSQL build is the template database itself."""

    def __init__(self, folder: Path, code: str | None = None, me: str | None = None):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.code = code or code_hash()
        self.me = me or f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}:{os.getpid()}"

    @contextmanager
    def _locked(self) -> Iterator[dict]:
        with open(self.folder / "lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state_file = self.folder / "builds.json"
                state = json.loads(state_file.read_text()) if state_file.exists() else {}
                yield state
                state_file.with_suffix(".tmp").write_text(json.dumps(state))
                state_file.with_suffix(".tmp").replace(state_file)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def get(self, name: str, tmp_dir: Path, build: Callable[[], DemoTemplate]) -> DemoTemplate:
        """The run's build ``name``: made here with ``build()`` if no worker has it yet."""
        key = f"{self.code} {name}"
        with self._locked() as state:
            entry = state.get(key)
            if entry is None:
                template = build()
                url = self._keep(template, tmp_dir)
                entry = state[key] = {"url": url, "accounts": template.accounts,
                                      "seconds": template.build_seconds, "users": []}
            if self.me not in entry["users"]:
                entry["users"].append(self.me)
        return DemoTemplate(entry["url"], dict(entry["accounts"]), lambda: None,
                            entry["seconds"])

    def _keep(self, template: DemoTemplate, tmp_dir: Path) -> str:
        url = make_url(template.url)
        if url.get_backend_name() == "postgresql":
            return template.url
        path = self.folder / f"demo-{uuid.uuid4().hex[:8]}.sqlite"
        src, dst = sqlite3.connect(url.database), sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        template.drop()
        return f"sqlite:///{path}"

    def release(self) -> None:
        """This worker is done with the shared builds: drop those no worker uses now."""
        with self._locked() as state:
            for key, entry in list(state.items()):
                if self.me in entry["users"]:
                    entry["users"].remove(self.me)
                    if not entry["users"]:
                        drop_database(entry["url"])
                        del state[key]


def shared_folder(tmp_path_factory) -> Path:
    """A folder every worker of this run sees: the run's pytest temporary folder (each
    pytest-xdist worker's own is inside it)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return base / "demo-shared"


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory):
    """The run's demo builds (built lazily: a run that needs no demo builds none)."""
    templates = DemoTemplates(tmp_path_factory.mktemp("demo"),
                              SharedBuilds(shared_folder(tmp_path_factory)))
    yield templates
    templates.drop_all()


@pytest.fixture
def _demo_copy(demo_templates, app_config):
    """A fresh copy of the worker's demo (built with this test's publication settings),
    dropped after the test.  The ``app`` fixture binds to it when the test asks for ``demo_county``."""
    template = demo_templates.get(app_config)
    url, drop = demo_templates.copy(template)
    yield DemoCopy(url, dict(template.accounts))
    drop()


@pytest.fixture
def county_builder():
    """Override in a test module to use ``built_county``: ``(name, build)``, where
    ``build(session, files_dir)`` builds the module's county and returns what its
    tests need (its ids)."""
    raise NotImplementedError("a module that uses built_county defines county_builder")


@pytest.fixture
def _built_copy(demo_templates, county_builder, app_config):
    """A fresh copy of the worker's build of this module's county (``county_builder``),
    dropped after the test.  The ``app`` fixture binds to it when the test asks for
    ``built_county``."""
    name, build = county_builder
    template = demo_templates.get_built(name, build, app_config)
    url, drop = demo_templates.copy(template)
    yield DemoCopy(url, dict(template.accounts))
    drop()


@pytest.fixture
def built_county(app, _built_copy):
    """The module's hand-built county (``county_builder``), built once per worker and
    copied for this test: ``app``, ``db`` and ``client`` are bound to the copy; the value
    is what the builder returned (``.accounts``, a dict such as the county's ids)."""
    assert app.config["SQLALCHEMY_DATABASE_URI"] == _built_copy.url
    return _built_copy


@pytest.fixture
def demo_county(app, _demo_copy):
    """The demo county in this test's own database (``app``, ``db``, ``client`` and
    ``live_server`` are bound to it); ``demo.accounts`` maps each demo account's email
    to its password."""
    assert app.config["SQLALCHEMY_DATABASE_URI"] == _demo_copy.url
    return _demo_copy

