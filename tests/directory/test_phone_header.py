"""The header on a phone: one line of menu for the public, one "Menu" button for staff;
both open without JavaScript (<details>), and pass axe-core."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401

from ..conftest import make_user
from .test_browser import axe_violations

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("YVM_SCREENSHOTS")
LINE = 48  # px: one line of links at 44 px touch height


@pytest.mark.parametrize("width", [320, 360])
def test_public_menu_is_one_line_and_staff_get_a_menu_button(live_server, browser_page, db,  # noqa: F811
                                                             width):
    page = browser_page(width=width, height=640, javascript=False)
    page.goto(live_server.url + "/directory")
    nav = page.locator("nav.site-nav")
    expect(nav.get_by_role("link", name="Find activities")).to_be_visible()
    assert nav.bounding_box()["height"] <= LINE
    assert page.evaluate("document.documentElement.scrollWidth") == width
    expect(nav.get_by_role("link", name="Staff sign in")).to_be_hidden()
    nav.locator("summary").click()
    expect(nav.get_by_role("link", name="Staff sign in")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/header-public-{width}.png")

    make_user(db, "admin", email="admin@example.org")
    page = browser_page(width=width, height=640, javascript=False)
    sign_in_as(page, live_server, "admin@example.org")
    page.goto(live_server.url + "/directory")
    nav = page.locator("nav.site-nav")
    header = page.locator("header.site-header").bounding_box()["height"]
    assert header <= 100, header  # the brand and the Menu button, side by side
    expect(nav.get_by_role("link", name="Accounts")).to_be_hidden()
    nav.get_by_text("Menu").click()
    expect(nav.get_by_role("link", name="Accounts")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    assert axe_violations_js(browser_page, live_server, width) == []
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/header-staff-{width}.png")


def axe_violations_js(browser_page, live_server, width):  # noqa: F811
    page = browser_page(width=width, height=640, javascript=True)
    page.goto(live_server.url + "/directory")
    page.locator("nav.site-nav summary").click()
    return axe_violations(page)


def test_wide_screens_show_every_link_in_a_row(live_server, browser_page, db):  # noqa: F811
    page = browser_page(width=1280, height=800)
    page.goto(live_server.url + "/directory")
    nav = page.locator("nav.site-nav")
    expect(nav.get_by_role("link", name="Staff sign in")).to_be_visible()
    expect(nav.locator("summary")).to_be_hidden()
