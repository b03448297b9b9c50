"""A partner on a phone changes a session time and confirms a listing; every partner
page passes axe-core (WCAG 2.2 AA) at phone and desktop sizes."""

from __future__ import annotations

import os
import re
from datetime import time

import pytest
from playwright.sync_api import expect

from app.models import ListingChange, Organisation, OrganisationContact, Service
from tests.browser_support import (  # noqa: F401
    at_sizes,
    browser_page,
    live_server,
    pressable_at,
    sign_in_as,
    sign_out,
)
from tests.directory.test_browser import axe_violations

from ..conftest import make_user
from .helpers import make_stale, two_organisations

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("YVM_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width,height", [(360, 640), (1280, 800)])
def test_partner_changes_a_session_time_and_confirms_a_listing(live_server, browser_page, db,  # noqa: F811
                                                               width, height):
    ours, _, mine, _ = two_organisations(db)
    make_stale(db, mine)
    make_user(db, "partner", email="club@example.org", organisation=ours)
    page = browser_page(width=width, height=height)
    sign_in_as(page, live_server, "club@example.org")
    expect(page).to_have_url(re.compile(r"/partner$"))
    card = page.locator(f"#listing-{mine.id}")
    expect(card.get_by_text("Needs confirming")).to_be_visible()
    _shot(page, f"partner-dashboard-{width}")
    assert axe_violations(page) == [], "dashboard"
    assert page.evaluate("document.documentElement.scrollWidth") == width

    card.get_by_role("link", name=re.compile("^Edit")).click()
    expect(page.get_by_role("heading", name="Edit Cityton Boxing")).to_be_visible()
    assert axe_violations(page) == [], "edit form"
    page.fill("#sessions-0-start", "18:30")
    page.fill("#sessions-0-end", "20:30")
    _shot(page, f"partner-edit-{width}")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent to the council for review")).to_be_visible()
    expect(card.get_by_text("Change waiting for review")).to_be_visible()

    card.get_by_role("button", name=re.compile("^Still right")).click()
    expect(page.get_by_text("Cityton Boxing is marked as checked today")).to_be_visible()
    expect(card.get_by_text("Needs confirming")).to_have_count(0)
    expect(page.locator("#stale-count")).to_have_text("0")
    _shot(page, f"partner-confirmed-{width}")
    assert page.external_requests == []

    change = db.session.query(ListingChange).one()
    assert change.after["sessions"] == "Mon 18:30-20:30"
    db.session.expire_all()
    assert [(s.start, s.end) for s in db.session.get(Service, mine.id).sessions] == [
        (time(18), time(20))]


SIZES = ((360, 640), (1280, 800))


def _axe_at_both_sizes(page, failures: dict, name: str, *shown, shot: str | None = None) -> None:
    """axe-core on the page as it is, at 360x640 and at 1280x800 (the same document,
    resized: no second load), each size's violations under ``failures["<name> <width>"]``;
    each locator in ``shown`` must be visible at each size, and ``shot`` names the
    screenshot of each (``<shot>-<width>``).  The page goes back to the size it had."""
    for width, _ in at_sizes(page, SIZES):
        for locator in shown:
            expect(locator).to_be_visible()
        failures[f"{name} {width}"] = axe_violations(page)
        if shot:
            _shot(page, f"{shot}-{width}")


def test_every_partner_page_passes_axe(live_server, browser_page, db):  # noqa: F811
    """One window.  Each page is loaded once and checked at both sizes
    (``_axe_at_both_sizes``).  The partner's steps are taken on a phone, the
    commissioner's on a desktop, each button checked pressable at both sizes first
    (``pressable_at``); each account signs in at both sizes and the partner
    signs out at both (the phone's through the header's menu)."""
    from app.models import Building, ServiceReport
    from app.partners.invites import create_invite
    from tests.county import County

    ours, _, mine, _ = two_organisations(db)
    make_stale(db, mine)
    db.session.add(ServiceReport(service_id=mine.id, kind="times", message="It moved"))
    County(db.session).building("Old Library", 351000, 241000, organisation=ours.name)
    contact = OrganisationContact(organisation=ours, name="Jo", email="jo@example.org")
    db.session.add(contact)
    db.session.commit()
    building = db.session.query(Building).one()
    make_user(db, "partner", email="club@example.org", organisation=ours)
    make_user(db, "commissioner", email="comm@example.org")
    failures = {}
    page = browser_page(width=360, height=640)
    _, token = create_invite(db.session, contact, by=None, days=14)
    db.session.commit()
    page.goto(f"{live_server.url}/partners/invite/{token}")
    _axe_at_both_sizes(page, failures, "invite",
                       page.get_by_role("heading", name="Set your password"))
    page.goto(f"{live_server.url}/partners/invite/nope")
    _axe_at_both_sizes(page, failures, "invite refused")

    # The partner, on the phone.
    sign_in_as(page, live_server, "club@example.org")
    expect(page).to_have_url(re.compile(r"/partner$"))
    pressable_at(page, page.get_by_role("link", name="Add a listing"), SIZES).click()
    expect(page.get_by_role("heading", name="Add a listing")).to_be_visible()
    pressable_at(  # empty: errors shown
        page, page.get_by_role("button", name="Send for review"), SIZES).click()
    expect(page.locator(".error-summary")).to_be_visible()
    _axe_at_both_sizes(page, failures, "new listing with errors",
                       page.get_by_role("heading", name="Add a listing"),
                       page.locator(".error-summary"))
    for name, path in (("import", "/partner/import"),
                       ("building", f"/partner/buildings/{building.id}/edit")):
        page.goto(live_server.url + path)
        _axe_at_both_sizes(page, failures, name, shot=f"partner-{name}")
    sign_out(page)
    expect(page).to_have_url(re.compile(r"/login"))

    # The commissioner signs in on the phone, then takes the steps on a desktop (signing
    # in again there for the queued change, below).
    sign_in_as(page, live_server, "comm@example.org")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.set_viewport_size({"width": 1280, "height": 800})
    org = db.session.query(Organisation).filter_by(name=ours.name).one()
    page.goto(f"{live_server.url}/partners/organisations/{org.id}")
    pressable_at(page, page.get_by_role("button", name="Make a check-in link").or_(
        page.get_by_role("button", name="Make a new check-in link")), SIZES).click()
    heading = page.get_by_role("heading", name=re.compile("^Check-in link"))
    expect(heading).to_be_visible()
    _axe_at_both_sizes(page, failures, "check-in link", heading, shot="checkin-link")
    link = page.locator("#link").input_value()
    for name, path in (("overview", "/partners"), ("organisations", "/partners/organisations"),
                       ("organisation", f"/partners/organisations/{org.id}"),
                       ("review", "/partners/review")):
        page.goto(live_server.url + path)
        _axe_at_both_sizes(page, failures, name, shot=f"staff-{name}")
    page.goto(live_server.url + "/partners/organisations/" + str(org.id))
    pressable_at(
        page, page.get_by_role("button", name=re.compile("^Make invitation link")), SIZES).click()
    heading = page.get_by_role("heading", name=re.compile("^Invitation link"))
    expect(heading).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    _axe_at_both_sizes(page, failures, "invite link", heading, page.locator("figure.qr svg"),
                       shot="invite-link")
    page.goto(link)
    heading = page.get_by_role("heading", name=re.compile("still right"))
    expect(heading).to_be_visible()
    _axe_at_both_sizes(page, failures, "check-in page", heading, shot="checkin")
    assert page.external_requests == []

    # A change in the queue: its review and edit pages (the desktop, signing out there).
    sign_in_as(page, live_server, "club@example.org")
    expect(page).to_have_url(re.compile(r"/partner$"))
    page.goto(f"{live_server.url}/partner/listings/{mine.id}/edit")
    page.fill("#sessions-0-start", "19:00")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent to the council for review")).to_be_visible()
    change = db.session.query(ListingChange).one()
    sign_out(page)
    expect(page).to_have_url(re.compile(r"/login"))
    sign_in_as(page, live_server, "comm@example.org")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.goto(f"{live_server.url}/partners/review/{change.id}")
    expect(page.locator("ins", has_text="Mon 19:00-20:00")).to_be_visible()
    failures["review change"] = axe_violations(page)
    _shot(page, "review-change-1280")
    page.get_by_role("link", name="Edit, then approve").click()
    expect(page.get_by_role("button", name="Approve with these edits")).to_be_visible()
    failures["edit change"] = axe_violations(page)
    assert page.external_requests == []
    assert {k: v for k, v in failures.items() if v} == {}
