"""The national map in a real browser at phone and desktop widths: MapLibre draws
the app's own tiles on a canvas, nothing is fetched from elsewhere, the table
fallback is there, a picked area's name is shown as text, and axe finds nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from app.extensions import db as _db
from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401
from tests.conftest import make_user
from tests.directory.test_browser import axe_violations

from .county import HOSTILE, lsoa_county

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(tmp_path):
    return {"TILES_DIR": str(tmp_path / "tiles")}


@pytest.mark.parametrize("width,height", [(360, 640), (1280, 800)])
def test_the_map_draws_its_tiles_and_passes_axe(app, db, runner, live_server,  # noqa: F811
                                                browser_page, width, height):  # noqa: F811
    lsoa_county(db)
    assert runner.invoke(args=["tiles", "build"]).exit_code == 0
    user = make_user(_db, "councillor")
    page = browser_page(width=width, height=height)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    tiles = []
    page.on("response", lambda r: tiles.append(r.status) if "/national/tiles/" in r.url else None)
    sign_in_as(page, live_server, user.email)
    fetched = []
    page.on("requestfinished", lambda r: fetched.append(r))
    page.goto(live_server.url + "/national/map")
    expect(page.locator("#national-map canvas.maplibregl-canvas")).to_be_visible()
    expect(page.locator("#national-map")).to_have_attribute("data-ready", "true")
    # The first view (page, scripts, styles, the archive's header and tiles), as sent
    # over the wire (the app gzips MapLibre): under 500 KB.
    # From a cold cache: what the sign-in page left in the cache (the app's CSS) and
    # the worker's own script (fetched by the worker) count at the size the app sends.
    first_view = 0
    for r in list(fetched):
        size = r.sizes()["responseBodySize"]
        path = urlsplit(r.url).path
        if size == 0 and path.startswith(("/static/", "/vendor/")):
            size = len(app.test_client().get(path, headers={"Accept-Encoding": "gzip"}).data)
        first_view += size + r.sizes()["responseHeadersSize"]
    print(f"first view at {width} px: {first_view:,} bytes")
    assert 350_000 < first_view < 500_000, first_view
    expect(page.locator("#national-map-table")).to_have_attribute("href", "/gaps?level=lsoa")
    expect(page.locator("#national-map-legend li")).not_to_have_count(0)
    assert 206 in tiles  # the archive is read in ranges
    # pick the area at the centre with the keyboard: its name is shown as text
    page.locator("#national-map canvas").focus()
    for _ in range(8):
        page.keyboard.press("Equal")  # zoom in to the areas' own zooms
    page.keyboard.press("Enter")
    expect(page.locator("#national-map-detail h3")).to_be_visible()
    assert page.locator("#national-map-detail script").count() == 0
    assert not page.external_requests and not errors
    assert axe_violations(page) == []


def test_a_hostile_name_is_shown_as_text(app, db, runner, live_server, browser_page):  # noqa: F811
    lsoa_county(db)
    assert runner.invoke(args=["tiles", "build"]).exit_code == 0
    user = make_user(_db, "councillor")
    page = browser_page(width=1280, height=800)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in_as(page, live_server, user.email)
    page.goto(live_server.url + "/national/map")
    expect(page.locator("#national-map")).to_have_attribute("data-ready", "true")
    # The view fits the county (4 x 3 squares of 2 km): its south-west square, the
    # one with the hostile name, is at the bottom left.
    canvas = page.locator("#national-map canvas")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * 0.15, "y": box["height"] * 0.85})
    expect(page.locator("#national-map-detail h3")).to_have_text(HOSTILE)
    expect(page.locator("#national-map-detail")).to_contain_text("E01000000")
    assert page.locator("#national-map-detail script").count() == 0
    assert dialogs == []
