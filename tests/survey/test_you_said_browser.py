"""The public "You said, we did" page in a phone's browser: readable without
JavaScript at 360 px, axe-core clean; the admin's form and the results' wave section
too (issue 25)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from app.models import SurveyWave, WaveAction
from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401
from tests.conftest import make_user
from tests.directory.test_browser import axe_violations
from tests.survey.waves_county import build

pytestmark = pytest.mark.browser


def _page_with_actions(session, _files=None):
    """The two-wave county published, with two actions on wave 2026 (the builder of
    ``built_county``: built once per worker, every test gets its own copy)."""
    build(SimpleNamespace(session=session)).publish()
    wave = session.query(SurveyWave).filter_by(name="2026").one()
    session.add_all([
        WaveAction(wave_id=wave.id, position=1, status="done",
                   said={"en": "You want somewhere to go on Friday nights <b>now</b>"},
                   did={"en": "We opened a drop-in youth club in Bosbury"}),
        WaveAction(wave_id=wave.id, position=2, status="planned",
                   said={"en": "Buses stop too early"}, did={"en": "A later bus from May"}),
    ])
    session.commit()
    return {}


@pytest.fixture
def county_builder():
    return "you said, we did", _page_with_actions


@pytest.fixture
def county(built_county):
    """The county with its actions: built once per worker, a copy for each test (the
    admin test signs in and so writes; every test gets a database of its own)."""
    return built_county


def test_the_public_page_without_javascript_at_360px(live_server, browser_page, county):  # noqa: F811
    page = browser_page(width=360, height=640, javascript=False)
    page.goto(live_server.url + "/you-said-we-did")
    page.get_by_role("link", name="Youth voice: 2026").click()
    expect(page.locator("h1")).to_have_text("You said, we did: 2026")
    expect(page.locator(".findings-list li").first).to_contain_text("%")
    expect(page.locator(".actions-list li").first).to_contain_text(
        "You said: You want somewhere to go on Friday nights <b>now</b>")
    expect(page.locator(".actions-list li").nth(1)).to_contain_text("Planned")
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 360
    assert page.external_requests == []


TITLES = {"en": "You said, we did", "pl": "Powiedzieliście, zrobiliśmy",
          "ro": "Voi ați spus, noi am făcut"}


@pytest.mark.parametrize("lang", list(TITLES))
@pytest.mark.parametrize("path", ["/you-said-we-did", "/results/youth-voice/2026/you-said-we-did"])
def test_the_public_pages_pass_axe_at_360px(live_server, browser_page, county, path,  # noqa: F811
                                            lang):
    """In every shipped language: translated, <html lang> right, axe-core clean."""
    page = browser_page(width=360, height=640, javascript=True)
    page.goto(live_server.url + path + f"?lang={lang}")
    expect(page.locator("h1")).to_contain_text(TITLES[lang])
    expect(page.locator("html")).to_have_attribute("lang", "en-GB" if lang == "en" else lang)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_admin_pages_and_the_wave_section_pass_axe(live_server, browser_page, db,  # noqa: F811
                                                       county):
    make_user(db, "admin", email="admin@example.org")
    wave = db.session.query(SurveyWave).filter_by(name="2026").one()
    page = browser_page(width=360, height=640, javascript=True)
    sign_in_as(page, live_server, "admin@example.org")
    for path in (f"/admin/waves/{wave.id}/you-said-we-did", "/admin/surveys/youth-voice/waves"):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert axe_violations(page) == [], path
    page.goto(live_server.url + "/results/youth-voice")
    expect(page.locator("#waves-heading")).to_be_visible()
    page.locator("#waves summary").first.click()
    expect(page.locator("#wave-areas")).to_be_visible()
    assert axe_violations(page) == []
