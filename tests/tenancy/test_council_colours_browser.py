"""Each council's header in its own colours, in a real browser, on a phone and a
desktop: axe-core finds no violation (contrast among them) on any of them, the
phone's open menu included, and the deployment's own council, with no colours,
keeps the app's.  Screenshots go to ``YVM_SCREENSHOTS`` when set, else the test's
temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.models import Council
from app.tenancy.service import add_council
from tests.browser_support import browser_page, live_server  # noqa: F401
from tests.directory.test_browser import axe_violations

pytestmark = pytest.mark.browser


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


# path prefix -> (header bar, its text, strip, its text)
HEADERS = {
    "": ("#1d4e5f", "#ffffff", "#123540", "#ffffff"),  # the app's own, as it always was
    "/bravo": ("#ffdd00", "#0b0c0c", "#28a197", "#0b0c0c"),  # light: near-black text
    "/stockton": ("#005ea5", "#ffffff", "#003a66", "#ffffff"),  # dark: white text
}


def test_each_council_s_header_in_its_colours_passes_axe(live_server, browser_page, db,  # noqa: F811
                                                         two_councils, tmp_path):
    a, b = two_councils
    bravo = db.session.get(Council, b.id)
    bravo.colour_primary, bravo.colour_accent = "#ffdd00", "#28a197"
    db.session.commit()
    add_council(db.session, "E06000004", "Stockton Council", path_prefix="stockton",
                colour_primary="#005ea5")
    shots = Path(os.environ.get("YVM_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for width, height in ((360, 640), (1280, 800)):
        page = browser_page(width=width, height=height, javascript=True)
        for prefix, (bar, text, strip, strip_text) in HEADERS.items():
            page.goto(live_server.url + prefix + "/")
            header = page.locator("header.site-header")
            expect(header).to_have_css("background-color", rgb(bar))
            expect(header).to_have_css("border-bottom-color", rgb(strip))
            expect(page.locator("a.brand")).to_have_css("color", rgb(text))
            expect(page.locator(".language-switcher")).to_have_css("background-color",
                                                                   rgb(strip))
            expect(page.locator(".language-list a").first).to_have_css("color",
                                                                       rgb(strip_text))
            name = prefix.strip("/") or "own"
            page.screenshot(path=str(shots / f"council-{name}-{width}.png"), full_page=True)
            assert axe_violations(page) == [], (prefix, width)
            if width == 360:  # the phone's "More" menu drops down in the header's colours
                page.locator("nav.site-nav summary").click()
                menu = page.locator(".nav-menu-list")
                expect(menu).to_be_visible()
                expect(menu).to_have_css("background-color", rgb(bar))
                expect(menu.locator("a").first).to_have_css("color", rgb(text))
                page.screenshot(path=str(shots / f"council-{name}-{width}-menu.png"))
                assert axe_violations(page) == [], (prefix, width, "menu")
    assert (shots / "council-bravo-360.png").stat().st_size > 0
