"""Attacks over many snapshots, as the outsider of issue 29 made them, with the
public survey form as their only way in.

(a) **Differencing with planted answers**: the outsider sends 7 answers of their
    own, one young person answers, a snapshot is published; an integer program
    over both snapshots, knowing the outsider's own answers and that a cell whose
    published value changed gained people, tries to pin the young person's parish
    and age band or any count from 1 to 7.
(b) **Noise averaging**: every night for 40 nights the outsider adds one answer
    per parish (ticking every barrier) and a snapshot is published; a posterior
    over each parish's starting counts, from the p-table the privacy page prints,
    tries to call the counts from 1 to 7.

Each runs against the release model and, as a control, with it switched off
(``UNPROTECTED_OVER_TIME``), where the same attack does succeed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from app.models import Campaign
from tests.publication.attacker import Attack
from tests.publication.averaging import Posterior
from tests.publication.county import PARISHES, build, read_everything
from tests.publication.model import ALL_AGES, add_outputs, structure, truth_counts
from tests.publication.support import UNPROTECTED_OVER_TIME, publish_now, submit, switch

ASTON, BODENHAM, CLEE, DORSTONE = PARISHES
OWN = [(CLEE, "16-17", b) for b in (["cost"], ["transport"], ["time"], ["cost", "time"],
                                    ["nothing_near"], ["time", "nothing_near"], ["transport", "time"])]
YOUNG = (DORSTONE, "13-15", ["cost"])  # the young person: the outsider does not know this


class Recorder(Attack):
    """Collects what one snapshot publishes: {cell's terms: value}."""

    def __init__(self):
        super().__init__(d=4)
        self.cells: dict[frozenset, object] = {}

    def published(self, terms, value):
        self.cells[frozenset(terms)] = value

    def relation(self, terms, lo, hi):
        pass


def _cells(out) -> dict:
    rec = Recorder()
    add_outputs(rec, out)
    return rec.cells


def _records(records, extra):
    return records + [{"area": a, "age": g, "barriers": b, "pay": "0"} for a, g, b in extra]


def _pupils(n: int) -> list[tuple]:
    """A class answering through their school's campaign link: Bodenham, aged 11-12,
    each with their own answers."""
    options = [["cost"], ["transport"], ["time"], ["nothing_near"], ["cost", "time"],
               ["transport", "nothing_near"], ["cost", "transport"], ["time", "nothing_near"],
               ["cost", "nothing_near"], ["transport", "time"], ["cost", "transport", "time"],
               ["not_my_thing"]]
    return [(BODENHAM, "11-12", options[k % len(options)]) for k in range(n)]


def _two_snapshots(client, db, auth, monkeypatch, config, *, spread: bool, pupils: int = 0):
    """The county, a snapshot, the outsider's 7 answers, the young person's (and
    ``pupils`` answers through a school's campaign link), a second snapshot.
    ``spread``: the outsider sends at most 2 a day (so no burst is held); else all 7
    at once."""
    rng = random.Random(21)
    monkeypatch.setattr("app.survey.store.new_record_key", lambda: rng.randrange(256))
    records = build(db, 7)
    db.session.add(Campaign(survey_slug="youth-voice", code="bod2345", name="Bodenham School",
                            kind="school", pupils=300, area_code=BODENHAM))
    db.session.commit()
    publish_now(db, **config)
    switch(auth, "councillor")
    first = read_everything(client)
    auth.logout()
    day = date(2026, 3, 2)
    for k, (area, age, barriers) in enumerate(OWN):
        when = day + timedelta(days=k // 2 if spread else 0)
        monkeypatch.setattr("app.survey.service.today", lambda when=when: when)
        submit(client, area, barriers, age=age)
    area, age, barriers = YOUNG
    submit(client, area, barriers, age=age)
    for area, age, barriers in _pupils(pupils):
        submit(client, area, barriers, age=age, code="bod2345")
    publish_now(db, **config)
    switch(auth, "councillor")
    second = read_everything(client)
    # A burst of 7 from one area on one day is held for review (out of every figure)
    # unless holds are off; two a day pass.
    counted = OWN if spread or config else []
    others = [YOUNG] + _pupils(pupils)
    truth = {**truth_counts(records, "0:"),
             **truth_counts(_records(records, counted + others), "1:"),
             **truth_counts(_records([], counted), "own:"),
             **truth_counts(_records([], others), "new:")}
    return first, second, truth


def _difference_attack(first, second, min_changed: int, others: int = 1
                       ) -> tuple[Attack, dict]:
    """Both snapshots as one program.  The attacker knows their own 7 answers (any
    of which may have been held), that exactly ``others`` other answers arrived, the
    release model: a cell whose value changed gained at least ``min_changed``
    people (1 when the model is off: same people, same value); an unchanged cell
    says nothing about now, as it may be kept from before."""
    attack = Attack(d=4)
    for tag in ("0:", "1:"):
        structure(attack, tag)
    add_outputs(attack, first, "0:")
    before = _cells(first)
    changed = {}
    for terms, value in _cells(second).items():
        if min_changed <= 1 or before.get(terms, "absent") != value:
            attack.published(["1:" + t for t in terms], value)
        if before.get(terms, "absent") != value:
            changed[terms] = value
            attack.relation({**{"1:" + t: 1 for t in terms}, **{"0:" + t: -1 for t in terms}},
                            max(min_changed, 1), 10**6)
    own = truth_counts(_records([], OWN))
    names = sorted({n[2:] for n in attack.names if n.startswith(("0:", "1:"))})
    for t in names:
        # New people in each count: some of the outsider's (0 to all) and others.
        attack.relation({"1:" + t: 1, "0:" + t: -1, "own:" + t: -1, "new:" + t: -1}, 0, 0)
        attack.relation({"own:" + t: 1}, 0, own.get(t, 0))
    atoms = [f"n|{a}|{g}" for a in PARISHES for g in ALL_AGES]
    attack.relation({"new:" + t: 1 for t in atoms}, others, others)  # the young person...
    return attack, changed


def _pins(attack) -> dict:
    """What the program makes certain about the one other new answer."""
    out = {}
    for a in PARISHES:
        lo, _hi = attack.range_of([f"new:n|{a}|{g}" for g in ALL_AGES])
        out[a] = lo >= 1
    for g in ALL_AGES:
        lo, _hi = attack.range_of([f"new:n|{a}|{g}" for a in PARISHES])
        out[g] = lo >= 1
    return out


@pytest.mark.parametrize("spread", [False, True], ids=["burst", "two-a-day"])
def test_planted_answers_and_two_snapshots_pin_nobody(client, db, auth, monkeypatch, spread):
    first, second, truth = _two_snapshots(client, db, auth, monkeypatch, {}, spread=spread)
    attack, changed = _difference_attack(first, second, 10)
    assert attack.consistent(truth), "the attacker's model must hold for the truth"
    # Eight answers through the open link change no published figure at all.
    assert changed == {}
    pins = _pins(attack)
    assert not any(pins.values()), pins
    # No count from 1 to 7, now or before, comes out exact.
    small = [k for k, v in truth.items() if 1 <= v <= 7 and k.startswith("1:n|")]
    assert small and not [k for k in small if attack.pinned([k], truth)]


def test_figures_that_do_change_pin_nobody(client, db, auth, monkeypatch):
    """A class of 12 answers through their school's link too, so the figures they
    are in change: the young person is still not singled out."""
    first, second, truth = _two_snapshots(client, db, auth, monkeypatch, {}, spread=True,
                                          pupils=12)
    attack, changed = _difference_attack(first, second, 10, others=13)
    assert attack.consistent(truth)
    assert changed, "the class's figures are worked out again"
    pins = _pins(attack)
    assert not pins[DORSTONE] and not pins["13-15"], pins
    small = [k for k, v in truth.items() if 1 <= v <= 7 and k.startswith("1:n|")]
    assert small and not [k for k in small if attack.pinned([k], truth)]


def test_control_without_the_release_model_the_young_person_is_pinned(client, db, auth,
                                                                      monkeypatch):
    first, second, truth = _two_snapshots(client, db, auth, monkeypatch,
                                          UNPROTECTED_OVER_TIME, spread=False)
    attack, changed = _difference_attack(first, second, 0)
    assert attack.consistent(truth)
    assert changed
    pins = _pins(attack)
    assert pins[DORSTONE] or pins["13-15"], pins
    assert not any(v for k, v in pins.items() if k not in (DORSTONE, "13-15")), pins


NIGHTS = 40


def _nights(client, db, auth, monkeypatch, config):
    """40 nights of one answer per parish ticking every barrier, a snapshot each."""
    rng = random.Random(31)
    monkeypatch.setattr("app.survey.store.new_record_key", lambda: rng.randrange(256))
    records = build(db, 9)
    outputs = []
    for night in range(NIGHTS + 1):
        if night:
            when = date(2026, 3, 1) + timedelta(days=night)
            monkeypatch.setattr("app.survey.service.today", lambda when=when: when)
            for a in PARISHES:
                submit(client, a, ["cost", "transport", "nothing_near", "time"],
                       age="16-17")
        publish_now(db, **config)
        switch(auth, "councillor")
        outputs.append(client.get("/api/v1/gaps?level=parish").get_json())
        auth.logout()
    return outputs, _start(records)


def _averaging_calls(outputs, truth, *, fresh_only: bool):
    post = Posterior(d=4, variance=2.5)
    calls = []
    for a in PARISHES:
        for col in ("responses", "cites_cost", "cites_transport", "cites_nothing_near"):
            seen = [next(r[col] for r in doc["areas"] if r["code"] == a) for doc in outputs]
            called, p = post.call(seen, fresh_only=fresh_only)
            true = truth[(a, col)]
            if called is not None and p >= 0.95:
                calls.append((a, col, called, true))
    return calls


def _start(db_records) -> dict:
    """The true starting counts the averaging attacker wants: (parish, figure) -> n."""
    t = {}
    for r in db_records:
        for col, hit in (("responses", True), ("cites_cost", "cost" in r["barriers"]),
                         ("cites_transport", "transport" in r["barriers"]),
                         ("cites_nothing_near", "nothing_near" in r["barriers"])):
            t[(r["area"], col)] = t.get((r["area"], col), 0) + bool(hit)
    return t


def test_forty_snapshots_do_not_average_the_noise_away(client, db, auth, monkeypatch):
    outputs, truth = _nights(client, db, auth, monkeypatch, {})
    small = {k for k, v in truth.items() if 1 <= v <= 7}
    assert small
    right = [c for c in _averaging_calls(outputs, truth, fresh_only=True)
             if c[2] == c[3] and 1 <= c[3] <= 7]
    assert right == []


def test_control_without_the_release_model_forty_snapshots_give_counts_away(client, db, auth,
                                                                           monkeypatch):
    # (Small areas' breakdowns do not matter here: the attack reads the gap API.)
    outputs, truth = _nights(client, db, auth, monkeypatch,
                             {**UNPROTECTED_OVER_TIME, "PUBLISH_BREAKDOWN_MIN": 50})
    calls = _averaging_calls(outputs, truth, fresh_only=False)
    right = [c for c in calls if c[2] == c[3] and 1 <= c[3] <= 7]
    assert right, calls
