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
