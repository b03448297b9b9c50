"""A commissioner, on a phone without JavaScript and on a phone with it, adds a
proposed service to a scenario by postcode in the demo county and sees it in the
scenario's results, each page with JavaScript checked on the phone's screen and again
at 1280x800 (the same document resized); on the desktop a click on the planning map
chooses a place (issue 15).  axe-core finds nothing on the scenario and best-sites
pages at either size.

Screenshots go to ``$YVM_SCREENSHOTS/places-*.png`` when it is set.
"""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import expect

from app.demo import DemoContext
from app.demo import directory as demo_directory
from app.demo import geography as demo_geography
from app.models import Postcode, Service
from tests.browser_support import (  # noqa: F401
    at_sizes,
    browser_page,
    click_and_wait_for_navigation,
    live_server,
    pressable_at,
    sign_in,
)
from tests.directory.test_browser import axe_violations
from tests.screenshots import keep

from ..conftest import make_user
from .browser_steps import new_scenario

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    keep(page, f"places-{name}")


def _remote_postcode(db, ctx) -> str:
    """A live postcode in the village farthest from every active service (a gap)."""
    services = [(s.x, s.y) for s in db.session.query(Service)
                if s.status == "active" and s.x is not None]
    village = max(ctx.info["geography"]["villages"], key=lambda v: min(
        math.hypot(v["x"] - x, v["y"] - y) for x, y in services))
    live = db.session.query(Postcode).filter(Postcode.terminated.is_(None)).all()
    return min(live, key=lambda p: math.hypot(p.x - village["x"], p.y - village["y"])).postcode


def _resized(page, sizes):
    """Each label of ``sizes`` (label, width, height) with the page at that size: the same
    document resized, no second load or click (``at_sizes``); then back to its size."""
    labels = {(width, height): label for label, width, height in sizes}
    for size in at_sizes(page, list(labels)):
        yield labels[size]


def test_a_commissioner_adds_a_proposed_service_by_postcode(live_server, browser_page, db):  # noqa: F811
    ctx = DemoContext()
    demo_geography.build(db.session, ctx)
    demo_directory.build(db.session, ctx)
    db.session.commit()
    postcode = _remote_postcode(db, ctx)
    make_user(db, "commissioner", email="commissioner@example.org")
    # The phone first without JavaScript (postcode and building must work without it),
    # then a window with it (axe-core needs JavaScript to run) that takes each step on
    # the phone's screen and checks each page there and again at 1280x800, the same
    # document resized (as the accessibility sweep does); the map click on the desktop.
    for name, sizes, js in (("360-nojs", [("360-nojs", 360, 640)], False),
                            ("js", [("360", 360, 640), ("1280", 1280, 800)], True)):
        page = browser_page(width=sizes[0][1], height=sizes[0][2], javascript=js)
        # Each button the window presses on the phone is checked pressable at 1280x800
        # too (a trial click: Playwright's checks, nothing pressed).
        new_scenario(page, live_server, "commissioner@example.org", f"Coast drop-in ({name})",
                     also_at=(sizes[-1][1], sizes[-1][2]) if len(sizes) > 1 else None)
        for label in _resized(page, sizes):
            expect(page.locator("h1")).to_have_text(f"Coast drop-in ({name})")
            # The example is a postcode of the demo county's own (the fictional ZZ area).
            expect(page.locator("#add-postcode-hint")).to_have_text(
                re.compile(r"For example, ZZ"))
            assert not js or axe_violations(page) == [], label

        # A postcode that is not in the table is refused beside the field.
        page.fill("#add-name", "Coast Friday drop-in")
        page.fill("#add-postcode", "zz1 0aa")   # demo units start 1-9: never made
        page.fill("#add-annual_cost", "12000")
        add_button = page.locator("#add-title").locator("..").get_by_role(
            "button", name="Add to scenario")
        click_and_wait_for_navigation(
            page, pressable_at(page, add_button, [(w, h) for _, w, h in sizes]))
        for label in _resized(page, sizes):
            expect(page.locator("#add-postcode-error")).to_contain_text(
                "We don't know the postcode ZZ1 0AA")
            expect(page.locator(".error-summary")).to_contain_text("ZZ1 0AA")
            assert not js or axe_violations(page) == [], label
            _shot(page, f"error-{label}")

        # Typed loosely, lower case and without the space, it is found.
        page.fill("#add-postcode", postcode.lower().replace(" ", ""))
        click_and_wait_for_navigation(page, page.locator("#add-title").locator("..")
                                      .get_by_role("button", name="Add to scenario"))
        changes = page.locator(".change-list")
        for label in _resized(page, sizes):
            expect(changes).to_contain_text(
                f"Add Coast Friday drop-in (drop-in) at {postcode}, near ")
            expect(page.locator("#newly-reached")).not_to_have_text("0")
            expect(page.locator("#cost-per-person")).to_be_visible()
            _shot(page, f"scenario-{label}")

            if label == "1280":
                # A click on the map fills the grid reference and names the place.
                expect(page.locator(".leaflet-interactive").first).to_be_visible()
                expect(page.locator(".place-map-hint")).to_be_visible()
                page.locator(".planning-map .folium-map").click()
                chosen = page.locator("#add-postcode-chosen")
                expect(chosen).to_have_text(re.compile(r"^Chosen on the map: near \S.*\.$"))
                expect(page.locator(".place-map-status")).to_contain_text("Chosen on the map")
                expect(page.locator("#add-x")).to_have_value(re.compile(r"^7\d{5}(\.0)?$"))
                expect(page.locator("#add-y")).to_have_value(re.compile(r"^3\d{5}(\.0)?$"))
                expect(page.locator("#add-postcode")).to_have_value("")
                page.fill("#add-name", "Map drop-in")
                page.locator("#add-title").scroll_into_view_if_needed()
                _shot(page, "map-click-1280")
                click_and_wait_for_navigation(page, page.locator("#add-title").locator("..")
                                              .get_by_role("button", name="Add to scenario"))
                expect(changes).to_contain_text("Add Map drop-in (drop-in) at a point near ")
            assert not js or axe_violations(page) == [], label

        page.goto(live_server.url + "/planning/sites?k=2&threshold=30&site_name=Harbour+hall"
                  f"&site_postcode={postcode.replace(' ', '+')}")
        for label in _resized(page, sizes):
            expect(page.locator("#chosen-sites")).to_be_visible()
            expect(page.locator("#candidates")).to_contain_text("Harbour hall")
            assert not js or axe_violations(page) == [], label
            _shot(page, f"sites-{label}")
        assert page.external_requests == []
