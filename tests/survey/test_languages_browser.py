"""Polish on a 360 px phone: the survey and the directory pass axe-core, nothing is wider
than the screen (long Polish words wrap), and the language is switched with a plain link.

Screenshots go to ``$YVM_SCREENSHOTS`` when it is set.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
)
from tests.county import County
from tests.screenshots import keep
from tests.survey.helpers import make_geography
from tests.survey.test_browser import axe_violations

pytestmark = pytest.mark.browser


def _directory(db):
    county = County(db.session, today=date(2026, 3, 2))
    county.service("Bromyard Młodzieżowy Klub Sportowo-Rekreacyjny", 352500, 250500,
                   service_type="sport", sessions=[(1, "18:00", "20:00", True)],
                   organisation="Bromyard Youth Trust", key="club", cost_model="per_session",
                   cost_amount=2, age_min=11, age_max=18, joining="drop_in",
                   venue_name="Conquest Centre", address="Sherford Street, Bromyard",
                   postcode="HR7 4BB", phone="01885 000000", last_checked=date(2026, 2, 1))
    county.service("Colwall Drama", 354500, 250500, service_type="arts_music",
                   sessions=[(5, "10:00", "12:00")], last_checked=date(2026, 2, 1))
    return county.commit()


def _fits(page, name: str) -> list[str]:
    """Axe-core's violations, and the page not wider than the phone; a screenshot kept."""
    keep(page, name)
    problems = axe_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 360:
        problems.append(f"the page is {width} px wide")
    return problems


def test_polish_phone_pages_pass_axe_and_fit(live_server, browser_page, db):  # noqa: F811
    make_geography(db)
    ids = _directory(db)
    page = browser_page(width=360, height=640, javascript=True)
    page.route("**/static/js/*", lambda route: route.abort())  # as without JavaScript
    failures = {}
    page.goto(live_server.url + "/")
    # Switch with the plain link in the header: no JavaScript, the same page in Polish.
    click_and_wait_for_navigation(page, page.locator(".language-switcher a[lang=pl]"))
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.locator("h1")).to_have_text("Mapa Głosu Młodzieży")
    failures["home"] = _fits(page, "home-pl-360")

    page.goto(live_server.url + "/survey/youth-voice")  # no ?lang=: the choice is kept
    expect(page.locator("h1")).to_have_text("Powiedz nam, co chcesz robić w wolnym czasie")
    failures["survey"] = _fits(page, "survey-pl-360")
    click_and_wait_for_navigation(page, "button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("Wybierz odpowiedź na pytanie")
    failures["survey-errors"] = _fits(page, "survey-errors-pl-360")
    page.select_option("#area", "E04000001")
    page.locator('input[name="age_band"][value="13-15"]').check()
    page.locator('input[name="wishes"][value="drop_in"]').check()
    page.locator('input[name="barriers"][value="cost"]').check()
    click_and_wait_for_navigation(page, "button[type=submit]")
    expect(page.get_by_text("Twoje odpowiedzi zostały wysłane.")).to_be_visible()
    failures["thanks"] = _fits(page, "thanks-pl-360")

    page.goto(live_server.url + "/directory?near=HR7+4BB")
    expect(page.locator("h1")).to_have_text("Znajdź zajęcia")
    expect(page.locator("#results")).to_contain_text("zajęcia")
    failures["directory"] = _fits(page, "directory-pl-360")
    page.goto(live_server.url + f"/directory/{ids['club']}")
    expect(page.locator("#join-title")).to_have_text("Jak dołączyć")
    failures["service"] = _fits(page, "service-pl-360")
    page.goto(live_server.url + "/directory/share?near=HR7+4BB")
    expect(page.locator("h1")).to_contain_text("Zajęcia dla młodzieży")
    failures["share"] = _fits(page, "share-pl-360")
    page.goto(live_server.url + "/survey/youth-voice?lang=ro")
    expect(page.locator("html")).to_have_attribute("lang", "ro")
    failures["survey-ro"] = _fits(page, "survey-ro-360")
    assert not {k: v for k, v in failures.items() if v}
    assert not page.external_requests
