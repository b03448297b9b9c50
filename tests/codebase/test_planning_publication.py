"""Planning templates print counts the publication layer has already published.

Every count of young people on a planning page is published by
``app/publication/planning.py``, called from the planning service layer
(``app/planning/``); a template that filtered a count itself (``|sdc``), compared a
label against ``[c]`` or read the disclosure rule would be deciding suppression,
and this test fails.
"""

from __future__ import annotations

import re

from ..conftest import ROOT

TEMPLATES = ROOT / "templates" / "planning"

# What deciding suppression in a template looks like.
FORBIDDEN = {
    "the sdc filter": re.compile(r"\bsdc\b"),
    "a comparison against [c]": re.compile(r"""(==|!=|\bin\b)\s*['"]\[c\]['"]|['"]\[c\]['"]\s*(==|!=)"""),
    "the disclosure rule": re.compile(
        r"\b(rule|DisclosureRule|max_suppressed|min_suppressed|is_suppressed|round_to)\b"),
}
# Jinja expressions and statements ({{ ... }}, {% ... %}), where a decision could hide;
# the prose around them may say "shown as [c]".
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def problems_in(text: str) -> list[str]:
    found = []
    for name, pattern in FORBIDDEN.items():
        where = [m.group(0) for m in JINJA.finditer(text) if pattern.search(m.group(0))]
        if name == "the sdc filter" and pattern.search(text):
            where = where or ["sdc"]
        found += [f"{name}: {w[:120]}" for w in where]
    return found


def test_no_planning_template_decides_suppression():
    templates = sorted(TEMPLATES.glob("*.html"))
    assert len(templates) >= 8
    bad = {p.name: problems_in(p.read_text(encoding="utf-8")) for p in templates}
    bad = {name: found for name, found in bad.items() if found}
    assert not bad, ("Planning templates must print counts published by "
                     f"app/publication/planning.py, not decide suppression: {bad}")


def test_the_check_sees_each_kind_of_decision():
    """The patterns find what the templates used to do (so a pass above means
    something), and leave prose and published text alone."""
    assert problems_in("<td>{{ r.young_people|sdc }}</td>")
    assert problems_in("<dd>{{ r.young_people | sdc }}</dd>")
    assert problems_in("{% if result.users|label == '[c]' %}[c]{% endif %}")
    assert problems_in("{% if r.users != \"[c]\" %}£{{ r.cost }}{% endif %}")
    assert problems_in("{% if count <= rule.max_suppressed %}[c]{% endif %}")
    assert not problems_in("<p>Counts from 1 to 7 are shown as [c].</p><dd>{{ published.users }}</dd>")
