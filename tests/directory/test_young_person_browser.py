"""A young person on a phone (no JavaScript) and on a laptop searches with a typo near
their postcode, finds a football club, opens it, sees how to contact and join it, goes
back to the same search and opens the list to share with a parent; axe-core at 0."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
)

from .test_browser import axe_violations, demo_town_postcode, map_settled

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("YVM_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_typo_search_to_a_club_and_how_to_join(live_server, browser_page, db):  # noqa: F811
    postcode = demo_town_postcode(db)
    for width, height, js in ((360, 640, False), (1280, 800, True)):
        page = browser_page(width=width, height=height, javascript=js)
        page.goto(live_server.url + "/directory")
        page.fill("#f-near", postcode)
        page.fill("#f-q", "fotball")
        click_and_wait_for_navigation(page, ".directory-search button[type=submit]")
        expect(page.locator("#corrections")).to_contain_text("“fotball”")
        first = page.locator(".service-item").first
        expect(first).to_contain_text(re.compile(r"Town FC Juniors|Youth Football"))
        expect(first).to_contain_text(re.compile(r"miles \([\d.]+ km\) away"))
        assert page.evaluate("document.documentElement.scrollWidth") == width
        if js:
            map_settled(page, ".results-map")
            assert axe_violations(page) == [], "results"
        _shot(page, f"young-results-{width}")
        click_and_wait_for_navigation(page, first.locator("h3 a"))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile(r"Town FC Juniors$|Youth Football$"))
        join = page.locator("#join")
        expect(join.get_by_role("heading", name="How to join")).to_be_visible()
        expect(join.locator("a.contact-phone")).to_have_attribute("href", re.compile(r"^tel:01632960\d{3}$"))
        expect(join.locator("a.contact-email")).to_have_attribute("href", re.compile(r"^mailto:\S+@example\.org$"))
        expect(join).to_contain_text("Book a free taster session")
        assert page.evaluate("document.documentElement.scrollWidth") == width
        if js:
            assert axe_violations(page) == [], "service page"
        _shot(page, f"young-service-{width}")
        click_and_wait_for_navigation(page, page.get_by_role("link", name="Back to your search"))
        expect(page.locator("#f-q")).to_have_value("fotball")
        expect(page.locator("#f-near")).to_have_value(postcode)
        click_and_wait_for_navigation(page, page.get_by_role("link",
                                                             name=re.compile("^A list of these")))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Activities for young people")
        expect(page.locator(".share-item").first).to_contain_text("01632 960")
        if js:
            assert axe_violations(page) == [], "share page"
        _shot(page, f"young-share-{width}")
        page.emulate_media(media="print")
        expect(page.locator(".share-box")).to_be_hidden()
        expect(page.locator("header.site-header")).to_be_hidden()
        assert page.external_requests == []
