"""In a real browser: no Content-Security-Policy violation on any page (map
pages included), and the privacy and 429 pages read well on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import browser_page, live_server, sign_in  # noqa: F401
from tests.screenshots import keep

from ..conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.browser


def _pages(app):
    for rule in app.url_map.iter_rules():
        if ("GET" in rule.methods and "<" not in rule.rule and rule.endpoint != "auth.logout"
                and not rule.endpoint.startswith(("vendor.", "static"))
                and not rule.rule.startswith("/api/") and not rule.rule.endswith((".csv",
                                                                                  ".geojson", ".json"))):
            yield rule.rule


def test_no_csp_violation_on_any_page(app, db, live_server, browser_page):  # noqa: F811
    user = make_user(db, "admin")
    page = browser_page(width=1280, height=800, javascript=True)
    violations = []
    page.on("console", lambda m: violations.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text or "Refused to" in m.text else None)
    sign_in(page, live_server.url, user.email, TEST_PASSWORD)
    visited = 0
    for path in _pages(app):
        resp = page.goto(live_server.url + path)
        if resp is None or resp.status >= 400 or "html" not in resp.headers.get(
                "content-type", ""):
            continue
        visited += 1
    assert visited >= 5
    assert not violations, violations
    assert not page.external_requests


def test_privacy_and_429_pages_on_a_phone(app, live_server, browser_page, clock):  # noqa: F811
    # The limiter's clock stands still (see conftest), so a minute boundary
    # between two tries cannot open a new window and let the third try through.
    from app.ratelimit import get_limiter

    limiter = get_limiter(app)
    limiter.enabled = True
    # A small limit, so the page shows after three tries (each costs an argon2 check).
    next(r for r in limiter.rules if r.name == "login-failed").text = "2 per minute"
    # Each page is loaded once, on the phone, and read at each size (the same document
    # resized: without JavaScript, only the style sheet's media queries tell them apart).
    sizes = ((360, 640), (1280, 800))
    page = browser_page(width=360, height=640, javascript=False)
    page.goto(live_server.url + "/privacy")
    for width, height in sizes:
        page.set_viewport_size({"width": width, "height": height})
        expect(page.locator("h1")).to_have_text("Your privacy")
        # Nothing sideways-scrolls on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        keep(page, f"trust_privacy_{width}")
    page.set_viewport_size({"width": 360, "height": 640})
    for _ in range(3):  # each waits for the answer to its try
        sign_in(page, live_server.url, "x@example.org", "wrong-one")
    for width, height in sizes:
        page.set_viewport_size({"width": width, "height": height})
        expect(page.locator("h1")).to_have_text("Too many tries")
        expect(page.get_by_text("Please wait about")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        keep(page, f"trust_429_{width}")
    limiter.reset()
