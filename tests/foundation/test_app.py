"""Configuration, health, error pages, assets and accounts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.config import ConfigError, load_config

from ..conftest import ROOT, TEST_PASSWORD, make_user


def test_secret_key_required_outside_development():
    with pytest.raises(ConfigError) as err:
        load_config(env={"APP_ENV": "production"})
    assert "SECRET_KEY" in str(err.value)
    assert "export SECRET_KEY" in str(err.value)


def test_wsgi_refuses_to_start_without_secret_key():
    env = {"PATH": "/usr/bin:/bin", "APP_ENV": "production"}
    proc = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "SECRET_KEY is not set" in proc.stderr
    assert "secrets.token_hex" in proc.stderr


def test_development_and_testing_run_without_secret_key():
    assert load_config(env={"APP_ENV": "development"})["SECRET_KEY"]
    assert load_config(env={"APP_ENV": "testing"})["SECRET_KEY"]


def test_database_url_and_disclosure_settings_are_read_from_environment():
    cfg = load_config(env={"APP_ENV": "development", "DATABASE_URL": "postgresql+psycopg://x/y",
                           "DISCLOSURE_MAX_SUPPRESSED": "9", "DISCLOSURE_ROUND_TO": "10"})
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://x/y"
    assert cfg["DISCLOSURE_MAX_SUPPRESSED"] == 9
    assert cfg["DISCLOSURE_ROUND_TO"] == 10
    default = load_config(env={"APP_ENV": "development"})
    assert default["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert default["SQLALCHEMY_DATABASE_URI"].endswith("instance/youth_voice_map.sqlite")
    with pytest.raises(ConfigError, match="DISCLOSURE_ROUND_TO"):
        load_config(env={"APP_ENV": "development", "DISCLOSURE_ROUND_TO": "five"})


def test_healthz_ok_with_database(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(database_url):
    from app import create_app

    bad = "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=1"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": bad})
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.json["database"] == "unreachable"


def test_friendly_404(client):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert "Page not found" in resp.get_data(as_text=True)


def test_friendly_500(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    boom.access_roles = "public"
    resp = client.get("/boom")
    assert resp.status_code == 500
    assert "Sorry, there is a problem with the service" in resp.get_data(as_text=True)


def test_leaflet_is_served_by_the_app(client):
    resp = client.get("/vendor/leaflet/leaflet.js")
    assert resp.status_code == 200
    assert b"Leaflet" in resp.data[:2000]
    assert client.get("/vendor/markercluster/leaflet.markercluster.js").status_code == 200
    assert client.get("/vendor/nope/x.js").status_code == 404


def test_about_data_page_carries_ogl_attribution(client):
    html = client.get("/about/data").get_data(as_text=True)
    assert "Open Government Licence" in html
    assert "Contains OS data © Crown copyright and database right" in html
    assert "English Indices of Deprivation 2019" in html


def test_login_and_logout(app, client, db):
    user = make_user(db, "councillor", email="cllr@example.org")
    resp = client.post("/login", data={"email": "CLLR@example.org", "password": "wrong password!"})
    assert resp.status_code == 401
    assert "not right" in resp.get_data(as_text=True)
    resp = client.post("/login", data={"email": "cllr@example.org", "password": TEST_PASSWORD})
    assert resp.status_code == 302
    assert client.get("/dashboard").status_code == 200
    old_token = db.session.get(type(user), user.id).session_token
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302
    db.session.expire_all()
    assert db.session.get(type(user), user.id).session_token != old_token


def test_login_refuses_offsite_next(client, db):
    make_user(db, "admin", email="a@example.org")
    resp = client.post("/login?next=https://evil.example/", data={"email": "a@example.org",
                                                                  "password": TEST_PASSWORD})
    assert resp.headers["Location"] == "/dashboard"


def test_users_create_command(runner, db, monkeypatch):
    from app.models import User

    monkeypatch.setenv("YVM_PASSWORD", "a long and unusual phrase")
    result = runner.invoke(args=["users", "create", "New@Example.org", "--role", "commissioner"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).one()
    assert (user.email, user.role) == ("new@example.org", "commissioner")
    assert user.password_hash.startswith("$argon2id$")
    result = runner.invoke(args=["users", "create", "x@example.org", "--role", "mayor"])
    assert result.exit_code != 0 and "mayor" in result.output
    monkeypatch.setenv("YVM_PASSWORD", "short")
    result = runner.invoke(args=["users", "create", "y@example.org", "--role", "admin"])
    assert result.exit_code != 0 and "at least 8" in result.output


def test_users_create_prompts_for_password(runner, db, monkeypatch):
    monkeypatch.delenv("YVM_PASSWORD", raising=False)
    result = runner.invoke(args=["users", "create", "p@example.org", "--role", "admin"],
                           input="quiet river stones\nquiet river stones\n")
    assert result.exit_code == 0, result.output


def test_admin_creates_account_with_errors_beside_fields(client, auth, db):
    auth.login_as("admin")
    resp = client.post("/admin/users", data={"email": "bad", "role": "councillor", "password": "short"})
    html = resp.get_data(as_text=True)
    assert "There is a problem" in html
    assert 'href="#email"' in html and 'href="#password"' in html
    resp = client.post("/admin/users", data={"email": "c@example.org", "role": "councillor",
                                              "password": "a long and unusual phrase"})
    assert resp.status_code == 302
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "create" in audit and "User" in audit


def test_logs_carry_no_client_address():
    import logging

    from app.factory import _StripClientAddress

    # Werkzeug inlines the address into the message before logging it.
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '10.1.2.3 - - [25/Nov/2026 10:00:00] "%s" %s %s\n',
                               ("GET / HTTP/1.1", "200", "-"), None)
    _StripClientAddress().filter(record)
    assert "10.1.2.3" not in record.getMessage()
    assert record.getMessage().startswith('- - [25/Nov/2026 10:00:00] "GET / HTTP/1.1" 200')


def test_tiles_without_attribution_are_refused_at_start_up():
    with pytest.raises(ConfigError, match="MAP_TILES_ATTRIBUTION"):
        load_config(env={"APP_ENV": "development",
                         "MAP_TILES_URL": "https://tile.example.org/{z}/{x}/{y}.png"})
    cfg = load_config(env={"APP_ENV": "development",
                           "MAP_TILES_URL": "https://tile.example.org/{z}/{x}/{y}.png",
                           "MAP_TILES_ATTRIBUTION": "© Example"})
    assert cfg["MAP_TILES_ATTRIBUTION"] == "© Example"


def test_a_missing_hook_module_stops_the_app_starting(monkeypatch):
    """Issue 28: the factory skipped a missing init module quietly, so renaming
    app/security.py would have served every page without its security headers."""
    import app.factory as factory

    monkeypatch.setattr(factory, "INIT_MODULES", (*factory.INIT_MODULES, "app.no_such_hook"))
    with pytest.raises(ModuleNotFoundError, match="app.no_such_hook"):
        factory.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize("listing", ["BLUEPRINTS", "CLI_MODULES"])
def test_a_missing_blueprint_or_command_module_stops_the_app_starting(monkeypatch, listing):
    """Every module the factory lists is imported unguarded: a renamed one is an
    error at start, never a feature quietly missing."""
    import app.factory as factory

    monkeypatch.setattr(factory, listing, (*getattr(factory, listing), "app.no_such_module"))
    with pytest.raises(ModuleNotFoundError, match="app.no_such_module"):
        factory.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
