"""What the apps of a test process share (tests/conftest.py).

Templates (``_share_compiled_templates``): a second app renders the same page without
compiling it, a template whose file changed is compiled anew, and an environment with
other options never gets another's compiled code.  Engines (``_share_engines``): apps
on the same database share one engine and its compiled SQL; an in-memory database or
another database gets an engine of its own.  And the tests' ``memory://`` rate-limit
store's sweep survives a key removed while it runs
(``_memory_limits_sweep_tolerates_a_key_gone``)."""

from __future__ import annotations

from flask import Flask, render_template_string
from jinja2 import Environment


def _counting(monkeypatch) -> list[str]:
    compiled: list[str] = []
    original = Environment.compile

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Environment, "compile", compile)
    return compiled


def _app(folder) -> Flask:
    return Flask("shared_templates_probe", template_folder=str(folder))


def test_a_second_app_renders_a_page_without_compiling_it(tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text("<p>{{ name }}</p>")
    compiled = _counting(monkeypatch)
    for who in ("<b>first</b>", "second"):
        app = _app(tmp_path)
        with app.test_request_context():
            html = app.jinja_env.get_template("page.html").render(name=who)
        assert html == ("<p>&lt;b&gt;first&lt;/b&gt;</p>" if who != "second"
                        else "<p>second</p>")
    assert compiled == ["page.html"]


def test_a_changed_template_is_compiled_anew(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("<p>old {{ name }}</p>")
    compiled = _counting(monkeypatch)
    app = _app(tmp_path)
    with app.test_request_context():
        assert app.jinja_env.get_template("page.html").render(name="x") == "<p>old x</p>"
    page.write_text("<p>new {{ name }}</p>")
    app = _app(tmp_path)
    with app.test_request_context():
        assert app.jinja_env.get_template("page.html").render(name="x") == "<p>new x</p>"
    assert compiled == ["page.html", "page.html"]


def test_other_options_get_their_own_compilation(tmp_path, monkeypatch):
    """Escaping is decided when a template is compiled: an app that does not escape
    ``.html`` must not get the escaping app's code, nor the other way round."""
    (tmp_path / "page.html").write_text("<p>{{ name }}</p>")
    compiled = _counting(monkeypatch)
    escaping = _app(tmp_path)
    plain = _app(tmp_path)
    plain.jinja_env.autoescape = False
    rendered = []
    for app in (escaping, plain, _app(tmp_path)):
        with app.test_request_context():
            rendered.append(app.jinja_env.get_template("page.html").render(name="<i>"))
    assert rendered == ["<p>&lt;i&gt;</p>", "<p><i></p>", "<p>&lt;i&gt;</p>"]
    assert compiled == ["page.html", "page.html"]


def test_the_apps_own_templates_are_shared(app, monkeypatch):
    """The real app: a page rendered in an earlier app of this process is not compiled
    again (the app's environment carries the shared cache)."""
    with app.test_request_context():
        render_template_string("{% extends 'base.html' %}")  # compiles base.html once
    compiled = _counting(monkeypatch)
    from app import create_app

    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert other.jinja_env.bytecode_cache is not None
    with other.test_request_context():
        other.jinja_env.get_template("base.html")
    assert "base.html" not in compiled


def test_apps_on_one_database_share_an_engine_and_its_compiled_sql(tmp_path):
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    def engine_of(url):
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            return db.engine

    one, other = (f"sqlite:///{tmp_path / name}.sqlite" for name in ("one", "other"))
    first = engine_of(one)
    with first.connect() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("SELECT x FROM t")).all()
        conn.commit()
    compiled = len(first._compiled_cache)
    assert compiled > 0
    assert engine_of(one) is first
    assert engine_of(other) is not first
    assert engine_of("sqlite://") is not engine_of("sqlite://")  # in memory: never shared
    first.dispose()  # as each test's app does at its end: the compiled SQL stays
    assert engine_of(one) is first and len(first._compiled_cache) == compiled
    with first.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0


def test_the_memory_limit_stores_sweep_survives_a_key_removed_meanwhile():
    """limits' ``memory://`` sweep lists the keys, then reads each one's expiry; a request
    thread may remove an expired key in between (``_memory_limits_sweep_tolerates_a_key_gone``)."""
    import time

    from limits.storage.memory import MemoryStorage

    class GoneMeanwhile(dict):
        def keys(self):  # lists a key that a request thread removes before it is read
            return ["gone", *super().keys()]

    storage = MemoryStorage()
    storage.incr("kept", expiry=60)
    storage.incr("expired", expiry=60)
    storage.expirations = GoneMeanwhile(storage.expirations)
    storage.expirations["expired"] = time.time() - 1
    storage._MemoryStorage__expire_events()  # the timer thread's sweep, run here
    assert storage.get("kept") == 1
    assert "kept" in storage.expirations
