"""An admin loads an XLSForm on the survey page in chromium at a phone's width (the page
has no script of its own): a bad file is refused beside the field (axe-core finds
nothing; axe needs the page's JavaScript on), a good one is loaded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.survey.store import sync_definitions
from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
    sign_in_as,
)
from tests.conftest import make_user
from tests.screenshots import keep
from tests.survey.test_browser import axe_violations
from tests.survey.xlsform_helpers import SURVEY, workbook

pytestmark = pytest.mark.browser


def test_an_admin_loads_an_xlsform_at_phone_width(live_server, browser_page, db,  # noqa: F811
                                                      tmp_path):
    sync_definitions(db.session)
    make_user(db, "admin", email="admin@example.org")
    db.session.commit()
    bad, good = tmp_path / "bad.xlsx", tmp_path / "clubs.xlsx"
    bad.write_bytes(workbook([*SURVEY, ["selct_one yn", "more", "More?"]]))
    good.write_bytes(workbook())
    page = browser_page(width=360, height=640)
    sign_in_as(page, live_server, "admin@example.org")
    page.goto(live_server.url + "/admin/surveys")
    expect(page.get_by_role("link", name="Download as XLSForm")).to_have_count(1)
    page.set_input_files("#xlsform", str(bad))
    click_and_wait_for_navigation(page, page.get_by_role("button", name="Load the XLSForm"))
    message = ("bad.xlsx: survey sheet, row 6, column type: 'selct_one yn' is not a "
               "question type")
    expect(page.locator("#xlsform-error")).to_contain_text(message)
    expect(page.locator(".error-summary")).to_contain_text(message)
    keep(page, "admin-xlsform-error-360")
    assert axe_violations(page) == []
    page.set_input_files("#xlsform", str(good))
    click_and_wait_for_navigation(page, page.get_by_role("button", name="Load the XLSForm"))
    expect(page.get_by_text("Survey clubs, version 3: loaded from clubs.xlsx.")).to_be_visible()
    expect(page.get_by_role("link", name="Download as XLSForm")).to_have_count(2)
