"""The geography import page in a browser: without JavaScript the progress page
refreshes itself until the import is done; at 360 and 1280 px wide the form (with
an error beside the field), the summary and the refusal pass axe-core's WCAG 2.2 AA
rules.  Screenshots go to ``/tmp/shots-import/`` when ``YVM_SCREENSHOTS`` is set
(any value)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
    sign_in_as,
)
from tests.conftest import HEREFORDSHIRE, make_user
from tests.geodata import fakecouncil

from ..directory.test_browser import axe_violations

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not HEREFORDSHIRE.is_dir(), reason="real data folder missing")]
SHOTS = Path("/tmp/shots-import") if os.environ.get("YVM_SCREENSHOTS") else None
SIZES = ((360, 640), (1280, 800))


@pytest.fixture
def app_config():
    return {"JOBS_WAIT_SECONDS": 0}


def check(page, name: str) -> None:
    """No axe violation at either width (and a screenshot of each when asked)."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        assert axe_violations(page) == [], f"{name} at {width} px"
        if SHOTS:
            SHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def upload(page, base: str, code: str, files: list[Path]) -> None:
    page.goto(base + "/admin/geography")
    page.fill("#code", code)
    page.set_input_files("#files", [str(f) for f in files])
    click_and_wait_for_navigation(page, "#start-import")


def test_an_admin_imports_a_council_without_javascript(app, live_server, browser_page, db,  # noqa: F811
                                                       tmp_path):
    app.instance_path = str(tmp_path / "instance")
    folder = tmp_path / "westshire"
    folder.mkdir()
    fakecouncil.write(folder)
    files = sorted(folder.iterdir())
    admin = make_user(db, "admin", email="admin@example.org")
    assert admin.id
    page = browser_page(width=360, height=640, javascript=False)
    sign_in_as(page, live_server, "admin@example.org")

    upload(page, live_server.url, "E6", files[:1])  # a code that is not a council's
    expect(page.locator("#code-error")).to_contain_text("Enter a local authority code")
    expect(page.locator(".error-summary a[href='#code']")).to_be_visible()

    upload(page, live_server.url, fakecouncil.CODE, files)
    expect(page.locator("h1")).to_have_text("Importing a council's geography")
    # The progress page refreshes itself (a meta refresh) until the job is done.
    expect(page.locator("#job-ready a")).to_be_visible()
    click_and_wait_for_navigation(page, "#job-ready a")
    expect(page.locator("h1")).to_have_text(f"Council {fakecouncil.CODE} imported")
    expect(page.locator("#import-summary")).to_contain_text("NSPL November 2021, HR area:")
    done_url = page.url

    # A bad cell in one of Westshire's rows: refused, naming file, row and column.
    iod = pd.read_csv(folder / "File_7_IoD2025.csv")
    column = [c for c in iod.columns if "Decile" in c][0]
    row = int(iod.index[iod["Local Authority District code (2024)"] == fakecouncil.CODE][0])
    iod.loc[row, column] = 11
    iod.to_csv(folder / "File_7_IoD2025.csv", index=False)
    upload(page, live_server.url, fakecouncil.CODE, files)
    expect(page.locator("#job-ready a")).to_be_visible()
    click_and_wait_for_navigation(page, "#job-ready a")
    expect(page.locator("#refusal")).to_contain_text(
        f"File_7_IoD2025.csv, row {row + 2}, column '{column}'")
    expect(page.locator("#refusal-row")).to_have_text(str(row + 2))
    expect(page.locator("#unchanged")).to_have_text(
        "Nothing was imported; the database is unchanged.")
    refused_url = page.url

    # The same pages with JavaScript (axe runs in the page), at both widths.
    seen = browser_page(width=1280, height=800)
    sign_in_as(seen, live_server, "admin@example.org")
    upload(seen, live_server.url, "W6", files[:1])
    expect(seen.locator("#code-error")).to_be_visible()
    check(seen, "form-with-error")
    seen.goto(done_url)
    expect(seen.locator("#import-summary")).to_be_visible()
    check(seen, "imported")
    seen.goto(refused_url)
    expect(seen.locator("#refusal")).to_be_visible()
    check(seen, "refused")
    seen.goto(live_server.url + "/admin/geography")
    expect(seen.locator("#latest-import")).to_contain_text("refused")
    check(seen, "form")
