"""Hostile names in a real browser (issue 12): no name runs as script, no page
reports a CSP violation, every map still draws.

Every kind of user-supplied text gets a payload from :mod:`tests.trust.hostile`
(template literal, backtick, ``</script>``, attribute breakouts, event
handlers, ``javascript:``, an RTL override, the longest name a column holds):
service, organisation, building, campaign, area names and codes, a scenario name,
a young person's flagged free text and a typed candidate site.  (The imports and
forms refuse a 10,000-character name and a code that is not an identifier: see
``test_upload_corpus``; here the database holds what they would let through and
more, so the pages are tried on their own.)  Each page that shows them is opened in Debian's chromium
anonymously and as each role allowed to see it.  A payload that ran sets
``window.__pwned``; a ``securitypolicyviolation`` listener (installed before
any page script) records what the CSP blocked; a map page must show its
Leaflet container with its layers, and a tooltip shows the name as text.
"""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from sqlalchemy import String, update

from app.extensions import db as _db
from app.ingest import column_length
from app.models import (
    Answer,
    Area,
    Building,
    Campaign,
    Organisation,
    Response,
    SafeguardingFlag,
    Scenario,
    Service,
)
from app.models.users import ROLES
from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401

from ..conftest import make_user
from ..planning.county import build_county
from .hostile import EVALUATED, LONG, PAYLOADS, hostile
from .sweep import access_of

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def make_hostile(db, hostile=hostile) -> dict:
    """Give every name in a county (areas, services, venues, organisations, buildings, a
    scenario, a campaign) the payload ``hostile(i)``; return its pages, each with whether
    it draws a map."""
    ids = build_county(db.session)
    for i, area in enumerate(db.session.query(Area).order_by(Area.id)):
        area.name = hostile(i)
    _rename_code(db, "E01000002", CODES[0])  # Brook: the gap, so it heads every table
    _rename_code(db, "E05000002", CODES[1])
    for i, svc in enumerate(db.session.query(Service).order_by(Service.id)):
        svc.name = hostile(i + 3) if i else LONG[:column_length(Service, "name")]
        svc.venue_name = hostile(i + 5)
    for i, org in enumerate(db.session.query(Organisation)):
        org.name = hostile(i + 1)
    for i, b in enumerate(db.session.query(Building).order_by(Building.id)):
        b.name = hostile(i + 2)
        b.kind = hostile(i + 4)
    scenario = Scenario(name=hostile(0)[:200], description=hostile(2), changes=[])
    db.session.add(scenario)
    db.session.add(Campaign(survey_slug="youth-voice", code="HOSTILE1", name=hostile(1),
                            kind="school"))
    db.session.commit()
    flag_ref = _flagged_answer(db)
    site = f"{hostile(0)}, 300000, 240000\n{hostile(2)}, 301000, 241000"
    return {
        "/map?level=lsoa": True,
        "/gaps?level=lsoa": False,
        "/evidence?level=lsoa": False,
        "/directory": False,
        f"/directory/{ids['club']}": True,
        "/directory/buildings": True,
        f"/planning/scenarios/{scenario.id}": True,
        "/planning": False,
        "/planning/funding-cliff": True,
        "/planning/sites?k=2&threshold=30&points=" + quote(site): True,
        "/results/youth-voice/campaigns": False,
        "/safeguarding": False,
        f"/safeguarding/{flag_ref}": False,
    }


# Area codes that would break out of a URL, an attribute or a script if pasted raw
# (32 characters at most: the column's length).
CODES = ["${window.__pwned=1}", "'><svg onload=window.__pwned=1>"]


def _rename_code(db, old: str, new: str) -> None:
    """Give an area a hostile code everywhere it is used (areas, indicators, parents)."""
    for table in _db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length and \
                    column.type.length >= len(new):
                db.session.execute(update(table).where(column == old).values({column: new}))


def _flagged_answer(db) -> str:
    """A young person's answer that trips the safeguarding indicators, carrying payloads."""
    from app.survey.store import current_survey

    survey = current_survey(db.session, "youth-voice")
    response = Response(survey_id=survey.id, survey_slug=survey.slug,
                        survey_version=survey.version, token="hostile-token",
                        submitted_on=date.today(), age_band="13-15",
                        area_level="lsoa", area_code=CODES[0])
    response.answers = [Answer(question_id="anything_else", is_free_text=True,
                               value="I feel unsafe at home " + " ".join(PAYLOADS))]
    db.session.add(response)
    db.session.flush()
    flag = SafeguardingFlag(response_id=response.id, matched=[PAYLOADS[0], "harm"])
    db.session.add(flag)
    db.session.commit()
    return flag.ref


def _build(session, _files) -> dict:
    return {"pages": make_hostile(SimpleNamespace(session=session))}


@pytest.fixture
def county_builder():
    """The hostile county (``make_hostile``), built once per worker: each role's test
    gets a copy of it (``built_county``) instead of building it again."""
    return "hostile names", _build


def _allowed(app, path: str) -> tuple:
    adapter = app.url_map.bind("localhost")
    endpoint, _ = adapter.match(path.split("?")[0])
    access = access_of(app, app.url_map._rules_by_endpoint[endpoint][0])
    return ("anonymous", *ROLES) if access == "public" else tuple(access or ())


def _check(page, url: str, has_map: bool) -> None:
    page.goto(url)
    expect(page.locator("main")).to_be_visible()
    if has_map:
        box = page.locator(".leaflet-container").first
        expect(box).to_be_visible()
        expect(box.locator(".leaflet-interactive").first).to_be_attached()
        # Tooltips show the hostile names as text (Leaflet opens them on mouseover).
        for shape in (box.locator(".leaflet-interactive").first,
                      box.locator(".leaflet-interactive").last):
            shape.dispatch_event("mouseover")
        expect(page.locator(".leaflet-tooltip").first).to_contain_text(re.compile(r"\S"))
    if "/safeguarding/" in url:  # the lead reads the child's words, payloads and all, as text
        expect(page.locator("main")).to_contain_text("I feel unsafe at home ${window.__pwned=1}")
    # A server-side template payload (issue 30) is shown, never evaluated.
    expect(page.locator("body")).not_to_contain_text(EVALUATED)
    assert page.evaluate("window.__pwned") is None, f"a payload ran on {url}"
    assert page.evaluate("window.__csp") == [], f"CSP violation on {url}"


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_hostile_names_never_run_and_maps_still_draw(app, db, built_county, live_server,  # noqa: F811
                                                     browser_page, role):  # noqa: F811
    pages = built_county.accounts["pages"]
    page = browser_page(width=1280, height=800, javascript=True)
    page.context.add_init_script(WATCH)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if role != "anonymous":
        # Signed in by cookie (``sign_in_as``): the subject here is the names, not the
        # password check, and the start page (names and all) is still loaded and watched.
        sign_in_as(page, live_server, make_user(db, role, email=f"hostile-{role}@example.org"))
        # partners land on their own page, a national admin on the councils page
        home = {"partner": "/partner", "national_admin": "/national-admin/councils"}.get(
            role, "/dashboard")
        expect(page).to_have_url(live_server.url + home)
    seen = 0
    for path, has_map in pages.items():
        if role in _allowed(app, path):
            _check(page, live_server.url + path, has_map)
            seen += 1
    assert seen
    assert errors == []
