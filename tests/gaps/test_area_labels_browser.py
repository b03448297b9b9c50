"""Area names on the gap map are drawn from data as text (issue 13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401

from ..conftest import make_user
from ..county import County

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.__owned=1">Hostile & "Ward"'


def test_ward_names_are_labels_on_the_map(live_server, browser_page, db):  # noqa: F811
    county = County(db.session)  # three 7 km squares, 1 km apart
    for n, name in enumerate(["Leominster North & Rural", HOSTILE, "Ross East"]):
        county.ward(f"E0500000{n}", name, corner=(350000 + n * 8000, 250000), size=7000)
    county.commit()
    make_user(db, "councillor", email="cllr@example.org")
    page = browser_page(width=1280, height=800)
    sign_in_as(page, live_server, "cllr@example.org")
    expect(page).to_have_url(live_server.url + "/dashboard")
    page.goto(live_server.url + "/map?level=ward")
    labels = page.locator(".gap-area-label")
    expect(labels.filter(has_text="Leominster North & Rural")).to_be_visible()
    expect(labels.filter(has_text="Ross East")).to_be_visible()
    # The hostile name is shown as text, never parsed as HTML.
    expect(labels.filter(has_text="onerror")).to_have_text(HOSTILE)
    assert page.locator(".gap-area-label img").count() == 0
    assert page.evaluate("window.__owned === undefined")
