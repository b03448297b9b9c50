"""A partner on a phone and on a desktop goes through the listing form with errors and
fixes them, closes a listing after saying yes, and sees what they sent; axe-core at 0."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from app.models import ListingChange, Service
from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401
from tests.directory.test_browser import axe_violations

from ..conftest import make_user
from .helpers import two_organisations

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("YVM_SCREENSHOTS")


@pytest.mark.parametrize("width,height,js", [(360, 640, False), (1280, 800, True)])
def test_partner_fixes_form_errors_then_closes_a_listing_after_a_question(
        live_server, browser_page, db, width, height, js):  # noqa: F811
    ours, _, mine, _ = two_organisations(db)
    make_user(db, "partner", email="club@example.org", organisation=ours)
    page = browser_page(width=width, height=height, javascript=js)
    sign_in_as(page, live_server, "club@example.org")
    page.goto(f"{live_server.url}/partner/listings/{mine.id}/edit")
    # The sessions are stacked cards on a phone: "Term time only" is in view, no scrolling.
    term = page.get_by_label("Term time only (session 2)")
    expect(term).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == width
    box = term.bounding_box()
    assert box["x"] + box["width"] <= width
    # Times with no day, and a website that is not one.
    page.fill("#sessions-1-start", "19:00")
    page.fill("#sessions-1-end", "20:00")
    page.fill("#website", "javascript:alert(1)")
    page.get_by_role("button", name="Send for review").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Session 2: Choose the day of this session")
    expect(summary).not_to_contain_text("{")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/partner-form-errors-{width}.png", full_page=True)
        page.locator(".sessions-table").screenshot(path=f"{SHOTS}/partner-sessions-{width}.png")
        summary.screenshot(path=f"{SHOTS}/partner-summary-{width}.png")
    if js:
        assert axe_violations(page) == [], "form with errors"
    summary.get_by_role("link", name=re.compile("^Session 2")).click()
    if js:
        expect(page.locator("#sessions-1-day")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#sessions-1-day$"))
    page.select_option("#sessions-1-day", "3")
    page.check("#sessions-1-term_time_only")
    page.fill("#website", "https://example.org/boxing")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent to the council for review")).to_be_visible()
    change = db.session.query(ListingChange).one()
    assert change.after["sessions"] == "Mon 18:00-20:00; Thu 19:00-20:00 term-time"

    card = page.locator(f"#listing-{mine.id}")
    expect(card).to_contain_text("Live now: Monday 18:00 to 20:00")
    card.get_by_role("link", name=re.compile("^see what you sent")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What you sent: Cityton Boxing")
    expect(page.locator("main")).to_contain_text("Thu 19:00-20:00 term-time")
    if js:
        assert axe_violations(page) == [], "what you sent"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/partner-sent-{width}.png", full_page=True)

    page.goto(f"{live_server.url}/partner")
    card.get_by_role("link", name=re.compile("^Close")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close Cityton Boxing?")
    if js:
        assert axe_violations(page) == [], "close question"
    db.session.expire_all()
    assert db.session.get(Service, mine.id).status == "active"  # nothing yet
    page.get_by_role("button", name="Yes, close it").click()
    expect(page.get_by_text("Cityton Boxing is now closed")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Service, mine.id).status == "closed"
    assert page.external_requests == []
