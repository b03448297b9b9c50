"""The differencing attack on the national picture.

An attacker reads a region's (or England's) figure and subtracts every other
council's published figure, hoping to get back a council's hidden ([c]) count.
Counts are published as each council publishes them: the cell key method
(perturbation from the p-table, 1-7 hidden, the rest rounded to 5).  The other
councils' cell keys are chosen so their published values are exact (no noise
left after rounding): the case most favourable to the attacker.  A naive region
figure (the sum of true counts, or that sum rounded, or perturbed and rounded)
gives the hidden count back or pins it inside the noise; the picture's figure
(the sum of published parts) gives nothing: it is the same whatever the hidden
count is.
"""

from __future__ import annotations

import random

import pytest

from app.disclosure import DisclosureRule
from app.publication.cellkey import CellKeyMethod
from app.publication.national import AnswerCount, build

from .fabricated import council

METHOD = CellKeyMethod(DisclosureRule())
REGION = "E12000005"


def exact_key(count: int) -> int:
    """A cell key whose perturbation is 0, so a multiple of 5 is published exactly."""
    return next(k for k in range(256) if METHOD.publish(count, k) == count)


def release(code: str, true_count: int, key: int, region: str = REGION):
    shown = METHOD.publish(true_count, key)
    return council(code, f"Council {code}", region, young_people=shown, reached=shown,
                   services=3, responses=shown,
                   answers=(AnswerCount("s", "q", "Q", "Cost", shown, 1000),))


def others(region: str = REGION):
    return [release("E06000001", 40, exact_key(40), region),
            release("E06000002", 25, exact_key(25), region)]


def attack(region_figure: int, other_published: list[int]) -> int:
    return region_figure - sum(other_published)


def test_the_control_naive_sums_give_the_hidden_count_back():
    """Without the method here, a region figure leaks the hidden council's count."""
    for hidden in range(1, 8):
        assert METHOD.publish(hidden, 17) is None  # the council itself hides it
        true_sum = 40 + 25 + hidden
        # Naive 1: the sum of true counts: exactly the hidden count.
        assert attack(true_sum, [40, 25]) == hidden
        # Naive 2: the true sum rounded to 5: the hidden count to within 2.
        assert abs(attack(DisclosureRule().apply(true_sum) or 0, [40, 25]) - hidden) <= 2
        # Naive 3: the true sum through the cell key method: within the noise (±4, ±2.5).
        for key in range(256):
            shown = METHOD.publish(true_sum, key)
            assert shown is not None and abs(attack(shown, [40, 25]) - hidden) <= 6


@pytest.mark.parametrize("level", ["region", "england"])
def test_region_minus_the_other_councils_gives_nothing(level):
    """For every hidden count 0 to 11 (all that [c] can stand for) and every cell
    key that hides it, the picture is the same, and region minus the others is 0."""
    pictures = set()
    for hidden in range(0, 12):
        for key in range(256):
            if METHOD.publish(hidden, key) is not None:
                continue  # shown: not the case under attack
            target = release("E06000003", hidden, key)
            if hidden == 0:  # a true 0 in a small group is hidden too (docs/DISCLOSURE.md)
                target = council("E06000003", "Council E06000003", REGION, young_people=None,
                                 reached=None, services=3, responses=None,
                                 answers=(AnswerCount("s", "q", "Q", "Cost", None, 1000),))
            # A council elsewhere, so England is not simply the region.
            far = release("E08000001", 60, exact_key(60), "E12000007")
            pic = build([*others(), target, far])
            row = pic.england if level == "england" else next(
                r for r in pic.regions if r.code == REGION)
            rest = [40, 25] + ([60] if level == "england" else [])
            for total in (row.young_people, row.reached, row.responses):
                assert attack(total.value, rest) == 0
                assert total.hidden == 1 and total.at_least
            said = pic.answers[row.code][0].count
            assert attack(said.value, rest) == 0 and said.hidden == 1
            # Rates leave the hidden council out of both parts.
            assert row.reach_share.used == row.reach_share.of - 1
            pictures.add(repr((pic.regions, pic.england, pic.answers)))
    assert len(pictures) == 1  # nothing about the hidden count reaches the picture


def test_random_regions_never_move_with_a_hidden_count():
    """Many random regions: changing a hidden council's true count (to any value its
    cell key still hides) changes no region or England figure."""
    rng = random.Random(27)
    for _trial in range(200):
        n = rng.randint(1, 5)
        truths = [rng.choice([rng.randint(1, 11), rng.randint(12, 400)]) for _ in range(n)]
        keys = [rng.randrange(256) for _ in range(n)]
        regions = [rng.choice(["E12000001", "E12000002"]) for _ in range(n)]

        def picture(values, keys=keys, regions=regions):
            return build(release(f"E0600{i:04d}", v, k, r)
                         for i, (v, k, r) in enumerate(zip(values, keys, regions, strict=True)))

        base = picture(truths)
        for i, (v, k) in enumerate(zip(truths, keys, strict=True)):
            if METHOD.publish(v, k) is not None:
                continue
            for other in range(1, 12):
                if METHOD.publish(other, k) is None:
                    changed = picture([*truths[:i], other, *truths[i + 1:]])
                    assert (changed.regions, changed.england, changed.answers) == (
                        base.regions, base.england, base.answers)
