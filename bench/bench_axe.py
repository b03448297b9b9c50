"""Time axe-core on the demo county's pages, per page and per rule; prints figures,
asserts nothing.

    .venv/bin/python bench/bench_axe.py [--db /tmp/bench_axe/demo.db] [--repeat 3]
        [--pages anonymous:/evidence,commissioner:/directory/manage]
        [--variants base,remembered] [--rules 6]

Builds the demo county once into a SQLite file (kept: a second run reuses it), serves it
on a local port in a thread and signs each role in with Debian's chromium (the flags of
tests/browser_support.py).  As the accessibility sweep does, each page is loaded, axe-core
is run at 1280 x 800, the window is made 360 x 640 and axe-core is run again on the same
document; this is done once per variant, the variants alternating, ``--repeat`` times,
and the median of each is printed.  The variants all run the WCAG 2.0-2.2 A/AA rules the
tests run (``base``: the tests' options before 7 December 2026); ``remembered`` adds the
tests' colour memory (``REMEMBER_COLOURS`` in tests/directory/test_browser.py), ``ownfields``
that and ``COLOURS_OWN_FIELDS`` (what the tests run now), the others
axe-core options that change what axe returns, not what it checks.  Per rule: axe's own
``performanceTimer`` marks (``performance.getEntriesByType('measure')``) of one more run
in a fresh document, without and with the colour memory, the ``--rules`` costliest
printed.  Elements: ``document.querySelectorAll('*')``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BASE = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
VARIANTS = {
    "base": BASE,
    "remembered": BASE,
    # And the colours' fields kept on each colour (``COLOURS_OWN_FIELDS``), as the tests
    # run axe-core since the fourth session of 7 December 2026.
    "ownfields": BASE,
    # What axe hands back, not what it checks: no CSS selector per node, no preloading
    # of style sheets and media (css-orientation-lock and the media rules then read the
    # page's own sheets), no iframe search.
    "noselectors": {**BASE, "selectors": False},
    "nopreload": {**BASE, "preload": False},
    "noiframes": {**BASE, "iframes": False},
    "lean": {**BASE, "selectors": False, "iframes": False},
}
DEFAULT_PAGES = ("anonymous:/directory/share,anonymous:/survey/youth-voice,anonymous:/,"
                 "councillor:/evidence,councillor:/partners,councillor:/results/youth-voice,"
                 "councillor:/gaps,commissioner:/directory/manage,"
                 "commissioner:/planning/funding-cliff,commissioner:/dashboard")
SIZES = ((1280, 800), (360, 640))
PASSWORD_FILE = "accounts.json"


def build(db_path: Path):
    from app import create_app
    from app.extensions import db

    config = {"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
              "RATELIMIT_STORAGE_URI": "memory://", "MAP_TILES_URL": "", "SERVER_NAME": None,
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"}
    app = create_app(config)
    accounts_file = db_path.parent / PASSWORD_FILE
    if not (db_path.exists() and accounts_file.exists()):
        from app.demo import build_demo

        db_path.parent.mkdir(parents=True, exist_ok=True)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            accounts = build_demo(db.session, progress=lambda _m: None, config=app.config)
            db.session.commit()
            print(f"demo built in {time.perf_counter() - started:.1f} s")
        accounts_file.write_text(json.dumps(accounts))
    return app, json.loads(accounts_file.read_text())


def serve(app) -> str:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def signed_in_page(browser, url: str, accounts: dict, role: str, axe_script: str):
    """A page in a fresh 1280 x 800 context that has axe-core in every document, signed
    in through the form as the demo's first account of ``role`` (or not: ``anonymous``)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(script=axe_script)
    page = context.new_page()
    if role != "anonymous":
        email = next(e for e in accounts if e.startswith(role))
        page.goto(url + "/login")
        page.fill("#email", email)
        page.fill("#password", accounts[email])
        with page.expect_navigation():
            page.click("button[type=submit]")
    return page


def timed_run(page, options, remember: bool, own_fields: bool = False) -> float:
    from tests.directory.test_browser import COLOURS_OWN_FIELDS, REMEMBER_COLOURS

    if remember:
        page.evaluate(f"() => ({REMEMBER_COLOURS})()")
    if own_fields:
        page.evaluate(f"() => ({COLOURS_OWN_FIELDS})()")
    return page.evaluate("""async options => {
        const t = performance.now();
        await axe.run(document, options);
        return performance.now() - t;
    }""", options)


def rule_times(page, remember: bool) -> dict[str, float]:
    from tests.directory.test_browser import REMEMBER_COLOURS

    if remember:
        page.evaluate(f"() => ({REMEMBER_COLOURS})()")
    return page.evaluate("""async options => {
        performance.clearMeasures();
        await axe.run(document, options);
        const out = {};
        for (const m of performance.getEntriesByType('measure'))
            if (/^rule_[^#]+$/.test(m.name)) out[m.name.slice(5)] = m.duration;
        return out;
    }""", {**BASE, "performanceTimer": True})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/tmp/bench_axe/demo.db")
    parser.add_argument("--pages", default=DEFAULT_PAGES)
    parser.add_argument("--variants", default="base,remembered")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rules", type=int, default=6)
    args = parser.parse_args()

    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, chromium_args

    app, accounts = build(Path(args.db))
    url = serve(app)
    by_role: dict[str, list[str]] = {}
    for item in args.pages.split(","):
        role, path = item.split(":", 1)
        by_role.setdefault(role, []).append(path)
    variants = args.variants.split(",")
    totals = {v: 0.0 for v in variants}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=chromium_args(p), headless=True)
        for role, paths in by_role.items():
            page = signed_in_page(browser, url, accounts, role, Axe().axe_script)
            context = page.context
            for path in paths:
                times = {(v, w): [] for v in variants for w, _h in SIZES}
                for _ in range(args.repeat):
                    for v in variants:
                        page.goto(url + path)
                        for width, height in SIZES:
                            page.set_viewport_size({"width": width, "height": height})
                            times[v, width].append(timed_run(page, VARIANTS[v], v in ("remembered", "ownfields"),
                                                                 v == "ownfields"))
                        page.set_viewport_size({"width": 1280, "height": 800})
                elements = page.evaluate("document.querySelectorAll('*').length")
                for width, _height in SIZES:
                    medians = {v: statistics.median(times[v, width]) for v in variants}
                    for v in variants:
                        totals[v] += medians[v]
                    print(f"{role:12} {path:28} {width:>4} {elements:>5} el  " + "  ".join(
                        f"{v} {medians[v]:6.0f} ms" for v in variants))
                for remember in (False, True):
                    page.goto(url + path)
                    rules = sorted(rule_times(page, remember).items(), key=lambda kv: -kv[1])
                    print(f"    rules at 1280{' (remembered)' if remember else ''}: " + ", ".join(
                        f"{r} {ms:.0f}" for r, ms in rules[:args.rules])
                        + f"; all rules {sum(ms for _r, ms in rules):.0f} ms")
            context.close()
        browser.close()
    print("total (medians): " + "  ".join(f"{v} {t / 1000:.1f} s" for v, t in totals.items()))


if __name__ == "__main__":
    main()
