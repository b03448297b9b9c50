"""Sessions: cookie flags, a new session at login, server-side logout, idle and
absolute expiry.  Passwords: length, common ones refused, argon2id."""

from __future__ import annotations

import time

import pytest

from app.auth.passwords import hash_password, password_problem, verify_password
from app.config import load_config

from ..conftest import TEST_PASSWORD, make_user


def _login(client, email, password=TEST_PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def _cookie(resp, name="session"):
    for header in resp.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    return None


def test_session_cookie_flags_outside_development():
    prod = load_config(env={"APP_ENV": "production", "SECRET_KEY": "x" * 32,
                            "PUBLIC_BASE_URL": "https://youthvoice.example.gov.uk"})
    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert load_config(env={"APP_ENV": "development"})["SESSION_COOKIE_SECURE"] is False


def test_login_sets_httponly_samesite_cookie_and_secure_in_production(app, db):
    user = make_user(db, "councillor")
    client = app.test_client()
    cookie = _cookie(_login(client, user.email))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.config["SESSION_COOKIE_SECURE"] = True
    with app.app_context():  # a fresh request: nobody signed in yet
        cookie = _cookie(_login(app.test_client(), user.email))
    assert "Secure" in cookie


def test_new_session_at_login(app, db, client):
    user = make_user(db, "councillor")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    _login(client, user.email)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"].startswith(f"{user.id}:")


def test_logout_ends_the_session_server_side(app, db):
    user = make_user(db, "councillor")
    client = app.test_client()
    _login(client, user.email)
    stolen = client.get_cookie("session").value
    assert client.get("/dashboard").status_code == 200
    client.post("/logout")
    # Someone replaying the old cookie gets nothing.
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    resp = thief.get("/dashboard")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("idle_minutes, expect_signed_in", [(29, True), (31, False)])
def test_idle_timeout_30_minutes(app, db, client, auth, idle_minutes, expect_signed_in):
    auth.login_as("commissioner")
    with client.session_transaction() as sess:
        sess["login_at"] = time.time() - 3600
        sess["last_seen"] = time.time() - idle_minutes * 60
    resp = client.get("/dashboard")
    if expect_signed_in:
        assert resp.status_code == 200
    else:
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
        page = client.get(resp.headers["Location"]).get_data(as_text=True)
        assert "session ended" in page


def test_activity_keeps_the_session_alive(app, db, client, auth):
    auth.login_as("commissioner")
    with client.session_transaction() as sess:
        sess["last_seen"] = time.time() - 25 * 60
    before = time.time()
    assert client.get("/dashboard").status_code == 200
    after = time.time()
    with client.session_transaction() as sess:
        # Stamped during that request (however long a busy machine made it take).
        assert before <= sess["last_seen"] <= after


@pytest.mark.parametrize("hours, expect_signed_in", [(11.9, True), (12.1, False)])
def test_absolute_timeout_12_hours_even_when_active(app, db, client, auth, hours,
                                                     expect_signed_in):
    user = auth.login_as("commissioner")
    old = user.session_token
    with client.session_transaction() as sess:
        sess["login_at"] = time.time() - hours * 3600
        sess["last_seen"] = time.time() - 60
    resp = client.get("/dashboard")
    assert (resp.status_code == 200) is expect_signed_in
    if not expect_signed_in:
        # Ended server-side too: the account's session token was rotated.
        db.session.expire_all()
        assert db.session.get(type(user), user.id).session_token != old


def test_session_without_login_time_is_not_trusted(app, db, client):
    user = make_user(db, "admin")
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
    assert client.get("/dashboard").status_code == 302


# -- passwords -----------------------------------------------------------

@pytest.mark.parametrize("password, problem", [
    ("seven77", "at least 8"),
    ("password", "too common"),
    ("Password1", "too common"),
    ("iloveyou", "too common"),
    ("qwertyuiop", "too common"),
    ("aaaaaaaaaaaa", "too common"),
    ("Herefordshire1", "too easy to guess"),
    ("x" * 257, "at most 256"),
])
def test_weak_passwords_refused(password, problem):
    assert problem in (password_problem(password, "sam@example.org") or "")


def test_own_email_refused():
    assert "email" in password_problem("sam.jones@example.org", "sam.jones@example.org")


@pytest.mark.parametrize("password", [
    "correct horse battery staple",
    "kettle lamp orbit river",
    "Gwynt-y-môr 1987 tŷ bach",  # unicode and spaces are fine
    "a" + "long passphrase with many words " * 7,  # 225 characters: long ones accepted
])
def test_good_passwords_accepted(password):
    assert len(password) <= 256
    assert password_problem(password, "sam@example.org") is None


def test_long_password_is_hashed_in_full():
    long = "kettle lamp orbit river " * 10
    stored = hash_password(long)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(stored, long)
    assert not verify_password(stored, long[:-1])  # no truncation


def test_admin_form_refuses_common_password(app, db, client, auth):
    auth.login_as("admin")
    resp = client.post("/admin/users", data={"email": "new@example.org", "role": "councillor",
                                             "password": "password123"})
    html = resp.get_data(as_text=True)
    assert "too common" in html
    from app.models import User

    assert db.session.query(User).filter_by(email="new@example.org").count() == 0


def test_an_over_long_email_is_refused_for_its_length_alone(app, db, client):
    """The length is checked before the address's form (issue 28: parsing a
    100,000-character address cost a tenth of a second for a certain refusal)."""
    page = client.get("/login").get_data(as_text=True)
    assert 'maxlength="254"' in page
    resp = _login(client, "a" * 100_000 + "@example.org")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'class="error-summary"' in body
    assert "longer than 254 characters" in body
    assert "Enter a valid email address." not in body
    short = _login(client, "not an address").get_data(as_text=True)
    assert "Enter a valid email address." in short


def test_an_unknown_address_costs_the_same_argon2_check_as_a_wrong_password(
        app, db, client, monkeypatch):
    """The dummy hash is made on first use, not at import; a sign-in with an address that
    has no account still verifies the password against an argon2id hash of the same
    parameters, so its time does not tell which addresses have accounts."""
    import app.auth.service as service
    from app.auth.passwords import needs_rehash

    make_user(db, "admin", email="real@example.org")
    checked = []

    def recording(stored_hash, password):
        checked.append(stored_hash)
        return verify_password(stored_hash, password)

    monkeypatch.setattr(service, "verify_password", recording)
    for email in ("nobody@example.org", "real@example.org"):
        assert b"Sign out" not in _login(client, email, "wrong password 123").data
    assert len(checked) == 2
    unknown, real = checked
    assert unknown.startswith("$argon2id$") and not needs_rehash(unknown)
    assert unknown.split("$")[3] == real.split("$")[3]  # m=, t=, p= the same
