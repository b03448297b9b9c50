"""The ranked gap table a councillor reads on a phone (issue 15): rank, name and gap
score without scrolling sideways at 360 px; a few figures first and the rest behind
"Show all figures"; every abbreviation explained; no axe-core violation."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401

from ..conftest import make_user
from ..directory.test_browser import axe_violations
from .seed import seed

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("YVM_SCREENSHOTS")  # a folder under /tmp to look at the pages


def _fits(page, locator) -> bool:
    """The element lies inside the screen's width (nothing to scroll sideways for)."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


@pytest.mark.parametrize("width, height", [(360, 640), (1280, 800)])
def test_councillor_reads_the_ranked_table_without_scrolling_sideways(
        live_server, browser_page, db, width, height):  # noqa: F811
    seed(db.session)
    make_user(db, "councillor", email="cllr@example.org")
    page = browser_page(width=width, height=height, javascript=True)
    sign_in_as(page, live_server, "cllr@example.org")
    expect(page).to_have_url(live_server.url + "/dashboard")
    page.goto(live_server.url + "/gaps?level=lsoa")
    first = page.locator("#gap-table tbody tr").first
    name = first.locator("th[scope=row]")
    expect(name).to_contain_text("Testshire")
    rank = first.locator("td.gap-rank")
    score = first.locator("td").nth(1)  # the cell after rank: the gap score
    for cell in (rank, name, score):
        expect(cell).to_be_visible()
        assert _fits(page, cell), cell
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Further figures wait behind the checkbox; IDACI is explained where it appears.
    idaci = first.locator("td[data-label^='IDACI']")
    expect(idaci).to_be_hidden()
    page.get_by_text("What the columns mean").click()
    expect(page.locator(".gap-terms")).to_contain_text("Income Deprivation Affecting Children")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/gap-table-{width}.png", full_page=False)
    page.get_by_label("Show all").check()
    expect(idaci).to_be_visible()
    if width == 360:  # a card: every figure on its own labelled line, still no sideways scroll
        expect(idaci).to_have_css("display", "flex")  # label and figure on one line
        assert _fits(page, idaci)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/gap-table-all-{width}.png", full_page=False)
    assert axe_violations(page) == []
