"""The survey results page in Debian's chromium at 360×640 (our JavaScript blocked) and
1280×800: headline findings first, one chart per question sorted largest first, each
question's table behind "Show the table", the area breakdown last, axe-core clean.

Screenshots (results-<width>.png) go to ``$YVM_SCREENSHOTS`` when it is set.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401
from tests.conftest import make_user
from tests.directory.test_browser import axe_violations
from tests.screenshots import keep
from tests.survey.test_results import _populate

pytestmark = pytest.mark.browser


def _order_is_largest_first(values: list[str]) -> bool:
    """Shares (or counts) never grow down the list; hidden answers after every shown
    one; "No answer" (the last bar when present) is not part of the order."""
    numbers, hidden_seen = [], False
    for v in values:
        if v.startswith("[c]"):
            hidden_seen = True
            continue
        if hidden_seen:
            return False
        numbers.append(0.5 if v == "less than 1%" else
                       float(v.rstrip("%").replace(" answers", "").replace(",", "")))
    return numbers == sorted(numbers, reverse=True)


def _build(session, _files):
    _populate(SimpleNamespace(session=session))
    return {}


@pytest.fixture
def county_builder():
    return "results page answers", _build


@pytest.mark.parametrize("width,height,js", [(360, 640, False), (1280, 800, True)])
def test_results_lead_with_findings(live_server, browser_page, db, built_county,  # noqa: F811
                                    width, height, js):
    # The answers are built once per worker; each size gets its own copy (it signs in).
    make_user(db, "councillor", email="councillor@example.org")
    page = browser_page(width=width, height=height, javascript=True)
    if not js:  # the page a browser without our JavaScript shows (axe itself needs JS)
        page.route("**/static/js/*", lambda route: route.abort())
    sign_in_as(page, live_server, "councillor@example.org")
    page.goto(live_server.url + "/results/youth-voice")
    main = page.locator("main")

    # Headline findings come first: the first section heading, on the first screen.
    expect(main.locator("h2").first).to_have_text("Headline findings")
    expect(page.locator("#findings-heading")).to_be_in_viewport()
    expect(page.locator(".findings-list li").first).to_contain_text("%")
    expect(page.locator("#gave-area")).to_contain_text("answers gave an area")

    # One chart per question, sorted largest first, "No answer" last.
    charts = page.locator(".question .bar-chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 3
    for k in range(charts.count()):
        chart = charts.nth(k)
        labels = chart.locator(".bar-label").evaluate_all("els => els.map(e => e.textContent)")
        values = chart.locator(".bar-value").evaluate_all("els => els.map(e => e.textContent)")
        if "No answer" in labels:
            assert labels[-1] == "No answer", labels
            values = values[:-1]
        assert _order_is_largest_first(values), (labels, values)

    # The question's table is behind a disclosure that opens.
    question = page.locator("section.question").filter(
        has=page.get_by_role("heading", name="What stops you doing things you would like to do?"))
    table = question.locator("details table")
    expect(table).to_be_hidden()
    question.locator("details summary").click()
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_contain_text("Share")

    # The area breakdown comes after the questions, folded away, with area names and not
    # codes; only the themes of what they wrote (issue 25) follow it.
    expect(main.locator("h2").last).to_have_text("What they wrote about")
    order = main.evaluate(
        "m => { const q = [...m.querySelectorAll('section.question')].pop();"
        " const a = m.querySelector('section.area-breakdown');"
        " const t = m.querySelector('section.themes');"
        " return [Boolean(q.compareDocumentPosition(a) & 4),"
        " Boolean(a.compareDocumentPosition(t) & 4)]; }")
    assert order == [True, True]  # questions, then areas, then themes
    area = page.locator("section.area-breakdown")
    area_table = area.locator("details").first.locator("table")
    expect(area_table).to_be_hidden()
    area.get_by_text("Show the answers by area", exact=True).click()
    expect(area_table).to_be_visible()
    expect(area_table).to_contain_text("Ashford Carbonell")
    expect(area_table).not_to_contain_text("E04000001")

    # Nothing wider than the screen, and the page is short.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    keep(page, f"results-{width}")
    assert axe_violations(page) == []
