"""The gap map and a service page map on a phone and a desktop (issue 15): pinch-zoom
allowed, a zoom control that works, area names on the map, markers a finger can hit
with a name for assistive technology, the key below the map, roads and places drawn
with no tile server, and no axe-core violation."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from app.demo import DemoContext
from app.demo import directory as demo_directory
from app.demo import geography as demo_geography
from app.demo import transport as demo_transport
from app.models import Service
from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401
from tests.directory.test_browser import axe_violations
from tests.screenshots import keep

from ..conftest import make_user

pytestmark = pytest.mark.browser
SIZES = [(360, 640), (1280, 800)]


@pytest.fixture
def county_builder():
    return "map phone demo", _build_map_demo


def _build_map_demo(session, files_dir) -> dict:
    ctx = DemoContext()
    demo_geography.build(session, ctx)
    demo_transport.build(session, ctx)
    demo_directory.build(session, ctx)
    session.commit()
    make_user(SimpleNamespace(session=session), "councillor", email="cllr@example.org")
    return {"info": ctx.info}


@pytest.fixture
def demo(built_county):
    """The demo county's areas, roads and buses, buildings and services (no survey
    answers or journeys: the map needs none of them), and a councillor; built once per
    worker, a copy for each test."""
    return SimpleNamespace(info=built_county.accounts["info"])


def _shot(page, name: str) -> None:
    keep(page, f"maps-{name}")


def _pinch_zoom_allowed(page) -> None:
    viewport = page.locator('meta[name="viewport"]')
    expect(viewport).to_have_count(1)
    content = viewport.get_attribute("content")
    assert "width=device-width" in content
    assert "user-scalable" not in content and "maximum-scale" not in content


def _zoom_in(page, box) -> None:
    """Press the map's + button; the map's zoom (data-zoom, static/js/maps.js) goes up."""
    before = box.get_attribute("data-zoom")
    assert before is not None
    box.locator(".leaflet-control-zoom-in").click()
    expect(box).not_to_have_attribute("data-zoom", before)
    assert float(box.get_attribute("data-zoom")) > float(before)


def _below(upper: dict, lower: dict) -> bool:
    return lower["y"] >= upper["y"] + upper["height"] - 0.5


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_gap_map_on_a_phone_and_a_desktop(live_server, browser_page, demo,  # noqa: F811
                                          width, height):
    page = browser_page(width=width, height=height)
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in_as(page, live_server, "cllr@example.org")
    page.goto(live_server.url + "/map?level=ward")
    _pinch_zoom_allowed(page)
    box = page.locator("#gap-map .folium-map")
    expect(page.locator(".leaflet-overlay-pane path").first).to_be_attached()

    # Names of areas are on the map (those with room to be read).
    expect(page.locator(".gap-area-label").filter(visible=True).first).to_be_visible()
    # The roads of the imported network are drawn, under the markers, with no tiles.
    expect(page.locator(".leaflet-context-pane path").first).to_be_attached()
    assert page.locator(".leaflet-tile").count() == 0
    # The layer control is folded away: a button, not a box over the county.
    expect(page.locator(".leaflet-control-layers-toggle")).to_be_visible()
    expect(page.locator(".leaflet-control-layers-list")).to_be_hidden()

    # A service marker: a named button at least 24 px square.
    marker = page.locator(".leaflet-marker-pane .yvm-marker.svc").first
    expect(marker).to_have_attribute("role", "button")
    expect(marker).to_have_attribute("aria-label", re.compile(r".+ \(.+, .+\)"))
    size = marker.bounding_box()
    assert size["width"] >= 24 and size["height"] >= 24
    # Marks close together are one numbered button that says what it is.
    cluster = page.locator(".leaflet-marker-pane .yvm-cluster").first
    expect(cluster).to_have_attribute("role", "button")
    expect(cluster).to_contain_text(re.compile(r"\d+ places close together: press to zoom in"))
    if width >= 640:  # on a phone the county's buildings are all in clusters at first
        building = page.locator(".leaflet-marker-pane .yvm-marker.gap-building").first
        expect(building).to_have_attribute("aria-label", re.compile(r"\(council building"))

    # The map fills the phone's width and most of its height; the keys sit below it.
    map_box = page.locator("#gap-map").bounding_box()
    if width < 640:
        assert map_box["x"] <= 1 and map_box["width"] >= width - 2
        assert map_box["height"] >= 0.6 * height
    legend = page.locator("#gap-legend").bounding_box()
    key = page.locator("#map-key").bounding_box()
    assert _below(map_box, legend) and _below(legend, key)
    expect(page.locator("#map-key")).to_contain_text("Does not meet the filter")
    expect(page.locator("#map-key")).to_contain_text("Council building")
    expect(page.locator("#map-key")).to_contain_text("Main road")

    # A service's tooltip stays inside the map, even for the marker nearest its right edge.
    right = page.locator(".leaflet-marker-pane .yvm-marker").evaluate_all("""els => {
        const m = document.getElementById("gap-map").getBoundingClientRect();
        let best = -1, x = -1;
        els.forEach((e, i) => { const r = e.getBoundingClientRect();
            if (r.right < m.right - 2 && r.top > m.top + 40 && r.bottom < m.bottom - 40
                && r.left > x) { best = i; x = r.left; } });
        return best; }""")
    assert right >= 0
    page.locator(".leaflet-marker-pane .yvm-marker").nth(right).hover(force=True)
    tip = page.locator(".leaflet-tooltip-pane .leaflet-tooltip:not(.gap-area-label)")
    expect(tip).to_be_visible()
    t = tip.bounding_box()
    assert t["x"] >= map_box["x"] and t["x"] + t["width"] <= map_box["x"] + map_box["width"]
    page.mouse.move(0, 0)
    # From the keyboard: a focused marker shows the same text as its tooltip.
    marker.focus()
    expect(tip.filter(has_text=marker.get_attribute("aria-label"))).to_be_visible()
    marker.blur()

    _shot(page, f"gap-{width}")
    assert axe_violations(page) == []

    # The + button zooms in (pinch-zoom is the browser's own, allowed above).
    _zoom_in(page, box)
    expect(page.locator(".gap-area-label").filter(visible=True).first).to_be_visible()
    _shot(page, f"gap-{width}-zoomed")
    # Counting all provision, no service fails the filter: none is drawn hollow.
    expect(page.locator(".leaflet-marker-pane .svc-out").first).to_be_attached()
    page.select_option("#f-filter", "all")
    expect(page.locator(".leaflet-marker-pane .svc-out")).to_have_count(0)
    assert problems == []
    assert page.external_requests == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_service_page_map_shows_places_and_roads(live_server, browser_page, demo, db,  # noqa: F811
                                                  width, height):
    town = next(t for t in demo.info["town_centres"] if t["kind"] == "town")
    service = min((s for s in db.session.query(Service) if s.x is not None),
                  key=lambda s: (s.x - town["x"]) ** 2 + (s.y - town["y"]) ** 2)
    page = browser_page(width=width, height=height)
    page.goto(f"{live_server.url}/directory/{service.id}")
    _pinch_zoom_allowed(page)
    box = page.locator(".service-map .folium-map")
    # The surrounding areas with their names, the roads and the council buildings.
    expect(page.locator(".leaflet-context-pane path").nth(3)).to_be_attached()
    expect(page.locator(".map-area-label").filter(visible=True).first).to_be_visible()
    here = page.locator(".leaflet-marker-pane .yvm-marker.map-here")
    expect(here).to_have_attribute("aria-label", service.venue_name or service.name)
    size = here.bounding_box()
    assert size["width"] >= 24 and size["height"] >= 24
    _shot(page, f"service-{width}")
    assert axe_violations(page) == []
    _zoom_in(page, box)
    assert page.external_requests == []
