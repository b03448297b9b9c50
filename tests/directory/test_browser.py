"""A young person on a cheap phone, without JavaScript, finds a free, non-uniformed
activity near their postcode in the demo county and reports a wrong time."""

from __future__ import annotations

import os

import pytest

from app.demo import DemoContext
from app.demo import directory as demo_directory
from app.demo import geography as demo_geography
from app.models import Postcode, ServiceReport
from tests.browser_support import browser_page, live_server  # noqa: F401

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("YVM_SCREENSHOTS")  # a folder under /tmp to look at the pages


def test_find_free_non_uniformed_activity_near_a_postcode(live_server, browser_page, db):  # noqa: F811
    ctx = DemoContext()
    demo_geography.build(db.session, ctx)
    demo_directory.build(db.session, ctx)
    db.session.commit()
    # A postcode near the centre of one of the demo county's market towns.
    town = next(t for t in ctx.info["town_centres"] if t["kind"] == "town")
    postcode = min(db.session.query(Postcode),
                   key=lambda p: (p.x - town["x"]) ** 2 + (p.y - town["y"]) ** 2).postcode
    for width, height, js in ((360, 640, False), (1280, 800, True)):
        page = browser_page(width=width, height=height, javascript=js)
        page.goto(live_server.url + "/directory")
        page.fill("#f-near", postcode)
        if not page.is_visible("#f-free"):
            page.click("details.filters summary")
        page.check("#f-free")
        page.check("#f-not_uniformed")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/directory-form-{width}.png", full_page=True)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert f"nearest {postcode} first" in page.inner_text("#results")
        first = page.locator(".service-item").first
        assert "Free" in first.inner_text() and "Uniformed" not in first.inner_text()
        assert "km away" in first.inner_text()
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/directory-results-{width}.png", full_page=True)
        first.locator("h3 a").click()
        page.wait_for_load_state()
        assert "Free" in page.inner_text(".service-meta")
        if js:
            # The small map draws (from the app's own copy of Leaflet).
            page.wait_for_selector(".leaflet-interactive")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/service-{width}-{'js' if js else 'nojs'}.png",
                            full_page=True)
        page.check("#kind-2")  # "The times are wrong"
        page.fill("#message", "It starts at 6.30 now")
        page.click("#report button[type=submit]")
        page.wait_for_load_state()
        assert "A council officer will check this listing" in page.content()
        assert page.external_requests == []
    assert db.session.query(ServiceReport).filter_by(message="It starts at 6.30 now").count() == 2
