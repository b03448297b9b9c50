"""Chromium's CPU for the browser tests' kind of work, per set of command-line flags;
prints figures, asserts nothing.

    .venv/bin/python bench/bench_chromium.py [--db /tmp/bench_axe/demo.db] [--repeat 3]
        [--variants base,unseen,...] [--no-axe]

A third of the suite's CPU is Chromium (docs/BENCHMARKS.md), so the flags it is started
with are worth measuring on their own.  Builds (or reuses) the demo county of
bench/bench_axe.py, serves it in a thread, and for each variant starts Debian's chromium
with ``CHROMIUM_ARGS`` of tests/browser_support.py plus the variant's flags and does what
the browser tests do: a fresh context per page, the page loaded at 1280 x 800, axe-core
run, the window made 360 x 640, axe-core run again, the context closed; the anonymous
pages, then the commissioner's.  Chromium's CPU is the CPU of this process's live
descendants before and after the work (``_live_cpu`` of tests/cpu_report.py: Playwright's
driver, chromium and its renderer, GPU and utility processes, each with what it reaped),
the browser still open.  Variants alternate, ``--repeat`` times; medians are printed.
``--no-axe`` loads and resizes the pages without axe-core, to see what axe adds.

Measured on 7 December 2026 (docs/BENCHMARKS.md, "Chromium's window furniture, garbage
collection, the CPU report"): ``unseen`` (no
address-bar pages in each new window) took a fifth to a third off Chromium's CPU; none of
the other flags moved it out of the run-to-run noise.  (``--single-process`` was tried
too: Chromium refuses the work in it.)  A variant that sets ``--disable-features`` must
repeat Playwright's own list, as ``chromium_args`` does: Chromium obeys only the last.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_axe import build, serve, signed_in_page  # noqa: E402

VARIANTS: dict[str, list[str]] = {
    # CHROMIUM_ARGS alone: Playwright's features off, the address bar's pages made.
    "base": [],
    # What the tests use (chromium_args): also UNSEEN_FEATURES off (filled in main()).
    "unseen": [],
    # No software GL fallback for the GPU process (the tests draw no WebGL).
    "nosoftgl": ["--disable-software-rasterizer"],
    "gpuinproc": ["--in-process-gpu"],
    "trials": ["--disable-site-isolation-trials"],
    "trialsgpu": ["--disable-site-isolation-trials", "--in-process-gpu"],
    "lowend": ["--enable-low-end-device-mode"],
    "raster1": ["--num-raster-threads=1"],
    "noanim": ["--disable-threaded-animation", "--disable-threaded-scrolling",
               "--disable-smooth-scrolling"],
}
PAGES = {
    "anonymous": ["/", "/survey/youth-voice", "/directory", "/map", "/evidence"],
    "commissioner": ["/gaps", "/planning", "/directory/manage", "/dashboard"],
}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def workload(browser, url: str, accounts: dict, axe_script: str, axe: bool = True) -> None:
    for role, paths in PAGES.items():
        for path in paths:
            page = signed_in_page(browser, url, accounts, role, axe_script)
            page.goto(url + path, wait_until="load")
            for width, height in ((1280, 800), (360, 640)):
                page.set_viewport_size({"width": width, "height": height})
                if axe:
                    page.evaluate("async o => { await axe.run(document, o); }",
                                  {"runOnly": {"type": "tag", "values": WCAG},
                                   "resultTypes": ["violations"]})
                else:
                    page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
            page.context.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/tmp/bench_axe/demo.db")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--no-axe", action="store_true",
                        help="load and resize the pages only: what axe-core adds")
    args = parser.parse_args()

    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, chromium_args
    from tests.cpu_report import _live_cpu

    app, accounts = build(Path(args.db))
    url = serve(app)
    axe_script = Axe().axe_script
    variants = args.variants.split(",")
    cpu: dict[str, list[float]] = {v: [] for v in variants}
    wall: dict[str, list[float]] = {v: [] for v in variants}
    with sync_playwright() as p:
        VARIANTS["unseen"] = chromium_args(p)[len(CHROMIUM_ARGS):]
        for _ in range(args.repeat):
            for variant in variants:
                before = _live_cpu()
                started = time.perf_counter()
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                            args=CHROMIUM_ARGS + VARIANTS[variant])
                try:
                    workload(browser, url, accounts, axe_script, axe=not args.no_axe)
                    cpu[variant].append(_live_cpu() - before)
                    wall[variant].append(time.perf_counter() - started)
                finally:
                    browser.close()
    for variant in variants:
        print(f"{variant:10} chromium CPU {statistics.median(cpu[variant]):6.1f} s "
              f"(runs {', '.join(f'{c:.1f}' for c in cpu[variant])}), "
              f"wall {statistics.median(wall[variant]):5.1f} s")


if __name__ == "__main__":
    main()
