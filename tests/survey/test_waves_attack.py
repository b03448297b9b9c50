"""Publishing two waves must not give a hidden count away by differencing (issue 25).

Bosbury has 20 answers in wave 2025 and 3 in wave 2026.  A reader sees the survey's
all-time area table (Bosbury: 23 people), each wave's area table (Bosbury 2025: 20,
Bosbury 2026: [c]) and every total.  Subtracting the 2025 figure from the all-time
one would give 3 if the figures were exact.  The attacker below knows the method
(a change of at most 4 either way, 1-7 hidden, rounding to 5) and searches every
true count consistent with all of these published figures.  With the protection on,
the 3 is not pinned; the control, with no noise and no rounding, pins it.
"""

from __future__ import annotations

from itertools import product

from app import publication
from app.disclosure import DisclosureRule
from app.publication import CellKeyMethod
from tests.survey.waves_county import build

SIZES = {"E04000101": (40, 30), "E04000102": (20, 3), "E04000103": (25, 30)}
A, OTHERS = "E04000102", ("E04000101", "E04000103")


def could_publish(n: int, shown, d: int, round_to: int) -> bool:
    """Whether ``n`` true people could be published as ``shown`` (None = [c]) under the
    published method: a change from -min(d, n) to +d, 1-7 hidden, rounding half up."""
    if n == 0:
        return shown in (0, None)
    for p in range(-min(d, n), d + 1):
        v = n + p
        hidden = 1 <= n <= 7 or v <= 0 or 1 <= v <= 7
        if hidden and shown is None:
            return True
        if not hidden and shown is not None and (v + round_to // 2) // round_to * round_to \
                == shown:
            return True
    return False


def _read(db):
    """Everything published about the areas and waves, as the pages read it."""
    snap = publication.latest(db.session)
    _t, tables, _s = publication.survey_tables(db.session, "youth-voice")
    area = next(t for t in tables if t.id == "area")
    seen = {"all": dict(zip(area.codes, area.values, strict=True)),
            "total": publication.survey_tables(db.session, "youth-voice")[0]}
    for wave in ("2025", "2026"):
        total, tables = publication.wave_tables(db.session, snap, "youth-voice", wave)
        t = next(t for t in tables if t.id == "area")
        seen[wave] = dict(zip(t.codes, t.values, strict=True))
        seen[wave + "-total"] = total
    return seen


def consistent_counts(seen, d: int, round_to: int) -> set[int]:
    """Every true count of Bosbury's 2026 answers consistent with all published figures
    (Bosbury in each wave and all-time, each wave's total and the other areas)."""
    def ok(n, shown):
        return could_publish(n, shown, d, round_to)

    # The other areas, both waves together, and their own figures.
    others = {}
    for wave in ("2025", "2026"):
        sums = set()
        choices = [[n for n in range(0, 80) if ok(n, seen[wave][c])] for c in OTHERS]
        for combo in product(*choices):
            sums.add(sum(combo))
        others[wave] = sums
    found = set()
    for a1, a2 in product(range(0, 60), range(0, 20)):
        if not (ok(a1, seen["2025"][A]) and ok(a2, seen["2026"][A]) and ok(a1 + a2,
                                                                           seen["all"][A])):
            continue
        if any(ok(a1 + o, seen["2025-total"]) for o in others["2025"]) and \
                any(ok(a2 + o, seen["2026-total"]) for o in others["2026"]):
            found.add(a2)
    return found


def test_two_waves_do_not_give_a_hidden_count_away(db):
    build(db, sizes=SIZES).publish()
    seen = _read(db)
    assert seen["2026"][A] is None  # hidden on the page
    found = consistent_counts(seen, d=4, round_to=5)
    assert 3 in found  # the truth is among them...
    assert len(found & set(range(1, 8))) >= 3, found  # ...but far from pinned


def test_control_without_noise_or_rounding_the_difference_pins_it(db):
    method = CellKeyMethod(DisclosureRule(round_to=1), max_perturbation=0, variance=0)
    build(db, sizes=SIZES).publish(method)
    seen = _read(db)
    assert seen["2026"][A] is None
    assert consistent_counts(seen, d=0, round_to=1) == {3}
