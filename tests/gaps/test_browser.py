"""The demo gap map in Chromium: it renders under the CSP, the figure and
filters change it without a reload, and the table agrees with the map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
    sign_in_as,
)
from tests.screenshots import keep

from ..conftest import make_user

pytestmark = pytest.mark.browser


def test_demo_gap_map_filters_legend_and_table(demo_county, live_server, browser_page, db):  # noqa: F811
    # The worker's demo county, a copy of its own (a councillor is added, and signs in).
    make_user(db, "councillor", email="cllr@example.org")

    page = browser_page(width=1280, height=800)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in_as(page, live_server, "cllr@example.org")
    expect(page).to_have_url(live_server.url + "/dashboard")
    page.goto(live_server.url + "/map?level=ward")
    # Leaflet drew the areas: one SVG path per ward (28 or more) in the overlay pane.
    expect(page.locator(".leaflet-overlay-pane path").nth(27)).to_be_attached()
    expect(page.locator("#gap-legend-title")).to_have_text("Gap score (0-100)")
    first_fill = page.locator(".leaflet-overlay-pane path").first.get_attribute("fill")
    keep(page, "gaps-map-desktop")

    # Switch the figure: the legend, the colours and the address change, no reload.
    page.evaluate("window.__still_here = true")
    page.select_option("#f-figure", "free_sessions")
    expect(page.locator("#gap-legend-title")).to_have_text(
        "Sessions a week within reach: free only")
    expect(page).to_have_url(re.compile(r"figure=free_sessions"))
    # Switch a filter: the note under the legend says so.
    page.select_option("#f-filter", "open_access")
    expect(page.locator("#gap-legend-note")).to_contain_text("Open-access")
    page.fill("#f-threshold", "15")
    page.locator("#f-threshold").dispatch_event("change")
    expect(page.locator("#gap-legend-note")).to_contain_text("within 15 minutes")
    assert page.evaluate("window.__still_here === true")  # never reloaded
    fills = page.locator(".leaflet-overlay-pane path").evaluate_all(
        "els => els.map(e => e.getAttribute('fill'))")
    assert len(set(fills)) > 1 and (fills[0] != first_fill or len(set(fills)) > 2)

    # The table link follows the filters: same figure, same areas at the top.
    map_top = page.locator("#gap-top tbody tr td:nth-child(2)").all_inner_texts()[:5]
    click_and_wait_for_navigation(page, "#table-link")
    expect(page).to_have_url(re.compile(r"/gaps\?.*figure=free_sessions"))
    table_top = page.locator("#gap-table tbody th").evaluate_all(  # the name, not the code
        "els => els.map(e => e.firstChild.textContent.trim())")[:5]
    assert map_top == table_top and len(map_top) == 5

    assert problems == []
    assert page.external_requests == []

    # Without JavaScript the form submits and the server redraws the legend.
    phone = browser_page(width=360, height=640, javascript=False)
    sign_in_as(phone, live_server, "cllr@example.org")
    expect(phone).to_have_url(live_server.url + "/dashboard")
    phone.goto(live_server.url + "/map?level=ward")
    phone.select_option("#f-figure", "places_per_1000")
    click_and_wait_for_navigation(phone, phone.get_by_role("button", name="Show"))
    expect(phone).to_have_url(re.compile(r"figure=places_per_1000"))
    expect(phone.locator("#gap-legend-title")).to_have_text(
        "Places a week per 1,000 young people (2SFCA)")
    keep(phone, "gaps-map-phone-nojs")
