"""Browser test support: the app served on a local port, Debian's chromium through Playwright.

Use::

    pytestmark = pytest.mark.browser

    def test_x(live_server, browser_page):
        page = browser_page(width=360, height=640, javascript=True)
        page.goto(live_server.url + "/")
        ...
        assert not page.external_requests

Import the fixtures in your test module with
``from tests.browser_support import live_server, browser_page  # noqa: F401``.

Tests wait for what a person would see, never for a time and never with a check
straight after a click (docs/DEVELOPING.md, "How browser tests wait"):

* ``expect(page.get_by_text("Sent")).to_be_visible()``, ``expect(page).to_have_url(...)``,
  ``expect(locator).to_have_text(...)``: Playwright retries them until they hold;
* ``click_and_wait_for_navigation(page, "button[type=submit]")`` around a click that
  loads another page, before reading anything from that page.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
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
# Browser furniture no test sees: Playwright's headless mode runs the full Chromium, and
# each new window (every browser context) made two WebUI pages for its address bar's
# suggestions (chrome://omnibox-popup.top-chrome/ and its "AI mode" twin) in renderers of
# their own, and preloaded more.  Off, a new context and page cost Chromium about a third
# less CPU (0.45-0.49 s against 0.31-0.32 s, bench/bench_chromium.py, docs/BENCHMARKS.md).
UNSEEN_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "PreloadTopChromeWebUI")
# Playwright's web-first assertions give up after 5 s by default, its actions and
# navigations after 30 s: too short for a page that builds a map while other suites
# load both cores.  Waits return as soon as their condition holds, so a longer limit
# costs nothing when all is well; it only decides how long a real failure takes to report.
TIMEOUT_MS = 60_000
expect.set_options(timeout=TIMEOUT_MS)


_PLAYWRIGHT_DISABLED: list[str] = []


def _browser_processes() -> dict[int, list[str]]:
    """pid -> command line of every Chromium browser process (not a renderer, GPU or
    utility process) below this one (the process tree as ``tests/cpu_report.py`` walks it)."""
    from tests.cpu_report import _children

    found, stack = {}, _children(os.getpid())
    while stack:
        pid = stack.pop()
        stack += _children(pid)
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        except OSError:
            continue
        # Chromium's other processes write their whole command line into one string.
        if Path(argv[0]).name == "chromium" and "--type=" not in " ".join(argv):
            found[pid] = argv
    # A process the browser has just forked carries the browser's command line until it
    # rewrites it: a browser is one whose parent is no browser.
    return {pid: argv for pid, argv in found.items() if _parent(pid) not in found}


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def playwright_disabled_features(playwright) -> list[str]:
    """The Chromium features Playwright turns off when it starts a browser, read off the
    command line of one it started (once a process).  Chromium obeys only the last
    ``--disable-features`` switch, so ours (``chromium_args``) must repeat them; reading
    them from a started browser keeps them right when Playwright changes its list."""
    if not _PLAYWRIGHT_DISABLED:
        before = set(_browser_processes())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            started = [argv for pid, argv in _browser_processes().items() if pid not in before]
        finally:
            browser.close()
        switches = [a.split("=", 1)[1] for argv in started for a in argv
                    if a.startswith("--disable-features=")]
        if len(started) != 1 or not switches:
            pytest.fail(f"could not read Playwright's --disable-features off {started}")
        _PLAYWRIGHT_DISABLED.extend(f for f in switches[-1].split(",") if f)
    return _PLAYWRIGHT_DISABLED


def chromium_args(playwright) -> list[str]:
    """``CHROMIUM_ARGS`` and one ``--disable-features``: Playwright's and ``UNSEEN_FEATURES``."""
    features = dict.fromkeys([*playwright_disabled_features(playwright), *UNSEEN_FEATURES])
    return [*CHROMIUM_ARGS, "--disable-features=" + ",".join(features)]


class LiveServer:
    """``app`` served on its own port in a thread (a test that needs a server of its own,
    such as one that sends it simultaneous requests; browser tests use ``live_server``)."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        if hasattr(app, "config"):
            # Links the app hands out (invitations, check-in links, QR codes) point here,
            # as a deployment's PUBLIC_BASE_URL points at where it is served.
            app.config["PUBLIC_BASE_URL"] = self.url
        # serve_forever looks for shutdown() between polls: at its default of 0.5 s every
        # test's stop() waited 0.3 s on average; 0.05 s costs nothing while it serves.
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


class _CurrentApp:
    """The WSGI app of the worker's one server: it passes each request to the app of the
    test that is running (``live_server`` sets it), and answers 503 between tests."""

    def __init__(self):
        self.app = None

    def __call__(self, environ, start_response):
        app = self.app
        if app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"no test is running"]
        return app(environ, start_response)


@dataclass
class ServedApp:
    """What ``live_server`` gives a test: its own ``app``, served at ``url``."""

    app: object
    url: str
    port: int


@pytest.fixture(scope="session")
def _live_host():
    """One threaded server per pytest worker, started the first time a test asks for
    ``live_server`` and serving whichever test's app is current."""
    current = _CurrentApp()
    server = LiveServer(current).start()
    yield server, current
    server.stop()


@pytest.fixture
def live_server(app, _live_host):
    """This test's ``app`` served on the worker's server (``live_server.url``).  The server
    and its port are shared by the worker's browser tests, one test at a time; the app,
    and so the database, is the test's own."""
    server, current = _live_host
    # Links the app hands out (invitations, check-in links, QR codes) point here,
    # as a deployment's PUBLIC_BASE_URL points at where it is served.
    app.config["PUBLIC_BASE_URL"] = server.url
    current.app = app
    try:
        yield ServedApp(app, server.url, server.port)
    finally:
        current.app = None


class Chromium:
    """One Playwright driver and one headless chromium per pytest worker, shared by its
    browser tests (each test gets its own browser contexts: cookies, storage and cache
    are not shared).  Started by the first test that asks for ``browser_page``; started
    again if chromium went away.

    Playwright's sync API marks its event loop as the thread's running loop between
    calls.  Between browser tests it is unmarked (``park``) and marked again before the
    next test's first call (``get``), so a test without a browser never runs inside it.
    """

    def __init__(self):
        self.playwright = None
        self.browser = None
        self.loop = None

    def get(self):
        if self.loop is not None:
            asyncio._set_running_loop(self.loop)
        if self.browser is None or not self.browser.is_connected():
            with contextlib.suppress(Exception):  # what is left of a chromium that went away
                self.close()
            self._launch()
        return self.browser

    def _launch(self):
        from playwright.sync_api import sync_playwright

        if not Path(CHROMIUM).exists():
            pytest.fail(f"Debian's chromium is not at {CHROMIUM}: apt-get install chromium")
        self.playwright = sync_playwright().start()
        self.loop = asyncio.events._get_running_loop()
        try:
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=chromium_args(self.playwright), headless=True)
        except BaseException:
            self.close()  # a failed launch leaves no Playwright loop behind
            raise

    def park(self):
        asyncio._set_running_loop(None)

    def close(self):
        if self.loop is not None:
            asyncio._set_running_loop(self.loop)
        with contextlib.ExitStack() as stack:
            if self.playwright is not None:
                stack.callback(self.playwright.stop)
            if self.browser is not None:
                stack.callback(self.browser.close)
            self.playwright = self.browser = self.loop = None
        asyncio._set_running_loop(None)


@pytest.fixture(scope="session")
def chromium():
    """The worker's shared chromium (see ``Chromium``); tests use ``browser_page``."""
    shared = Chromium()
    yield shared
    shared.close()


@pytest.fixture
def browser_page(chromium):
    """A factory of fresh pages (one browser context each) in the worker's headless
    chromium.

    Every context the test opened is closed after it, whatever happens, so the next
    test starts with no cookies, storage, cache or open page of this one.
    """
    browser = chromium.get()
    with contextlib.ExitStack() as stack:
        stack.callback(chromium.park)

        def make(width: int = 1280, height: int = 800, javascript: bool = True):
            context = browser.new_context(viewport={"width": width, "height": height},
                                          java_script_enabled=javascript)
            stack.callback(context.close)
            context.set_default_timeout(TIMEOUT_MS)
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


def at_sizes(page, sizes):
    """Each ``(width, height)`` of ``sizes`` in turn, with the page resized to it (the same
    document: no second load, no second click); then the page goes back to the size it
    had, even when the loop stops early."""
    before = page.viewport_size
    try:
        for width, height in sizes:
            page.set_viewport_size({"width": width, "height": height})
            yield width, height
    finally:
        page.set_viewport_size(before)


def pressable_at(page, locator, sizes):
    """Playwright's checks before a click (visible, stable, enabled, not covered by
    anything) on ``locator`` at each of ``sizes``, nothing pressed (a trial click): a step
    a test takes at one size is still checked pressable at the others.  Returns the
    locator, to press at the page's own size."""
    for _ in at_sizes(page, sizes):
        locator.click(trial=True)
    return locator


def click_and_wait_for_navigation(page, target, **click_options) -> None:
    """Click ``target`` (a selector or a locator) and return once the page that the
    click leads to has loaded.

    A click that submits a form or follows a link only starts loading the next page;
    reading the page straight after it can read the old page (or a half-built new one),
    and ``page.wait_for_load_state()`` returns at once because the old page had loaded.
    ``page.expect_navigation()`` waits for the navigation this click starts.  Use it
    only for a click that certainly navigates (otherwise it times out); for anything
    else wait with ``expect(...)`` on what the person would see.
    """
    locator = page.locator(target) if isinstance(target, str) else target
    with page.expect_navigation():
        locator.click(**click_options)


def sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the real form (the server checks the password: argon2id at
    production parameters, 64 MiB).  For tests of signing in itself:
    passwords, rate limits, sessions and cookies, sign-out, the login page.  Any other
    test signs in with ``sign_in_as``."""
    page.goto(base_url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    # The form posts and the answer (dashboard, "wrong password" or "too many
    # tries") replaces the page: wait for it before the caller looks or moves on.
    click_and_wait_for_navigation(page, "button[type=submit]")


def sign_out(page) -> None:
    """Press "Sign out": on a phone it is in the header's "Menu" (a <details>), opened first."""
    # Whether the Menu is shown depends on the style sheet: wait until the page (its
    # CSS included) has loaded, or a desktop page may show it for an instant.
    page.wait_for_load_state("load")
    menu = page.locator("nav.site-nav summary")
    if menu.is_visible():
        menu.click()
    page.get_by_role("button", name="Sign out").click()


def session_cookies(app, user_or_email, *, user_agent: str, host: str) -> list[dict]:
    """The cookies a real sign-in as ``user_or_email`` (a ``User`` or an email) gives a
    browser that sends ``user_agent`` from ``host`` to ``app``, as Playwright takes them.

    What happens is what ``login`` in app/auth/routes.py does once the password is
    right, by the same two calls, without checking it: ``signed_in`` (app/auth/
    service.py: a new session token, ending the account's other sessions, failures
    reset, the sign-in time recorded) and ``begin_session`` (a new session by
    Flask-Login's ``login_user``, with ``login_at`` and ``last_seen``, permanent),
    signed by the app's own session interface; and the browser becomes a known device for the
    account (app/ratelimit.py).  The cookies' name, path, domain, flags and expiry come
    from the app's settings.  ``tests/foundation/test_cookie_sign_in.py`` checks that
    this stays what the form gives.
    """
    from flask import session, url_for
    from sqlalchemy import func, select

    from app.auth.routes import DEVICE_DAYS, begin_session
    from app.auth.service import signed_in
    from app.extensions import db
    from app.models import User
    from app.ratelimit import DEVICE_COOKIE, device_cookie_value

    # An app context of its own (its own database session and ``g``), as the server's
    # request has: nothing is left on the test's, and nothing of the test's is committed.
    with app.app_context(), app.test_request_context(
            "/login", method="POST", environ_base={"REMOTE_ADDR": host},
            headers={"User-Agent": user_agent}):
        if isinstance(user_or_email, str):
            user = db.session.scalar(select(User).where(
                func.lower(User.email) == user_or_email.strip().lower()))
        else:
            user = db.session.get(User, user_or_email.id)
        if user is None or not user.active:
            raise AssertionError(f"no active account {user_or_email!r} to sign in as")
        now = datetime.now(UTC)
        signed_in(user, now=now)  # what the right password does, then the login view
        begin_session(user, now)

        interface = app.session_interface
        secure = interface.get_cookie_secure(app)
        cookie = {
            "name": interface.get_cookie_name(app),
            "value": interface.get_signing_serializer(app).dumps(dict(session)),
            "domain": interface.get_cookie_domain(app) or host,
            "path": interface.get_cookie_path(app),
            "expires": interface.get_expiration_time(app, session).timestamp(),
            "httpOnly": interface.get_cookie_httponly(app),
            "secure": secure,
        }
        samesite = interface.get_cookie_samesite(app)
        if samesite:
            cookie["sameSite"] = samesite.capitalize()
        device = {"name": DEVICE_COOKIE, "value": device_cookie_value(user.email.lower()),
                  "domain": host, "path": url_for("auth.login"),
                  "expires": now.timestamp() + DEVICE_DAYS * 86400,
                  "httpOnly": True, "secure": bool(app.config["SESSION_COOKIE_SECURE"]),
                  "sameSite": "Lax"}
    return [cookie, device]


def sign_in_as(page, live_server, user_or_email) -> None:
    """Sign ``page``'s browser context in as ``user_or_email`` (a ``User`` or an email)
    without the password check, and return on the account's start page (the dashboard,
    a partner's listings, a national admin's councils) as ``sign_in`` does.

    The session cookie is signed by the test's own app (``session_cookies``), so the
    server sees what a real sign-in gives; only the argon2id check is skipped (with the
    login page, 0.2-0.3 s of CPU).  Use it in every browser test whose subject is not
    signing in; tests of sign-in, passwords, rate limits, sessions and cookies, sign-out
    or the login page sign in through the form with ``sign_in``.
    """
    host = urlsplit(live_server.url).hostname
    user_agent = page.evaluate("navigator.userAgent")  # works with JavaScript off too
    page.context.add_cookies(session_cookies(live_server.app, user_or_email,
                                             user_agent=user_agent, host=host))
    # Signed in, /login sends the account to its start page, where a form sends it
    # after a sign-in: wait for the signed-in header there before the caller goes on.
    page.goto(live_server.url + "/login")
    expect(page.locator("form[action='/logout']").first).to_be_attached()
