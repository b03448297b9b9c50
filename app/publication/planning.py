"""Every count of people on a planning page, as the page prints it.  Flask-free.

The planning pages (scenarios, funding cliff, best sites, subsidies, travel data,
the planning index) count young people from Census 2021 population figures and
the directory, never from survey answers.  Those counts leave the app only
through this module: the planning service layer (``app/planning/``) calls it and
hands the templates finished text, so no template rounds, hides or compares a
count (``tests/codebase/test_planning_publication.py`` fails if one does).

* :func:`publish_counts` and :func:`publish_rows` apply the council's rule
  (:class:`app.disclosure.DisclosureRule`: 1–7 shown as ``[c]``, every other
  count rounded half up to the nearest 5, 0 shown as 0).
* :func:`publish_parts_total` publishes a total as the sum of its published parts,
  so a total and its rural/urban parts add up on the page.
* :func:`publish_money_for` shows a cost only when the count it was worked out
  from is shown (a cost ÷ a price would give a hidden count back).
* :func:`publish_population_total` prints a county-wide total of the gap table's
  own population figures unrounded, exactly as the gap table, its CSV and the
  evidence pack give them (census counts the ONS already publishes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..disclosure import DisclosureRule

Count = int | float | None

HIDDEN = "[c]"
NOT_SHOWN = "–"


def publish_count(rule: DisclosureRule, value: Count) -> str:
    """One count as the page prints it: ``"[c]"`` when hidden, else rounded with
    thousands separators (``"1,235"``)."""
    return rule.label(value)


def publish_counts(rule: DisclosureRule, values: Mapping[str, Count]) -> dict[str, str]:
    """Each of ``values`` published by :func:`publish_count`, under the same key."""
    return {key: publish_count(rule, value) for key, value in values.items()}


def publish_rows(rule: DisclosureRule, rows: Iterable[Mapping[str, Any]],
                 keys: Sequence[str]) -> list[dict[str, Any]]:
    """Copies of ``rows`` with each count named in ``keys`` published as text; the
    other fields (names, codes, dates) are kept as they are."""
    out = []
    for row in rows:
        shown = dict(row)
        for key in keys:
            shown[key] = publish_count(rule, row[key])
        out.append(shown)
    return out


def publish_parts_total(rule: DisclosureRule, total: Count,
                        parts: Sequence[Count]) -> tuple[str, bool]:
    """``(text, from_parts)``: the sum of the published ``parts`` when every part is
    shown (so the total and its parts add up), else ``total`` published on its own
    (``from_parts`` is then ``False`` and the page says the parts may not add up)."""
    published = [rule.apply(p) for p in parts]
    if published and all(p is not None for p in published):
        return f"{sum(p for p in published if p is not None):,}", True
    return publish_count(rule, total), False


def is_shown(rule: DisclosureRule, value: Count) -> bool:
    """Whether ``value`` is published as a number (not hidden as ``[c]``)."""
    return rule.apply(value) is not None


def publish_money_for(rule: DisclosureRule, count: Count, money: float | None, *,
                      hidden: str = HIDDEN, missing: str = NOT_SHOWN,
                      pattern: str = "£{:,.0f}") -> str:
    """``money`` as text, shown only when ``count`` (the people it was worked out
    from) is shown: ``hidden`` when the count is hidden, ``missing`` when there is
    no amount."""
    if not is_shown(rule, count):
        return hidden
    if money is None:
        return missing
    return pattern.format(money)


def publish_population_total(value: float | None) -> str | None:
    """A county-wide sum of the gap table's published population figures, as the
    gap table gives it (whole people, unrounded, ``"12,345"``); ``None`` when there
    is none."""
    if value is None:
        return None
    return f"{value:,.0f}"


__all__ = ["HIDDEN", "NOT_SHOWN", "is_shown", "publish_count", "publish_counts",
           "publish_money_for", "publish_parts_total", "publish_population_total",
           "publish_rows"]
