"""The planning pages' publication function: every count of young people is
hidden when 1-7 and rounded half up to the nearest 5, a total is the sum of its
published parts, and a cost is shown only when its count is.  Expected values are
worked out by hand from the council's rule, not by calling the rule."""

from __future__ import annotations

from app.disclosure import DisclosureRule
from app.publication.planning import (
    publish_count,
    publish_counts,
    publish_money_for,
    publish_parts_total,
    publish_population_total,
    publish_rows,
)

RULE = DisclosureRule()


def test_small_counts_are_hidden_and_others_rounded_to_five():
    by_hand = {0: "0", 1: "[c]", 2: "[c]", 3: "[c]", 4: "[c]", 5: "[c]", 6: "[c]",
               7: "[c]", 8: "10", 9: "10", 10: "10", 12: "10", 12.5: "15", 13: "15",
               22.4: "20", 22.5: "25", 37.5: "40", 1234: "1,235", 1232.4: "1,230",
               100_002: "100,000"}
    assert publish_counts(RULE, {str(k): k for k in by_hand}) == {
        str(k): v for k, v in by_hand.items()}
    assert publish_count(RULE, None) == "[c]"


def test_the_councils_settings_are_followed():
    wider = DisclosureRule(min_suppressed=1, max_suppressed=9, round_to=10)
    assert [publish_count(wider, v) for v in (9, 10, 14, 15, 24.9)] == \
        ["[c]", "10", "10", "20", "20"]


def test_rows_keep_their_names_and_publish_their_counts():
    rows = [{"group": "Rural", "young_people": 412.4, "newly_reached": 3.0},
            {"group": "Urban", "young_people": 0.0, "newly_reached": 167.4}]
    shown = publish_rows(RULE, rows, ("young_people", "newly_reached"))
    assert shown == [{"group": "Rural", "young_people": "410", "newly_reached": "[c]"},
                     {"group": "Urban", "young_people": "0", "newly_reached": "165"}]
    assert rows[0]["young_people"] == 412.4   # the analysis rows are left alone


def test_a_total_is_the_sum_of_its_published_parts():
    # 412.4 + 167.4 = 579.8 would round to 580 on its own; the parts give 410 + 165.
    assert publish_parts_total(RULE, 579.8, [412.4, 167.4]) == ("575", True)
    # A hidden part: the total is rounded on its own and the page says so.
    assert publish_parts_total(RULE, 418.0, [415.0, 3.0]) == ("420", False)
    assert publish_parts_total(RULE, 4.0, []) == ("[c]", False)


def test_a_cost_is_shown_only_with_its_count():
    assert publish_money_for(RULE, 25, 2600.0) == "£2,600"
    assert publish_money_for(RULE, 5, 520.0) == "[c]"
    assert publish_money_for(RULE, 5, 104.0, hidden="–") == "–"
    assert publish_money_for(RULE, 25, None) == "–"
    assert publish_money_for(RULE, 0, 0.0) == "£0"


def test_population_totals_are_printed_as_the_gap_table_gives_them():
    assert publish_population_total(12_345.4) == "12,345"
    assert publish_population_total(3.0) == "3"
    assert publish_population_total(None) is None
