"""Tests wait for what a person would see (docs/DEVELOPING.md, "How browser tests wait").

A check straight after a click can read the page before the click's answer has
replaced it, ``wait_for_load_state()`` returns at once when the old page had loaded,
and a fixed sleep is too short on a busy machine: each makes a test that fails at
random.  This reads every test module and refuses the calls that invite those races;
Playwright's ``expect(...)`` and ``click_and_wait_for_navigation`` are the way.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent

RULES = [
    (re.compile(r"\.is_(visible|hidden|checked|enabled|disabled|editable)\("),
     "reads the page once; assert with expect(locator).to_be_visible() / to_be_checked() ..."),
    (re.compile(r"\.(inner_text|text_content)\(\)"),
     "reads the page once; assert with expect(locator).to_have_text() / to_contain_text()"),
    (re.compile(r"\.wait_for_load_state\("),
     "returns at once when the old page had loaded; use click_and_wait_for_navigation()"),
    (re.compile(r"\.wait_for_selector\("),
     "use expect(locator).to_be_visible()"),
    (re.compile(r"\.wait_for_timeout\(|\btime\.sleep\("),
     "a fixed sleep; wait for the outcome instead"),
]


def problems(source: str) -> list[str]:
    """``line: call: why`` for each racy call in a test module's source."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        code = line.split("#", 1)[0]
        for pattern, why in RULES:
            match = pattern.search(code)
            if match:
                found.append(f"{number}: {match.group(0)} {why}")
    return found


def test_no_test_checks_a_page_without_waiting_or_sleeps():
    found = [f"{path.relative_to(TESTS.parent)}:{problem}"
             for path in sorted(TESTS.rglob("test_*.py")) if path != Path(__file__).resolve()
             for problem in problems(path.read_text())]
    assert not found, "\n".join(found)


def test_the_checker_catches_a_check_straight_after_a_click():
    racy = ('page.click("button[type=submit]")\n'
            'page.wait_for_load_state()\n'
            'assert page.is_visible("text=Your answers have been sent")\n'
            'assert page.locator("h1").inner_text() == "Thank you"\n'
            'time.sleep(1)  # let it settle\n')
    assert [p.split(":")[0] for p in problems(racy)] == ["2", "3", "4", "5"]
    waits = ('click_and_wait_for_navigation(page, "button[type=submit]")\n'
             'expect(page.get_by_text("Your answers have been sent")).to_be_visible()\n'
             'expect(page.locator("h1")).to_have_text("Thank you")\n'
             'rows = page.locator("tbody th").all_inner_texts()  # is_visible( in a comment\n')
    assert problems(waits) == []
