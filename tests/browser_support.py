"""Browser test support: the app served on a local port, Debian's chromium through Playwright.

Use::

    pytestmark = pytest.mark.browser

    def test_x(live_server, browser_page):
        page = browser_page(width=360, height=640, javascript=True)
        page.goto(live_server.url + "/")
        ...
        assert not live_server_external_requests(page)

Import the fixtures in your test module with
``from tests.browser_support import live_server, browser_page  # noqa: F401``.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    contexts = []

    def make(width: int = 1280, height: int = 800, javascript: bool = True):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.external_requests = []

        def on_request(request):
            parts = urlsplit(request.url)
            # Only network schemes count: the browser's own pages (its PDF
            # viewer's chrome:// and chrome-extension:// files) never leave it.
            if parts.scheme not in ("http", "https", "ws", "wss"):
                return
            if parts.hostname not in ("127.0.0.1", "localhost"):
                page.external_requests.append(request.url)

        page.on("request", on_request)
        return page

    yield make
    for context in contexts:
        context.close()
    browser.close()
    pw.stop()


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
