"""Each council's header in its own colours, in a real browser, on a phone and a
desktop: axe-core finds no violation (contrast among them) on any of them, the
phone's open menu included, and the deployment's own council, with no colours,
keeps the app's.  Screenshots go to ``YVM_SCREENSHOTS`` when it is set."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.models import Council
from app.tenancy.service import add_council
from tests.browser_support import browser_page, live_server  # noqa: F401
from tests.directory.test_browser import axe_violations
from tests.screenshots import keep

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
                                                         two_councils):
    a, b = two_councils
    bravo = db.session.get(Council, b.id)
    bravo.colour_primary, bravo.colour_accent = "#ffdd00", "#28a197"
    db.session.commit()
    add_council(db.session, "E06000004", "Stockton Council", path_prefix="stockton",
                colour_primary="#005ea5")
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
            keep(page, f"council-{name}-{width}")
            assert axe_violations(page) == [], (prefix, width)
            if width == 360:  # the phone's "More" menu drops down in the header's colours
                page.locator("nav.site-nav summary").click()
                menu = page.locator(".nav-menu-list")
                expect(menu).to_be_visible()
                expect(menu).to_have_css("background-color", rgb(bar))
                expect(menu.locator("a").first).to_have_css("color", rgb(text))
                keep(page, f"council-{name}-{width}-menu", full_page=False)
                assert axe_violations(page) == [], (prefix, width, "menu")
