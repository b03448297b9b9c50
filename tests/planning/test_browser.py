"""A commissioner makes a scenario in a real browser, adds a drop-in at a council
building and sees the newly reached young people in the comparison.

Set ``YVM_SCREENSHOTS=/tmp/some-folder`` to keep phone and desktop screenshots.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
    sign_in,
)
from tests.screenshots import keep

from ..conftest import make_user
from .browser_steps import new_scenario
from .county import build_county

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    keep(page, name)


def test_scenario_with_a_drop_in_at_a_council_building(live_server, browser_page, db):  # noqa: F811
    build_county(db.session)
    make_user(db, "commissioner", email="commissioner@example.org")
    for label, (width, height), js in (("phone", (360, 640), False),
                                       ("desktop", (1280, 800), True)):
        page = browser_page(width=width, height=height, javascript=js)
        new_scenario(page, live_server, "commissioner@example.org",
                     f"Brook drop-in ({label})")
        expect(page).to_have_url(re.compile(r"/planning/scenarios/\d+$"))
        expect(page.locator("#newly-reached")).to_have_text("0")

        page.fill("#add-name", "Brook Friday drop-in")
        page.select_option("#add-service_type", "drop_in")
        page.select_option("#add-building_id", label="Brook Library")
        page.fill("#add-sessions_per_week", "1")
        page.fill("#add-annual_cost", "12000")
        # The scenario page posts to itself and comes back to the same address: wait for
        # the navigation, since the address alone cannot say the new page is there.
        click_and_wait_for_navigation(page, page.locator("#add-title").locator("..").get_by_role(
            "button", name="Add to scenario"))
        expect(page.locator("main")).to_contain_text(
            "Add Brook Friday drop-in (drop-in) at Brook Library")
        expect(page.locator("#newly-reached")).to_have_text("50")
        expect(page.locator("#stop-being-gaps")).to_contain_text("Brook")
        expect(page.locator("#cost-per-person")).to_have_text("£240")
        if js:
            # The map drew the areas and the proposed site.
            expect(page.locator(".leaflet-interactive").first).to_be_visible()
            # Only the fields that fit the chosen change show.
            expect(page.locator("#chg-until")).to_be_hidden()
            page.check("#chg-kind-2")   # extend its grant
            expect(page.locator("#chg-until")).to_be_visible()
            expect(page.locator("#chg-on")).to_be_hidden()
        else:
            expect(page.locator("#chg-until")).to_be_visible()
            expect(page.locator("#chg-on")).to_be_visible()
        _shot(page, f"planning-scenario-{label}")
        assert page.external_requests == []
