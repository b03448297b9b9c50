"""A scenario's headline counts as the page publishes them, so that totals and
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


def published_totals(comparison, rule: DisclosureRule) -> dict:
    """``{"newly_reached": str, "no_longer_reached": str, "from_parts": bool}``:
    each total as text, from the rural/urban parts when every part is
    publishable (``from_parts``), else rounded on its own."""
    out = {"from_parts": True}
    for key in ("newly_reached", "no_longer_reached"):
        parts = [rule.apply(row[key]) for row in comparison.by_rurality]
        if parts and all(p is not None for p in parts):
            out[key] = f"{sum(parts):,}"
        else:
            out[key] = rule.label(getattr(comparison, key))
            out["from_parts"] = False
    return out


def loss_rows(loss, places: dict[str, str], kinds: dict[str, str]) -> list[dict] | None:
    """The rows of a :class:`~app.analysis.scenario.ProvisionLoss` for a page table
    (the funding cliff's and a scenario's), each area named by its place."""
    if loss is None:
        return None
    return [{"name": row.name, "code": row.code, "place": places.get(str(row.code)),
             "kind": kinds.get(row.service_type, row.service_type),
             "young_people": row.young_people, "ending": row.ending, "first_end": row.first_end}
            for row in loss.rows.itertuples()]
