"""A young person on a cheap phone, without JavaScript, finds a free, non-uniformed
activity near their postcode in the demo county and reports a wrong time."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from app.demo import DemoContext
from app.demo import directory as demo_directory
from app.demo import geography as demo_geography
from app.models import Postcode, ServiceReport
from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
)

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("YVM_SCREENSHOTS")  # a folder under /tmp to look at the pages
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


# axe-core 4.12 parses every colour it reads (each text's and each background layer's
# computed colour, again for every element in front of it) with colorjs.io: most of
# ``color-contrast``'s time on a long page, though a page has only 7-15 different colour
# strings.  This remembers each string's parse for the document and gives later asks the
# same four numbers (``r``, ``g``, ``b``, ``alpha``, all that ``parseString`` sets), so
# axe's results are the same, nodes, data and messages alike
# (``test_remembered_colours_leave_axe_results_as_they_were``); a string it cannot parse
# still goes to axe every time (and fails there as before).  Measured: docs/BENCHMARKS.md.
REMEMBER_COLOURS = """() => {
  const Color = axe.commons.color.Color;
  if (Color.prototype.rememberedColours) return;
  const parse = Color.prototype.parseString, parsed = new Map();
  Color.prototype.parseString = function (text) {
    const known = parsed.get(text);
    if (known === undefined) {
      parse.call(this, text);
      parsed.set(text, [this.r, this.g, this.b, this.alpha]);
    } else {
      [this.r, this.g, this.b, this.alpha] = known;
    }
    return this;
  };
  Color.prototype.rememberedColours = parsed;
}"""


# axe-core 4.12 is compiled with Babel's stand-in for private class fields: each of its
# ``Color``s (thousands a run on a long page: every text and every layer behind it, and
# each blend of two) keeps its six fields in six module-wide WeakMaps and its brand in a
# WeakSet, so each one made is seven WeakMap and WeakSet insertions, each read or write of
# a channel a WeakMap look-up, and the collector has the tables to walk.  This finds the
# stores a new ``Color`` is put in (by watching WeakMap ``set`` and WeakSet ``add`` while one
# ``Color`` is made) and gives those seven stores, and only them, ``has``, ``get``, ``set``
# and ``add`` of their own that keep a colour's value on the colour itself, in a
# non-enumerable property under a symbol of the store's (a copy of a colour, which had
# none of its private fields, has none of these either).  A colour made before this ran
# keeps its fields in the WeakMap as before.  The same values are read and written, so
# axe's results are the same (``test_remembered_colours_leave_axe_results_as_they_were``);
# an axe-core whose ``Color`` uses no such stores is left as it is (and that test fails).
# Measured: docs/BENCHMARKS.md.
COLOURS_OWN_FIELDS = """() => {
  const Color = axe.commons.color.Color;
  if (Color.prototype.ownFields !== undefined) return;
  const seen = [], mapSet = WeakMap.prototype.set, setAdd = WeakSet.prototype.add;
  WeakMap.prototype.set = function (key, value) {
    seen.push([this, key]);
    return mapSet.call(this, key, value);
  };
  WeakSet.prototype.add = function (key) {
    seen.push([this, key]);
    return setAdd.call(this, key);
  };
  let made;
  try {
    made = new Color();
  } finally {
    WeakMap.prototype.set = mapSet;
    WeakSet.prototype.add = setAdd;
  }
  const stores = [...new Set(seen.filter(([, key]) => key === made).map(([store]) => store))];
  const own = Object.prototype.hasOwnProperty;
  for (const store of stores) {
    const slot = Symbol("private field");
    const methods = store instanceof WeakMap ? WeakMap.prototype : WeakSet.prototype;
    const has = methods.has;
    const put = (key, value) => Object.defineProperty(
      key, slot, {value, writable: true, configurable: true, enumerable: false});
    store.has = function (key) { return own.call(key, slot) || has.call(this, key); };
    if (store instanceof WeakMap) {
      const get = methods.get, set = methods.set;
      store.get = function (key) { return own.call(key, slot) ? key[slot] : get.call(this, key); };
      store.set = function (key, value) {
        if (own.call(key, slot)) key[slot] = value;
        else if (has.call(this, key)) set.call(this, key, value);
        else put(key, value);
        return this;
      };
    } else {
      store.add = function (key) {
        if (!has.call(this, key)) put(key, true);
        return this;
      };
    }
  }
  Color.prototype.ownFields = stores.length;
}"""


def axe_results(page, options: dict) -> dict:
    """``axe.run(document, options)`` on the page as it is now, colours remembered
    (``REMEMBER_COLOURS``) and keeping their fields on themselves (``COLOURS_OWN_FIELDS``).

    axe-core (0.5 MB of JavaScript) is put into the page only if it is not there yet:
    a page checked again at another size (the same document) reuses it; a page loaded
    since has lost it and gets it again.

    It checks the page as its user sees it, stylesheets applied: after a click that
    loads a page, ``expect(...)`` returns once the element is in the document, maybe
    before the page's stylesheets are in, and a layout then measures unstyled links
    (seen once on a loaded machine: the language links "under 24px" at 1280 px on the
    change-review page).  So it first waits until the document has loaded, its
    stylesheets included (``readyState`` "complete", set as its load event fires; at
    once when it has).  It waits on the document it checks, never on a navigation, so
    it is not the racy ``wait_for_load_state`` after a click of tests/codebase/test_waiting.py."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_function("() => document.readyState === 'complete'")
    if page.evaluate("typeof window.axe === 'undefined'"):
        page.evaluate(Axe().axe_script)
    run = (f"options => {{ ({REMEMBER_COLOURS})(); ({COLOURS_OWN_FIELDS})();"
           " return axe.run(document, options); }")
    return page.evaluate(run, options)


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.0-2.2 A/AA violations on the page as it is now (``axe_results``)."""
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
            for v in axe_results(page, options)["violations"]]


# Colours as a page may write them, over and under each other: every way axe-core's
# colour-contrast check can end (pass, violation, "needs review") happens here.
COLOURFUL = """<!doctype html><html lang="en"><head><title>Colours</title><style>
  body { font: 16px sans-serif; background: #fafafa; color: rgb(20 20 20); }
  .a { color: #777; } .b { color: hsl(0.5turn 60% 30%); background: rgba(255, 0, 0, .2); }
  .c { color: oklch(70% 0.1 200); } .d { color: color-mix(in srgb, navy 40%, white); }
  .e { background: linear-gradient(#000, #fff); color: #888; } .f { opacity: .5; }
  .g { position: relative; } .g span { position: absolute; left: 0; top: 0;
       background: hsla(120, 50%, 50%, .6); } .h { color: transparent; } .i { color: #0b0c0c; }
  .j { background: url(data:image/gif;base64,R0lGODlhAQABAAAAACw=); color: #fff; }
</style></head><body><main><h1 class="i">Colours</h1>
  <p class="a">grey on near white</p><p class="b">teal on pink glass</p>
  <p class="c">oklch</p><p class="d">mixed</p><p class="e">gradient</p>
  <p class="f">half there</p><p class="g">under <span>over</span> it</p>
  <p class="h">see-through</p><p class="j">on an image</p>
  <button style="color: #fff; background: rgb(0, 94, 165)">fine</button>
</main></body></html>"""


def test_remembered_colours_leave_axe_results_as_they_were(browser_page):  # noqa: F811
    """``REMEMBER_COLOURS`` and ``COLOURS_OWN_FIELDS`` give axe-core's every rule, colour
    contrast above all, the same results as without them, for every node (targets, check
    data and messages), and are really used (a newer axe-core without its colour class, or
    whose colours keep their fields elsewhere, would fail here first)."""
    from axe_playwright_python.sync_playwright import Axe

    every = {"runOnly": {"type": "tag", "values": WCAG}}

    def outcome(results: dict) -> list:
        return [[[r["id"], [[n["target"], [[c["id"], c["data"], c["message"]]
                                           for c in n["any"] + n["all"] + n["none"]]]
                            for n in r["nodes"]]] for r in results[kind]]
                for kind in ("violations", "passes", "incomplete")]

    page = browser_page(width=360, height=640)
    page.set_content(COLOURFUL)
    page.evaluate(Axe().axe_script)
    plain = page.evaluate("options => axe.run(document, options)", every)
    page.set_content(COLOURFUL)
    remembered = axe_results(page, every)
    assert outcome(remembered) == outcome(plain)
    assert page.evaluate("axe.commons.color.Color.prototype.rememberedColours.size") >= 8
    # Six fields and the brand, each kept on the colour itself, and read back from there.
    assert page.evaluate("axe.commons.color.Color.prototype.ownFields") == 7
    assert page.evaluate("""() => {
      const c = new axe.commons.color.Color(10, 20, 30, 0.5);
      c.b = 1;
      return [Object.getOwnPropertySymbols(c).length, Object.keys(c), c.red, c.green, c.blue,
              c.r, c.alpha, c.toHexString(), JSON.stringify(c), {...c}];
    }""") == [7, ["alpha"], 10, 20, 255, 10 / 255, 0.5, "#0a14ff",
              '{"red":10,"green":20,"blue":255,"alpha":0.5}', {"alpha": 0.5}]
    contrast = {kind: [r for r in plain[kind] if r["id"] == "color-contrast"]
                for kind in ("violations", "passes", "incomplete")}
    assert all(contrast.values()), "a colour-contrast pass, violation and review each"


def map_settled(page, box: str) -> None:
    """Wait until the map in ``box`` has drawn its marks and no zoom or cluster animation
    is running (axe-core measures touch targets where they are at that moment)."""
    expect(page.locator(f"{box} .leaflet-marker-icon").first).to_be_visible()
    expect(page.locator(f"{box} .leaflet-zoom-anim, {box} .leaflet-cluster-anim")).to_have_count(0)


def demo_town_postcode(db) -> str:
    """Build the demo county (geography and directory); a postcode near the centre of
    one of its market towns."""
    ctx = DemoContext()
    demo_geography.build(db.session, ctx)
    demo_directory.build(db.session, ctx)
    db.session.commit()
    town = next(t for t in ctx.info["town_centres"] if t["kind"] == "town")
    return min(db.session.query(Postcode),
               key=lambda p: (p.x - town["x"]) ** 2 + (p.y - town["y"]) ** 2).postcode


def test_find_free_non_uniformed_activity_near_a_postcode(live_server, browser_page, db):  # noqa: F811
    postcode = demo_town_postcode(db)
    for width, height, js in ((360, 640, False), (1280, 800, True)):
        page = browser_page(width=width, height=height, javascript=js)
        page.goto(live_server.url + "/directory")
        page.fill("#f-near", postcode)
        # The extra filters start folded away (no filter is set yet): unfold them.
        expect(page.locator("#f-free")).to_be_hidden()
        page.click("details.filters summary")
        page.check("#f-free")
        page.check("#f-not_uniformed")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/directory-form-{width}.png", full_page=True)
        click_and_wait_for_navigation(page, "button[type=submit]")
        expect(page.locator("#results")).to_contain_text(f"nearest {postcode} first")
        if js:
            map_settled(page, ".results-map")
            assert axe_violations(page) == [], "results page"
        first = page.locator(".service-item").first
        expect(first).to_contain_text("Free")
        expect(first).to_contain_text(re.compile(r"miles \([\d.]+ km\) away"))
        expect(first).not_to_contain_text("Uniformed")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/directory-results-{width}.png", full_page=True)
        click_and_wait_for_navigation(page, first.locator("h3 a"))
        expect(page.locator(".service-meta")).to_contain_text("Free")
        # Where it is in words, and a way there a phone opens in its maps app.
        expect(page.locator(".place-name")).to_contain_text(re.compile(r"^In \S"))
        directions = page.get_by_role("link", name=re.compile(r"^Directions to "))
        expect(directions).to_be_visible()
        expect(directions).to_have_attribute(
            "href", re.compile(r"^https://www\.google\.com/maps/dir/\?api=1&destination=\S"))
        if js:
            # The small map draws (from the app's own copy of Leaflet).
            expect(page.locator(".leaflet-interactive").first).to_be_visible()
            assert axe_violations(page) == [], "service page"
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/service-{width}-{'js' if js else 'nojs'}.png",
                            full_page=True)
        page.check("#kind-2")  # "The times are wrong"
        page.fill("#message", "It starts at 6.30 now")
        click_and_wait_for_navigation(page, "#report button[type=submit]")
        expect(page.get_by_text("A council officer will check this listing")).to_be_visible()
        assert page.external_requests == []
    assert db.session.query(ServiceReport).filter_by(message="It starts at 6.30 now").count() == 2


def test_commissioner_pages_pass_axe_and_an_error_is_explained(live_server, browser_page, db):  # noqa: F811
    from tests.browser_support import sign_in_as

    from ..conftest import make_user
    from .demo_geo import make_demo_geography

    make_demo_geography(db.session)
    demo_directory.build(db.session, DemoContext(seed=5))
    db.session.commit()
    make_user(db, "commissioner", email="comm@example.org")
    page = browser_page(width=1280, height=800)
    sign_in_as(page, live_server, "comm@example.org")
    expect(page).to_have_url(live_server.url + "/dashboard")
    failures = {}
    for name, url in (("manage", "/directory/manage"), ("new", "/directory/manage/new"),
                      ("buildings", "/directory/buildings")):
        page.goto(live_server.url + url)  # returns once the page has loaded
        failures[name] = axe_violations(page)
    page.goto(live_server.url + "/directory/manage/new")
    page.fill("#name", "Test Club")
    page.check("#cost_model-1")  # per session, with no amount
    page.fill("#postcode", "DM1 1AX")
    click_and_wait_for_navigation(page, "form.service-form button[type=submit]")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Enter the amount in pounds (per session).")
    summary.get_by_role("link").first.click()
    expect(page.locator("#cost_amount")).to_be_focused()
    failures["new with errors"] = axe_violations(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/manage-errors-1280.png")
    assert {k: v for k, v in failures.items() if v} == {}
    assert page.external_requests == []


def test_commissioner_pages_fit_a_phone_screen(live_server, browser_page, db):  # noqa: F811
    """Wide tables scroll inside their box: the page itself is no wider than the phone
    (the manage table's hidden "Edit <name>" labels used to push it to 376 px)."""
    from tests.browser_support import sign_in_as

    from ..conftest import make_user
    from .demo_geo import make_demo_geography

    make_demo_geography(db.session)
    demo_directory.build(db.session, DemoContext(seed=5))
    db.session.commit()
    make_user(db, "commissioner", email="comm@example.org")
    page = browser_page(width=360, height=640, javascript=True)
    sign_in_as(page, live_server, "comm@example.org")
    expect(page).to_have_url(live_server.url + "/dashboard")
    widths = {}
    for url in ("/dashboard", "/directory/manage", "/directory/buildings"):
        page.goto(live_server.url + url)  # returns once the page (and its CSS) has loaded
        widths[url] = page.evaluate("document.documentElement.scrollWidth")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{url.strip('/').replace('/', '-')}-360.png",
                            full_page=True)
    assert widths == {url: 360 for url in widths}
