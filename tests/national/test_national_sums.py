"""The national picture of three fabricated councils in two regions, against sums
worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from app.publication.national import Ratio, Total, build, cost_band

from .fabricated import three


def test_councils_regions_and_england_by_hand():
    pic = build(three())
    assert [r.name for r in pic.councils] == ["Alpha Council", "Beta Council",
                                               "Gamma District Council"]
    assert [(r.code, r.name, r.councils) for r in pic.regions] == [
        ("E12000001", "North East", 2), ("E12000009", "South West", 1)]
    north, south = pic.regions
    # North East: Alpha 1,000 + Beta 500 young people, both shown.
    assert north.young_people == Total(1500, 0, 2)
    # Beta's reach is hidden: the sum is Alpha's 600, "at least", one part hidden;
    # the share uses Alpha only (600 of 1,000).
    assert north.reached == Total(600, 1, 2) and north.reached.at_least
    assert north.reach_share == Ratio(60.0, 1, 2)
    # 15 services for 1,500 young people: 10 per 1,000, from both councils.
    assert north.services == 15 and north.per_1000 == Ratio(10.0, 2, 2)
    assert north.cost_bands == {"free": 9, "up_to_10": 3, "up_to_25": 0, "up_to_50": 0,
                                "over_50": 1, "unknown": 2}
    assert north.cliff_services == {6: 1, 12: 3, 24: 4}
    assert north.responses == Total(300, 0, 2)
    # South West: Gamma alone, its young people hidden; no rate can be worked out.
    assert south.young_people == Total(0, 1, 1) and south.young_people.all_hidden
    assert south.per_1000 == Ratio(None, 0, 1) and south.services == 2
    # England.
    eng = pic.england
    assert eng.councils == 3 and eng.young_people == Total(1500, 1, 3)
    assert eng.reached == Total(600, 2, 3) and eng.reach_share == Ratio(60.0, 1, 3)
    assert eng.services == 17 and eng.per_1000 == Ratio(10.0, 2, 3)
    assert eng.cliff_services == {6: 1, 12: 3, 24: 6}
    assert eng.responses == Total(340, 0, 3)


def test_what_young_people_said_by_hand():
    pic = build(three())
    eng = {a.answer: a for a in pic.answers["E92000001"]}
    # Cost: Alpha 50 + Beta 20, Gamma hidden; share 70 of 300 (Alpha's and Beta's bases).
    assert eng["Cost"].count == Total(70, 1, 3)
    assert eng["Cost"].share.used == 2 and eng["Cost"].share.value == pytest.approx(70 / 3)
    # Transport: Beta did not publish it (not a part); Alpha hidden, Gamma 10 of 40.
    assert eng["Transport"].count == Total(10, 1, 2)
    assert eng["Transport"].share == Ratio(25.0, 1, 2)
    north = {a.answer: a for a in pic.answers["E12000001"]}
    assert north["Transport"].count == Total(0, 1, 1) and north["Transport"].count.all_hidden
    assert north["Cost"].share.value == pytest.approx(70 / 3)


def test_snapshot_dates_and_licences_are_kept():
    pic = build(three())
    assert pic.earliest == date(2026, 11, 23) and pic.latest == date(2026, 12, 1)
    assert {r.attribution for r in pic.releases} == {
        "Contains data from Alpha Council.", "Contains data from Beta Council.",
        "Contains data from Gamma District Council."}


def test_a_council_counted_twice_is_refused():
    councils = three()
    with pytest.raises(ValueError):
        build([*councils, councils[0]])


@pytest.mark.parametrize(("monthly", "band"), [
    (None, "unknown"), (0.0, "free"), (0.01, "up_to_10"), (10.0, "up_to_10"),
    (10.5, "up_to_25"), (50.0, "up_to_50"), (50.01, "over_50")])
def test_cost_bands(monthly, band):
    assert cost_band(monthly) == band
