"""``sign_in_as`` (tests/browser_support.py), which most browser tests use, signs a
browser in by a session cookie that the test's own app signs, without the password
check.  It must give what the sign-in form gives, or those tests would test something
else: the session and cookies are the form's, every role lands on its own start page,
and a cookie changed in the browser, or signed with another key, signs nobody in."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect

from app.models import User
from app.models.users import ROLES
from app.ratelimit import DEVICE_COOKIE
from tests.browser_support import (  # noqa: F401
    browser_page,
    live_server,
    session_cookies,
    sign_in,
    sign_in_as,
)
from tests.conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.browser

# What a cookie is, apart from its value and expiry.
ATTRIBUTES = ("name", "domain", "path", "httpOnly", "secure", "sameSite")
START = {"partner": "/partner", "national_admin": "/national-admin/councils"}


def _shape(cookie: dict) -> tuple:
    return tuple(cookie[key] for key in ATTRIBUTES)


def test_a_cookie_sign_in_gives_what_the_form_gives(
        app, db, live_server, browser_page):  # noqa: F811
    # The one argon2 check here is the comparison's other half: the form's own session.
    make_user(db, "councillor", email="form@example.org")
    make_user(db, "councillor", email="Cookie@Example.org")
    by_form = browser_page(javascript=False)
    sign_in(by_form, live_server.url, "form@example.org", TEST_PASSWORD)
    expect(by_form).to_have_url(live_server.url + "/dashboard")
    by_cookie = browser_page(javascript=False)
    sign_in_as(by_cookie, live_server, "cookie@example.org")  # any case, as the form
    expect(by_cookie).to_have_url(live_server.url + "/dashboard")
    expect(by_cookie.locator("main")).to_contain_text("signed in as Cookie@Example.org")

    interface = app.session_interface
    name = interface.get_cookie_name(app)
    reader = interface.get_signing_serializer(app)
    form_cookies = {c["name"]: c for c in by_form.context.cookies()}
    cookie_cookies = {c["name"]: c for c in by_cookie.context.cookies()}
    # The same cookies with the same flags (one each: a session cookie set on another
    # path or domain than the server's would be a second one), expiring together.
    assert sorted(map(_shape, by_form.context.cookies())) == sorted(
        map(_shape, by_cookie.context.cookies()))
    assert set(form_cookies) == {name, DEVICE_COOKIE}
    for cookie in (name, DEVICE_COOKIE):
        assert abs(form_cookies[cookie]["expires"] - cookie_cookies[cookie]["expires"]) < 60
    # What the helper sets, before the server has answered, is shaped the same.
    user_agent = by_cookie.evaluate("navigator.userAgent")
    made = session_cookies(app, "cookie@example.org", user_agent=user_agent, host="127.0.0.1")
    assert sorted(map(_shape, made)) == sorted(map(_shape, by_form.context.cookies()))
    by_cookie.context.add_cookies(made)
    by_cookie.goto(live_server.url + "/dashboard")
    expect(by_cookie.locator("main")).to_contain_text("signed in as Cookie@Example.org")

    # The same session: the same keys, fresh (Flask-Login's identifier of this browser
    # matches), permanent, and for the account's current session token.
    form_session = reader.loads(form_cookies[name]["value"])
    cookie_session = reader.loads(
        {c["name"]: c for c in by_cookie.context.cookies()}[name]["value"])
    assert set(form_session) == set(cookie_session)
    for key in ("_fresh", "_id", "_permanent"):
        assert form_session[key] == cookie_session[key], key
    assert form_session["_fresh"] is True and form_session["_permanent"] is True
    assert cookie_session["last_seen"] >= cookie_session["login_at"]
    db.session.expire_all()
    for email, session in (("form@example.org", form_session),
                           ("Cookie@Example.org", cookie_session)):
        user = db.session.query(User).filter_by(email=email).one()
        assert session["_user_id"] == user.get_id()
        assert user.last_login_at is not None and user.failed_logins == 0


def test_every_role_lands_on_its_start_page(db, live_server, browser_page):  # noqa: F811
    page = browser_page(javascript=False)
    for role in ROLES:
        user = make_user(db, role)
        sign_in_as(page, live_server, user)
        expect(page).to_have_url(live_server.url + START.get(role, "/dashboard"))
        if role not in START:
            expect(page.locator("main")).to_contain_text(f"signed in as {user.email}")


def test_a_changed_or_foreign_cookie_signs_nobody_in(
        app, db, live_server, browser_page):  # noqa: F811
    user = make_user(db, "admin")
    page = browser_page(javascript=False)
    user_agent = page.evaluate("navigator.userAgent")
    session, device = session_cookies(app, user, user_agent=user_agent, host="127.0.0.1")
    reader = app.session_interface.get_signing_serializer(app)
    payload, signature = session["value"].rsplit(".", 1)
    middle = len(signature) // 2
    changed = signature[:middle] + ("A" if signature[middle] != "A" else "B") + \
        signature[middle + 1:]
    other = Flask("another deployment")
    other.secret_key = "not this app's key"
    foreign = app.session_interface.get_signing_serializer(other).dumps(
        reader.loads(session["value"]))
    for label, value in (("changed", f"{payload}.{changed}"), ("foreign", foreign)):
        page.context.add_cookies([{**session, "value": value}, device])
        page.goto(live_server.url + "/dashboard")
        expect(page, label).to_have_url(re.compile(r"/login\?next=(/|%2F)dashboard$"))
        expect(page.locator("form[action='/logout']")).to_have_count(0)
    # The cookie as signed does sign in.
    page.context.add_cookies([session, device])
    page.goto(live_server.url + "/dashboard")
    expect(page.locator("main")).to_contain_text(f"signed in as {user.email}")
