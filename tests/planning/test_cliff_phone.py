"""The funding-cliff timeline on a 360×640 phone and at 1280×800: nothing wider than
the screen, no text under 14 px, nothing cut off, the same services as the table,
areas named (parish and ward) rather than coded, and axe-core clean.

Screenshots (cliff-<width>.png) go to ``$YVM_SCREENSHOTS`` when it is set.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401
from tests.conftest import make_user
from tests.directory.test_browser import axe_violations
from tests.screenshots import keep

from .county import areas_and_wards

pytestmark = pytest.mark.browser
LONG = "The Wyvernshire Rural Detached Youth Work Outreach Minibus Service"
ENDS = [("Ashby Youth Club", 40), (LONG, 200), ("Brook Friday Night Project", 330),
        ("Colwall Music Makers", 500), ("Dunmore Skate Park Sessions", 700),
        ("Ashby Girls Group", -20)]


def _county(session) -> None:
    """The hand-built planning county with six services whose funding ends (one
    already ended but still active, so lapsed; one with a very long name) and a parish around
    Ashby."""
    county = areas_and_wards(session, today=date.today())
    county.parish("E04000101", "Ashby St Mary", bounds=(297_000, 237_000, 303_000, 243_000))
    for k, (name, days) in enumerate(ENDS):
        county.service(name, 301_000 + 9_000 * (k % 5), 240_000, service_type="open_access",
                       cost_model="free", capacity=30, status="active",
                       funding_source="Youth grant", funding_end=timedelta(days=days),
                       sessions=[(1, "18:00", "20:00")])
    county.commit()


@pytest.mark.parametrize("width,height", [(360, 640), (1280, 800)])
def test_funding_cliff_timeline_is_readable(live_server, browser_page, db, width, height):  # noqa: F811
    _county(db.session)
    make_user(db, "commissioner", email="commissioner@example.org")
    page = browser_page(width=width, height=height, javascript=True)
    sign_in_as(page, live_server, "commissioner@example.org")
    page.goto(live_server.url + "/planning/funding-cliff")
    timeline = page.locator(".cliff-timeline")
    expect(timeline).to_be_visible()
    rows = timeline.locator(".cliff-row")
    # Funding that already ended is lapsed (needs a check), not on the countdown.
    expect(rows).to_have_count(len(ENDS) - 1)
    expect(timeline).to_contain_text(LONG)  # the whole name, not cut short
    expect(timeline).not_to_contain_text("Ashby Girls Group")
    expect(timeline).to_contain_text("1 month left")
    expect(page.locator("#lapsed-table")).to_contain_text("Ashby Girls Group")
    expect(page.locator("#lapsed-table")).to_contain_text("Lapsed – needs a check")
    # The chart has a text equivalent: its name, and the table of the same services.
    expect(page.get_by_role("figure", name="Funding ending in the next 24 months")).to_be_visible()
    for name, days in ENDS:
        if days >= 0:
            expect(page.locator("#cliff-table")).to_contain_text(name)

    # Nothing wider than the screen; nothing inside the timeline cut off.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    clipped = timeline.evaluate("""t => [...t.querySelectorAll(
            '.cliff-row, .cliff-row > span, .cliff-tick')].filter(e => getComputedStyle(e).display !== 'none').filter(e => {
              const r = e.getBoundingClientRect();
              return r.left < 0 || r.right > window.innerWidth + 0.5
                  || e.scrollWidth > e.clientWidth + 1; }).map(e => e.className)""")
    assert clipped == []
    # Every piece of timeline text is at least 14 px.
    sizes = timeline.evaluate("""t => [...t.querySelectorAll(
            '.cliff-name, .cliff-when, .cliff-left, .cliff-tick')].filter(e => getComputedStyle(e).display !== 'none')
            .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 14, sizes

    # Areas that lose their only provision are named by parish and ward, not by code.
    lost = page.locator("#lost-table")
    expect(lost).to_contain_text("Ashby St Mary (West ward)")
    expect(lost).not_to_contain_text("E01000001")

    keep(page, f"cliff-{width}")
    assert axe_violations(page) == []
