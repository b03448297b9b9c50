"""The admin's survey page and the sorted campaign table in chromium, with axe-core."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.models import Campaign, Response, Survey
from app.survey.store import sync_definitions
from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
    sign_in_as,
)
from tests.conftest import make_user
from tests.publication.support import publish_now
from tests.screenshots import keep
from tests.survey.helpers import make_geography
from tests.survey.test_browser import axe_violations

pytestmark = pytest.mark.browser


def test_admin_sets_dates_and_sees_least_heard_schools(live_server, browser_page, db):  # noqa: F811
    make_geography(db)
    sync_definitions(db.session)
    survey = db.session.scalars(select(Survey)).one()
    a = Campaign(survey_slug="youth-voice", code="aaa2345", name="Aardvark High", kind="school",
                 pupils=100)
    z = Campaign(survey_slug="youth-voice", code="zzz2345", name="Zebra High", kind="school",
                 pupils=900)
    db.session.add_all([a, z])
    db.session.flush()
    for k in range(60):
        db.session.add(Response(survey_id=survey.id, survey_slug="youth-voice", survey_version=1,
                                token=f"b{k}", submitted_on=date(2026, 3, 1), age_band="13-15",
                                campaign_id=a.id if k < 30 else z.id if k < 50 else None,
                                record_key=(k * 97) % 256))
    make_user(db, "admin", email="admin@example.org")
    db.session.commit()
    publish_now(db)
    failures = []
    for width, height in ((360, 640), (1280, 800)):
        page = browser_page(width=width, height=height)
        sign_in_as(page, live_server, "admin@example.org")
        page.goto(live_server.url + "/admin/surveys")
        keep(page, f"admin-surveys-{width}")
        failures += axe_violations(page)
        click_and_wait_for_navigation(page, "text=Change dates")
        page.fill("#opens_on", "2026-09-10")
        page.fill("#closes_on", "2026-09-01")
        click_and_wait_for_navigation(page, "main button[type=submit]")
        expect(page.locator("#closes_on-error")).to_contain_text(
            "The close date must be on or after the open date")
        keep(page, f"admin-survey-dates-error-{width}")
        failures += axe_violations(page)
        page.goto(live_server.url + "/results/youth-voice#t-campaign")
        section = page.locator("#t-campaign").locator("xpath=..")
        # The campaign table is folded away under its heading: open it as a person would.
        section.get_by_text("Show the campaign table").click()
        expect(section.locator("table")).to_be_visible()
        rows = section.locator("tbody th").all_inner_texts()
        assert rows.index("Zebra High") < rows.index("Aardvark High")
        keep(section, f"results-campaign-{width}")
    assert not failures, failures
