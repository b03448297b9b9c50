"""The browser tests' Chromium: the features Playwright turns off stay off, and the address
bar's suggestion pages, which no test sees, are not made (``UNSEEN_FEATURES`` in
tests/browser_support.py)."""

from __future__ import annotations

import pytest

from tests.browser_support import (  # noqa: F401
    UNSEEN_FEATURES,
    _browser_processes,
    browser_page,
    live_server,
)

pytestmark = pytest.mark.browser


def _last_disabled(argv: list[str]) -> set[str]:
    """What Chromium disables: the value of the last ``--disable-features`` switch."""
    values = [a.split("=", 1)[1] for a in argv if a.startswith("--disable-features=")]
    return set(values[-1].split(",")) if values else set()


def test_the_shared_chromium_keeps_playwrights_features_off_and_makes_no_address_bar_pages(
        chromium, browser_page, live_server):  # noqa: F811
    page = browser_page(width=360, height=640)
    page.goto(live_server.url + "/")
    browsers = _browser_processes()
    assert len(browsers) == 1, browsers  # the worker's one shared Chromium
    disabled = _last_disabled(next(iter(browsers.values())))
    # Some of Playwright's own (HTTP kept HTTP, no paint holding, no background
    # requests to Google), named here, not read from Playwright, and ours.
    assert {"HttpsUpgrades", "HttpsFirstBalancedModeAutoEnable", "PaintHolding",
            "OptimizationHints", "PreconnectToSearch"} <= disabled
    assert set(UNSEEN_FEATURES) <= disabled
    assert page.url.startswith("http://127.0.0.1")

    session = chromium.browser.new_browser_cdp_session()
    try:
        targets = session.send("Target.getTargets")["targetInfos"]
    finally:
        session.detach()
    urls = [t["url"] for t in targets]
    assert live_server.url + "/" in urls
    assert not [u for u in urls if u.startswith("chrome://omnibox-popup")], urls
