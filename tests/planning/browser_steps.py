"""Steps the planning browser tests share: a commissioner signs in and makes a scenario."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser_support import click_and_wait_for_navigation, pressable_at, sign_in_as


def new_scenario(page, live_server, email: str, name: str,
                 also_at: tuple[int, int] | None = None) -> None:
    """Sign in as ``email`` and make a scenario called ``name``; return on its page.
    With ``also_at`` (width, height), the button is first checked pressable at that size
    too (Playwright's checks before a click, without pressing it), then pressed at the
    page's own size."""
    sign_in_as(page, live_server, email)
    base_url = live_server.url
    expect(page).to_have_url(base_url + "/dashboard")
    page.goto(base_url + "/planning")
    page.fill("#name", name)
    button = page.get_by_role("button", name="Make scenario")
    if also_at:
        pressable_at(page, button, [also_at])
    click_and_wait_for_navigation(page, button)
    expect(page.locator("h1")).to_have_text(name)
