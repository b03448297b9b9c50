"""A scenario's headline totals are the sums of its published rural and urban
parts, so the page never says 575 newly reached beside 410 rural + 170 urban."""

from __future__ import annotations

from types import SimpleNamespace

from app.disclosure import DisclosureRule
from app.planning.published import published_totals


def comparison(newly: list[float], lost: list[float]):
    rows = [{"group": g, "newly_reached": n, "no_longer_reached": m}
            for g, n, m in zip(("Rural", "Urban", "Not known"), newly, lost, strict=False)]
    return SimpleNamespace(by_rurality=rows, newly_reached=sum(newly),
                           no_longer_reached=sum(lost))


def test_the_total_is_the_sum_of_the_rounded_parts():
    # 412.4 + 167.4 = 579.8: rounded alone 580, but the parts publish as 410 + 165.
    totals = published_totals(comparison([412.4, 167.4], [0.0, 0.0]), DisclosureRule())
    assert totals["newly_reached"] == "575" and totals["from_parts"]
    assert totals["no_longer_reached"] == "0"
    big = published_totals(comparison([1_002.6, 1_203.0, 12.0], [9.0, 0.0, 0.0]),
                           DisclosureRule())
    assert big["newly_reached"] == f"{1_005 + 1_205 + 10:,}"      # 2,220


def test_with_a_hidden_part_the_total_is_rounded_on_its_own():
    # Urban 3 is shown as [c]; the total 415 + 3 = 418 rounds to 420 and the page says
    # the parts may not add up.
    totals = published_totals(comparison([415.0, 3.0], [0.0, 0.0]), DisclosureRule())
    assert totals["newly_reached"] == "420" and not totals["from_parts"]
