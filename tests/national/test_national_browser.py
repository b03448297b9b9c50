"""The national page in a real browser at phone and desktop widths: axe finds nothing,
the page fits the screen, hidden figures read as [c] and "at least"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import browser_page, live_server  # noqa: F401

from ..directory.test_browser import axe_violations
from .support import HOSTILE, feed

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1280])
def test_national_page_passes_axe(live_server, browser_page, db, monkeypatch, width):  # noqa: F811
    feed(monkeypatch, db)
    page = browser_page(width=width, height=800)
    page.goto(live_server.url + "/national")
    expect(page.get_by_role("heading", level=1)).to_have_text("Youth provision across England")
    expect(page.get_by_role("region", name="By region", exact=True)).to_contain_text("North East")
    expect(page.get_by_role("region", name="England", exact=True)).to_contain_text("at least 1,500")
    expect(page.get_by_role("region", name="By council", exact=True)).to_contain_text(HOSTILE)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    assert not page.external_requests
