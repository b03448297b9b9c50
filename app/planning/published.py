"""A scenario's headline counts as the page publishes them (through
:mod:`app.publication.planning`), so that totals and
their parts agree.

Every count of young people is rounded to 5 (1–7 hidden as ``[c]``) by the
disclosure rule.  Rounded on its own, a total need not equal the sum of its
rounded parts (575 newly reached, but 410 rural + 170 urban = 580).  So the
headline *newly reached* and *no longer reached* are the **sum of the published
rural/urban parts**; only when a part is hidden (``[c]``) is the total rounded
on its own, and the page then says the parts may not add up.
"""

from __future__ import annotations

from ..disclosure import DisclosureRule
from ..publication.planning import (
    NOT_SHOWN,
    publish_count,
    publish_money_for,
    publish_parts_total,
    publish_rows,
)


def published_totals(comparison, rule: DisclosureRule) -> dict:
    """``{"newly_reached": str, "no_longer_reached": str, "from_parts": bool}``:
    each total as text, from the rural/urban parts when every part is
    publishable (``from_parts``), else rounded on its own."""
    out: dict = {"from_parts": True}
    for key in ("newly_reached", "no_longer_reached"):
        text, from_parts = publish_parts_total(
            rule, getattr(comparison, key), [row[key] for row in comparison.by_rurality])
        out[key] = text
        out["from_parts"] = out["from_parts"] and from_parts
    return out


def loss_rows(loss, places: dict[str, str], kinds: dict[str, str],
              rule: DisclosureRule) -> list[dict] | None:
    """The rows of a :class:`~app.analysis.scenario.ProvisionLoss` for a page table
    (the funding cliff's and a scenario's), each area named by its place and its
    young people published (text)."""
    if loss is None:
        return None
    return [{"name": row.name, "code": row.code, "place": places.get(str(row.code)),
             "kind": kinds.get(row.service_type, row.service_type),
             "young_people": publish_count(rule, row.young_people), "ending": row.ending, "first_end": row.first_end}
            for row in loss.rows.itertuples()]


GROUP_COUNTS = ("young_people", "newly_reached", "no_longer_reached")


def cost_per_person(comparison, rule: DisclosureRule) -> str:
    """Cost per young person newly reached as text ("£1,234"), or "–": shown only
    when the net count is publishable and above the hidden range (else the cost and
    the cost per person would give the count back)."""
    if comparison is None or comparison.cost_per_young_person is None:
        return NOT_SHOWN
    net = comparison.net_reached
    if net <= rule.max_suppressed:
        return NOT_SHOWN
    return publish_money_for(rule, net, comparison.cost_per_young_person, hidden=NOT_SHOWN)


def scenario_counts(comparison, rule: DisclosureRule) -> dict:
    """Every count of young people a scenario's comparison prints, published: the
    headline totals (from their parts, :func:`published_totals`), the loss, the
    newly reached by free provision, the decile and rurality tables and the areas
    that stop or start being gaps (copies of their rows with the counts as text)."""
    loss = comparison.loss
    return {
        **published_totals(comparison, rule),
        "loss_young_people": None if loss is None else publish_count(rule, loss.young_people),
        "newly_reached_free": publish_count(rule, comparison.newly_reached_free),
        "by_decile": publish_rows(rule, comparison.by_decile, GROUP_COUNTS),
        "by_rurality": publish_rows(rule, comparison.by_rurality, GROUP_COUNTS),
        "stop_being_gaps": publish_rows(rule, comparison.stop_being_gaps, ("young_people",)),
        "become_gaps": publish_rows(rule, comparison.become_gaps, ("young_people",)),
        "cost_per_person": cost_per_person(comparison, rule),
    }
