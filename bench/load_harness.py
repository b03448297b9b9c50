"""Shared machinery for the load benchmark and the fault test: start gunicorn,
fill in a form the way a browser would, and send submissions.

Only the standard library on the client side, so the client adds no surprises.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PG_BASE = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


# -- databases -------------------------------------------------------------

def make_database(kind: str, label: str) -> tuple[str, callable]:
    """A fresh database: ('sqlite' | 'postgresql') -> (url, drop)."""
    if kind == "sqlite":
        path = Path(f"/tmp/yvm_{label}_{uuid.uuid4().hex[:6]}.sqlite")

        def drop():
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)

        return f"sqlite:///{path}", drop
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(PG_BASE)
    name = f"yvm_{label}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def create_schema(url: str, migrations: bool = False) -> None:
    """The app's schema: its models' tables (in this process, fast), or through its
    own migrations in a subprocess (as production does) with ``migrations=True``."""
    if migrations:
        subprocess.run([str(Path(PYTHON).with_name("flask")), "--app", "wsgi", "db", "upgrade"],
                       cwd=ROOT, env=app_env(url), check=True, capture_output=True)
        return
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from app import create_app
    from app.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def app_env(url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update({
        "APP_ENV": "production",
        "SECRET_KEY": "bench-secret-" + "x" * 32,
        "PUBLIC_BASE_URL": "http://127.0.0.1",  # the only host it answers to (TRUSTED_HOSTS)
        "DATABASE_URL": url,
        "SESSION_COOKIE_SECURE": "false",  # plain http on 127.0.0.1
        "RATELIMIT_ENABLED": "false",  # one client address sends everything here
        "LOG_LEVEL": "WARNING",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


# -- gunicorn --------------------------------------------------------------

class Gunicorn:
    def __init__(self, target: str, env: dict, workers: int = 2, threads: int = 4,
                 worker_class: str = "gthread", log=None, accesslog: str | None = None):
        # The listening socket is made here and handed to gunicorn (fd://): a port looked
        # up and closed before gunicorn binds it can be taken meanwhile by another test
        # run on the same machine, and gunicorn would exit with "address in use".
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1024)
        self.port = self.listener.getsockname()[1]
        self.url = f"127.0.0.1:{self.port}"
        fd = self.listener.fileno()
        env = dict(env, GUNICORN_BIND=f"fd://{fd}", GUNICORN_WORKERS=str(workers),
                   GUNICORN_THREADS=str(threads), GUNICORN_WORKER_CLASS=worker_class,
                   GUNICORN_ACCESSLOG=accesslog or os.environ.get("BENCH_ACCESSLOG", "/dev/null"),
                   GUNICORN_MAX_REQUESTS="0")
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), target], cwd=ROOT, env=env,
            stdout=log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL,
            start_new_session=True, pass_fds=(fd,))

    def wait_ready(self, path="/healthz", timeout=120.0) -> None:
        """Return once the health check answers 200 (loading the app on a busy
        machine can take a while: the timeout only bounds a server that never starts)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                status, _, _ = request(self.url, "GET", path, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not become ready")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.listener.close()


# -- HTTP -------------------------------------------------------------------

def request(host: str, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None, timeout: float = 10.0, conn=None):
    """(status, headers, body).  Opens a connection unless one is given."""
    own = conn is None
    if own:
        h, p = host.split(":")
        conn = http.client.HTTPConnection(h, int(p), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, resp.headers, data
    finally:
        if own:
            conn.close()


class Form(HTMLParser):
    """The first POST form on a page, filled in as a young person might."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields: list[tuple[str, str]] = []
        self._radios: dict[str, str] = {}
        self.textareas: set[str] = set()
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self._done and (a.get("method") or "").lower() == "post":
            self._in_form = True
            self.action = a.get("action")
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("hidden",):
                self.fields.append((name, a.get("value") or ""))
            elif kind == "radio":
                self._radios.setdefault(name, a.get("value") or "")
            elif kind == "checkbox":
                if not any(n == name for n, _ in self.fields):
                    self.fields.append((name, a.get("value") or "y"))
            elif kind in ("text", "number", "search") and "postcode" not in name:
                if "required" in a:
                    self.fields.append((name, "1"))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select and self._select_value is None:
            if a.get("value"):
                self._select_value = a["value"]
        elif tag == "textarea" and name:
            self.textareas.add(name)
            self.fields.append((name, "More things to do near me after school, please."))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if self._select_value is not None:
                self.fields.append((self._select, self._select_value))
            self._select = None
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True
            self.fields.extend(self._radios.items())

    def set(self, name: str, value: str) -> None:
        """Answer ``name`` with ``value`` (replacing what was filled in)."""
        self.fields = [(n, v) for n, v in self.fields if n != name] + [(name, value)]

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)


_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)
_TAG = re.compile(r"<(input|select|textarea|option)\b([^>]*)>|</(select)>", re.I)
_ATTR = re.compile(r"""([\w-]+)(?:=("[^"]*"|'[^']*'|[^\s>]+))?""")


def parse_form(html: str) -> Form:
    """The first POST form, filled in (a fast regex reading: the client shares
    two cores with the server, and html.parser costs it ~30 ms a page)."""
    import html as htmllib

    f = Form()
    start = re.search(r"<form\b[^>]*method=\"post\"[^>]*>", html, re.I)
    m = _FORM.search(html)
    if not m:
        return f
    f.action = _attrs(start.group(0)).get("action")
    radios: dict[str, str] = {}
    select, select_value = None, None
    for tag, raw, close in _TAG.findall(m.group(1)):
        if close:
            if select and select_value is not None:
                f.fields.append((select, select_value))
            select = None
            continue
        a = _attrs(raw)
        name = a.get("name")
        tag = tag.lower()
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            value = htmllib.unescape(a.get("value") or "")
            if kind == "hidden":
                f.fields.append((name, value))
            elif kind == "radio":
                radios.setdefault(name, value)
            elif kind == "checkbox":
                if not any(n == name for n, _ in f.fields):
                    f.fields.append((name, value or "y"))
            elif kind in ("text", "number", "search") and "postcode" not in name:
                if "required" in a:
                    f.fields.append((name, "1"))
        elif tag == "select" and name:
            select, select_value = name, None
        elif tag == "option" and select and select_value is None and a.get("value"):
            select_value = htmllib.unescape(a["value"])
        elif tag == "textarea" and name:
            f.textareas.add(name)
            f.fields.append((name, "More things to do near me after school, please."))
    f.fields.extend(radios.items())
    return f


def _attrs(raw: str) -> dict:
    out = {}
    for key, value in _ATTR.findall(raw):
        out[key.lower()] = value[1:-1] if value[:1] in ("'", '"') else value
    return out


def cookie_header(headers) -> str:
    cookies = []
    for raw in headers.get_all("Set-Cookie") or []:
        cookies.append(raw.split(";", 1)[0])
    return "; ".join(cookies)


def error_text(html: str) -> str:
    found = re.findall(r'class="error[^"]*"[^>]*>(.*?)<', html, re.S)
    return "; ".join(x.strip() for x in found if x.strip())[:300]


# Answers that differ from "the first option" for the real survey: the free-text
# box is shown only to those aged 13 or over (surveys/youth-voice.yaml).
SURVEY_ANSWERS = {"age_band": "16-17"}


def get_form(host: str, path: str, conn=None):
    """(form, cookie) from a GET of the page."""
    status, headers, body = request(host, "GET", path, conn=conn)
    if status != 200:
        raise RuntimeError(f"GET {path} gave {status}")
    form = parse_form(body.decode())
    for name, value in SURVEY_ANSWERS.items():
        if form.value(name) is not None:
            form.set(name, value)
    return form, cookie_header(headers)


def post_form(host: str, path: str, form: Form, cookie: str, conn=None, timeout=10.0):
    body = urlencode(form.fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    return request(host, "POST", form.action or path, body=body, headers=headers,
                   conn=conn, timeout=timeout)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]
