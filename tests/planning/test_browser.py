"""A commissioner makes a scenario in a real browser, adds a drop-in at a council
building and sees the newly reached young people in the comparison.

Set ``YVM_SCREENSHOTS=/tmp/some-folder`` to keep phone and desktop screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser_support import browser_page, live_server, sign_in  # noqa: F401

from ..conftest import TEST_PASSWORD, make_user
from .county import build_county

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    folder = os.environ.get("YVM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_scenario_with_a_drop_in_at_a_council_building(live_server, browser_page, db):  # noqa: F811
    build_county(db.session)
    make_user(db, "commissioner", email="commissioner@example.org")
    for label, (width, height), js in (("phone", (360, 640), False),
                                       ("desktop", (1280, 800), True)):
        page = browser_page(width=width, height=height, javascript=js)
        sign_in(page, live_server.url, "commissioner@example.org", TEST_PASSWORD)
        page.wait_for_url("**/dashboard")
        page.goto(live_server.url + "/planning")
        page.fill("#name", f"Brook drop-in ({label})")
        page.get_by_role("button", name="Make scenario").click()
        page.wait_for_url("**/planning/scenarios/*")
        assert page.locator("h1").inner_text() == f"Brook drop-in ({label})"
        assert page.locator("#newly-reached").inner_text() == "0"

        page.fill("#add-name", "Brook Friday drop-in")
        page.select_option("#add-service_type", "drop_in")
        page.select_option("#add-building_id", label="Brook Library")
        page.fill("#add-sessions_per_week", "1")
        page.fill("#add-annual_cost", "12000")
        page.locator("#add-title").locator("..").get_by_role("button",
                                                             name="Add to scenario").click()
        page.wait_for_url("**/planning/scenarios/*")
        assert "Add Brook Friday drop-in (drop-in) at Brook Library" in page.content()
        assert page.locator("#newly-reached").inner_text() == "50"
        assert "Brook" in page.locator("#stop-being-gaps").inner_text()
        assert page.locator("#cost-per-person").inner_text() == "£240"
        if js:
            # The map drew the areas and the proposed site.
            page.wait_for_selector(".leaflet-interactive")
            # Only the fields that fit the chosen change show.
            assert not page.is_visible("#chg-until")
            page.check("#chg-kind-2")   # extend its grant
            assert page.is_visible("#chg-until") and not page.is_visible("#chg-on")
        else:
            assert page.is_visible("#chg-until") and page.is_visible("#chg-on")
        _shot(page, f"planning-scenario-{label}")
        assert page.external_requests == []
