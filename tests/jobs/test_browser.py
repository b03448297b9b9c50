"""The progress page as a person sees it: with JavaScript it moves on by itself
(fetch polling, no inline script) and shows the result link when the job is
done; without JavaScript it refreshes itself.  Screenshots at phone and desktop
sizes go to /tmp for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app import jobs
from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401
from tests.conftest import make_user
from tests.jobs.tasks import held
from tests.screenshots import keep

pytestmark = pytest.mark.browser


@pytest.fixture
def job(app, db, tmp_path):
    make_user(db, "councillor", "cllr@example.org")
    release = tmp_path / "go"
    info = jobs.enqueue(held, {"log": str(tmp_path / "log"), "release": str(release),
                               "label": "browser"}, key="browser", user_id=None)
    yield info, release
    release.touch()
    app.extensions["yvm_jobs"].stop()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_progress_page_moves_on_by_itself(live_server, browser_page, job,  # noqa: F811
                                              javascript):
    info, release = job
    page = browser_page(width=360, height=640, javascript=javascript)
    sign_in_as(page, live_server, "cllr@example.org")
    page.goto(f"{live_server.url}/jobs/{info.id}")
    expect(page.get_by_role("heading", name="Counting test job")).to_be_visible()
    expect(page.locator("#job-message")).to_have_text("Half way")
    expect(page.locator("#job-progress")).to_have_attribute("value", "50")
    keep(page, f"job-progress-360-{'js' if javascript else 'nojs'}")
    release.touch()
    # No click, no reload by the test: the page itself moves on to "Ready".
    expect(page.locator("#job-ready")).to_be_visible()
    if javascript:
        page.set_viewport_size({"width": 1280, "height": 800})
        keep(page, "job-ready-1280")
    assert not page.external_requests
