"""The home and login pages in a real browser: nothing leaves for another host."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import browser_page, live_server, sign_in, sign_out  # noqa: F401

from ..conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_home_and_login_load_nothing_from_other_hosts(live_server, browser_page, db):  # noqa: F811
    make_user(db, "councillor", email="cllr@example.org")
    for width, height in ((360, 640), (1280, 800)):
        page = browser_page(width=width, height=height)
        page.goto(live_server.url + "/")
        expect(page.locator("h1")).to_have_text("Youth Voice Map")
        page.goto(live_server.url + "/login")
        expect(page.locator("h1")).to_have_text("Staff sign in")
        sign_in(page, live_server.url, "cllr@example.org", TEST_PASSWORD)
        expect(page).to_have_url(live_server.url + "/dashboard")
        expect(page.locator("main")).to_contain_text("signed in as cllr@example.org")
        sign_out(page)
        expect(page).to_have_url(live_server.url + "/login")
        expect(page.locator("h1")).to_have_text("Staff sign in")
        assert page.external_requests == []


def test_axe_checks_a_page_reached_by_a_click_with_its_stylesheets_in(
        live_server, browser_page, db):  # noqa: F811
    """``axe_results`` waits for the page's stylesheets: a click that loads a page over a
    slow network shows its heading while the stylesheets are still on their way, and
    axe-core run then would measure the unstyled language links as too small."""
    from ..directory.test_browser import axe_violations

    page = browser_page(width=1280, height=800)
    page.goto(live_server.url + "/privacy")
    slow = page.context.new_cdp_session(page)
    slow.send("Network.enable")
    slow.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1})
    slow.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.locator("a.brand").click()
    expect(page.locator("h1")).to_have_text("Youth Voice Map")
    assert axe_violations(page) == []
    assert page.evaluate("getComputedStyle(document.querySelector('.language-list a'))"
                         ".minHeight") == "32px"
