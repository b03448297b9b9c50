"""Steps the planning browser tests share: a commissioner signs in and makes a scenario."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser_support import click_and_wait_for_navigation, sign_in_as


def new_scenario(page, live_server, email: str, name: str) -> None:
    """Sign in as ``email`` and make a scenario called ``name``; return on its page."""
    sign_in_as(page, live_server, email)
    base_url = live_server.url
    expect(page).to_have_url(base_url + "/dashboard")
    page.goto(base_url + "/planning")
    page.fill("#name", name)
    click_and_wait_for_navigation(page, page.get_by_role("button", name="Make scenario"))
    expect(page.locator("h1")).to_have_text(name)
