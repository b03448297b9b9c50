"""The apps of a test process compile each template once (``_share_compiled_templates``
in tests/conftest.py): a second app renders the same page without compiling it, a
template whose file changed is compiled anew, and an environment with other options
never gets another's compiled code."""

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
