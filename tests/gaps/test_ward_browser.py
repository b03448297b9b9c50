"""A councillor picks their ward on a phone and on a desktop and sees it first (issue 15)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
    sign_in_as,
)

from ..conftest import make_user
from ..directory.test_browser import axe_violations
from .test_ward_report import NEAR_NAME, build

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("YVM_SCREENSHOTS")


@pytest.mark.parametrize("width,height", [(360, 640), (1280, 800)])
def test_a_councillor_picks_their_ward_and_sees_it_first(live_server, browser_page, db,  # noqa: F811
                                                         width, height):
    build(db.session)
    make_user(db, "councillor", email="cllr@example.org")
    page = browser_page(width=width, height=height)
    sign_in_as(page, live_server, "cllr@example.org")
    expect(page).to_have_url(live_server.url + "/dashboard")
    expect(page.locator("#your-ward-title")).to_have_text("Your ward")
    page.select_option("#ward", label=NEAR_NAME)
    click_and_wait_for_navigation(page, ".ward-chooser button[type=submit]")

    title = page.locator("#your-ward-title")
    expect(title).to_have_text(f"Your ward: {NEAR_NAME}")
    expect(page.locator("#ward-summary")).to_contain_text("Northmoor Youth Club")
    # First: the ward comes before the county's top five, and the page does not scroll
    # sideways on a phone.
    county = page.get_by_role("heading", name="Across the county", exact=True)
    expect(county).to_be_visible()
    assert title.bounding_box()["y"] < county.bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == [], "dashboard with a ward"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/ward-dashboard-{width}.png", full_page=True)

    click_and_wait_for_navigation(page, "#ward-report-link")
    expect(page.locator("h1")).to_have_text(NEAR_NAME)
    expect(page.locator("#ward-pdf-link")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == [], "ward report"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/ward-report-{width}.png", full_page=True)
