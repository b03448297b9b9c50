"""Screenshots of browser tests, kept only when asked for.

``YVM_SCREENSHOTS=/tmp/shots`` keeps a PNG of each page a browser test shows at each
size (to look at, docs/DEVELOPING.md "How browser tests wait"); without it none is taken.
A full-page screenshot costs Chromium about half a second of CPU, and nothing in the
suite reads the files: what a person would see is checked with Playwright's ``expect``
and axe-core, not by keeping pictures.
"""

from __future__ import annotations

import os
from pathlib import Path


def folder() -> Path | None:
    """Where screenshots go, made if needed; ``None`` when none are asked for."""
    where = os.environ.get("YVM_SCREENSHOTS")
    if not where:
        return None
    path = Path(where)
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep(target, name: str, *, full_page: bool = True) -> Path | None:
    """Screenshot ``target`` (a Playwright page or locator) as ``name``.png when
    ``YVM_SCREENSHOTS`` is set; the path, or ``None``."""
    where = folder()
    if where is None:
        return None
    path = where / (name if name.endswith(".png") else f"{name}.png")
    if hasattr(target, "set_viewport_size"):  # a page; a locator has no full_page
        target.screenshot(path=str(path), full_page=full_page)
    else:
        target.screenshot(path=str(path))
    return path
