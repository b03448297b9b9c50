"""The home and login pages in a real browser: nothing leaves for another host."""

from __future__ import annotations

import pytest

from tests.browser_support import browser_page, live_server, sign_in  # noqa: F401

from ..conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_home_and_login_load_nothing_from_other_hosts(live_server, browser_page, db):  # noqa: F811
    make_user(db, "councillor", email="cllr@example.org")
    for width, height in ((360, 640), (1280, 800)):
        page = browser_page(width=width, height=height)
        page.goto(live_server.url + "/")
        assert page.locator("h1").inner_text() == "Youth Voice Map"
        page.goto(live_server.url + "/login")
        assert page.locator("h1").inner_text() == "Staff sign in"
        sign_in(page, live_server.url, "cllr@example.org", TEST_PASSWORD)
        page.wait_for_url("**/dashboard")
        assert "signed in as cllr@example.org" in page.locator("main").inner_text()
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login")
        assert page.external_requests == []
