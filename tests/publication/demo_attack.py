"""The attacker's model of the demo county (every parish, age band and barrier
count the survey's tables and the gap API at every level publish), and attack
(a) of issue 29 on it night after night: the outsider plants 7 open-link
answers, one young person answers, a snapshot is published, and an integer
program over two snapshots tries to pin the young person's parish or age band
or any true count from 1 to 7.

Shared by tests/publication/test_attack_demo.py, test_differencing_demo.py and
bench/release_differencing_demo.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import shapely
from sqlalchemy import func, select

from app.models import Answer, Area, Response
from tests.publication.attacker import Attack, results_csv
from tests.publication.model import AGE_LABELS, ALL_AGES, BARRIER_LABELS
from tests.publication.support import publish_now, submit, switch

KINDS = ("cost", "transport", "nothing_near")
TICKS = ("cost", "transport", "nothing_near", "time")


def parish_codes(session) -> list:
    """The demo's parishes, and ``None`` for answers that gave no area."""
    return sorted(session.scalars(select(Area.code).where(Area.level == "parish"))) + [None]


def demo_cells(client, session) -> dict:
    """{cell's terms: published value} from the survey's tables and the gap API at
    every level, as a reader downloads them (the client must be signed in).  Terms
    are ``n|parish|age`` (answers) and ``c|parish|kind`` (citing a barrier)."""
    parishes = {a.code: a for a in session.scalars(select(Area).where(Area.level == "parish"))}
    names = {a.name: a.code for a in parishes.values()}
    codes = [*parishes, None]
    cells: dict = {}

    def pub(terms, value):
        if not terms:  # the age "Not said" row: every demo answer gave an age band
            assert value in (0, None)
            return
        # The same people show the same value in every table and level.
        assert cells.setdefault(frozenset(terms), value) == value, (sorted(terms), value)

    for (table, row, col), value in results_csv(
            client.get("/results/youth-voice/tables.csv").get_data(as_text=True)).items():
        area = None if row == "Not said" else names.get(row)
        if table == "Answers by area" and row != "Total":
            pub([f"n|{area}|{g}" for g in ALL_AGES], value)
        elif table == "Answers by age" and row != "Total":
            pub([f"n|{a}|{AGE_LABELS[row]}" for a in codes if row in AGE_LABELS], value)
        elif table == "Answers by area and age" and "Total" not in (row, col):
            pub([f"n|{area}|{AGE_LABELS[col]}"] if col in AGE_LABELS else [], value)
        elif table.startswith("What stops you") and BARRIER_LABELS.get(row) in KINDS:
            pub([f"c|{a}|{BARRIER_LABELS[row]}" for a in codes], value)
        elif table == "Answers by area" and row == "Total":
            pub([f"n|{a}|{g}" for a in codes for g in ALL_AGES], value)
    # The gap API at every level: each area holds the parishes whose centre lies in it.
    for lv in ("parish", "ward", "lsoa"):
        doc = client.get(f"/api/v1/gaps?level={lv}").get_json()
        shapes = {a.code: a.geometry for a in session.scalars(select(Area).where(Area.level == lv))}
        for row in doc["areas"]:
            shape = shapes[row["code"]]
            members = [c for c, p in parishes.items()
                       if shape.contains(shapely.Point(p.centroid_x, p.centroid_y))]
            pub([f"n|{a}|{g}" for a in members for g in ALL_AGES], row["responses"])
            for k in KINDS:
                pub([f"c|{a}|{k}" for a in members], row[f"cites_{k}"])
    return cells


def structure(attack: Attack, codes, tag: str = "") -> None:
    """What anyone knows: no more people cite a barrier in a parish than answered there."""
    for a in codes:
        for k in KINDS:
            attack.relation({f"{tag}c|{a}|{k}": 1, **{f"{tag}n|{a}|{g}": -1 for g in ALL_AGES}},
                            -10**6, 0)


def counts(rows, tag: str = "") -> dict[str, int]:
    """{term: count} for rows of (parish, age band, ticked barriers)."""
    t: dict[str, int] = {}
    for code, age, ticks in rows:
        for key in [f"n|{code}|{age}"] + [f"c|{code}|{k}" for k in KINDS if k in ticks]:
            t[tag + key] = t.get(tag + key, 0) + 1
    return t


def counted_rows(session) -> dict[int, tuple]:
    """{response id: (parish, age, ticks)} of every answer in published figures (not held)."""
    ticks: dict = {}
    for rid, value in session.execute(select(Answer.response_id, Answer.value)
                                      .where(Answer.question_id == "barriers")):
        ticks.setdefault(rid, set()).add(value)
    return {rid: (code, age, frozenset(ticks.get(rid, ())))
            for rid, code, age, review in session.execute(
                select(Response.id, Response.area_code, Response.age_band, Response.review))
            if review != "held"}


@dataclass
class Snapshot:
    cells: dict
    truth: dict  # {term: true count} of what was counted when it was published
    rows: dict  # the counted responses: {id: (parish, age, ticks)}
    fresh: set = field(default_factory=set)  # cells the attacker knows were just worked out

    @property
    def ids(self) -> set:
        return set(self.rows)


def difference(before: Snapshot, after: Snapshot, codes, *, min_changed: int,
               own: list, others: int) -> Attack:
    """Both snapshots as one program.  The attacker knows the answers they planted in
    between (``own``: any of which may have been held), that ``others`` other answers
    were counted, and the release model: a cell whose value changed since a snapshot
    that worked it out gained at least ``min_changed`` people (1 with the model off);
    an unchanged cell, or one kept from an older snapshot, says nothing about now."""
    attack = Attack(d=4)
    for tag in ("0:", "1:", "new:"):
        structure(attack, codes, tag)
    for terms, value in before.cells.items():
        if min_changed <= 1 or terms in before.fresh:  # without the model, all is fresh
            attack.published(["0:" + t for t in terms], value)
    for terms, value in after.cells.items():
        changed = before.cells.get(terms, "absent") != value
        if min_changed <= 1 or (changed and terms in after.fresh):
            attack.published(["1:" + t for t in terms], value)
        # (A cell absent from the earlier snapshot, a row or column that appears,
        # says nothing about how many joined it.)
        if changed and terms in before.cells and (min_changed <= 1 or terms in before.fresh):
            attack.relation({**{"1:" + t: 1 for t in terms}, **{"0:" + t: -1 for t in terms}},
                            max(min_changed, 1), 10**6)
    planted = counts(own)
    for t in [f"n|{a}|{g}" for a in codes for g in ALL_AGES] + \
             [f"c|{a}|{k}" for a in codes for k in KINDS]:
        attack.relation({"1:" + t: 1, "0:" + t: -1, "own:" + t: -1, "new:" + t: -1}, 0, 0)
        attack.relation({"own:" + t: 1}, 0, planted.get(t, 0))
    attack.relation({f"new:n|{a}|{g}": 1 for a in codes for g in ALL_AGES}, others, others)
    return attack


def pins(attack: Attack, codes, new_truth: dict) -> list[str]:
    """The parishes and age bands the program proves a new answer came from.  (Only
    a true one can be proved, as the truth is feasible: so only those are tried.)"""
    out = []
    for a in codes:
        terms = [f"new:n|{a}|{g}" for g in ALL_AGES]
        if sum(new_truth.get(t, 0) for t in terms) and attack.range_of(terms)[0] >= 1:
            out.append(str(a))
    for g in ALL_AGES:
        terms = [f"new:n|{a}|{g}" for a in codes]
        if sum(new_truth.get(t, 0) for t in terms) and attack.range_of(terms)[0] >= 1:
            out.append(g)
    return out


def recovered(attack: Attack, truth: dict, targets) -> list[str]:
    """Which of ``targets`` (terms whose true count is 1-7) the program pins exactly."""
    return [t for t in targets if attack.pinned([t], truth)]


@dataclass
class Outsider:
    """The outsider's nightly plan: 7 open-link answers, varied night by night (all in
    one parish and identical, all in one parish and different, or spread over
    parishes), and one young person's answer in a random parish and age band."""

    codes: list
    rng: random.Random

    def plant(self, night: int) -> list[tuple]:
        parishes = [c for c in self.codes if c is not None]
        style = night % 3
        home = self.rng.choice(parishes)
        if style == 0:  # identical answers from one parish
            age, ticks = self.rng.choice(ALL_AGES[:5]), frozenset(self._ticks())
            return [(home, age, ticks)] * 7
        where = [home] * 7 if style == 1 else self.rng.sample(parishes, 7)
        return [(a, self.rng.choice(ALL_AGES[:5]), frozenset(self._ticks())) for a in where]

    def young(self) -> tuple:
        parishes = [c for c in self.codes if c is not None]
        return (self.rng.choice(parishes), self.rng.choice(ALL_AGES[:5]),
                frozenset(self._ticks()))

    def _ticks(self) -> list[str]:
        return sorted(self.rng.sample(TICKS, self.rng.randint(1, 3)))


def read(client, db, auth, before: Snapshot | None) -> Snapshot:
    switch(auth, "councillor")
    cells = demo_cells(client, db.session)
    auth.logout()
    rows = counted_rows(db.session)
    snap = Snapshot(cells, counts(rows.values()), rows)
    # What the attacker can tell was just worked out: every cell of the first
    # snapshot, and afterwards the ones whose value moved.
    snap.fresh = set(cells) if before is None else \
        {t for t, v in cells.items() if before.cells.get(t, "absent") != v}
    return snap


def night(client, db, auth, monkeypatch, outsider: Outsider, n: int, config: dict):
    """Night ``n``: the outsider plants 7 answers through the open link, a young
    person answers, a snapshot is published.  Returns the planted answers and their
    response ids."""
    when = date(2026, 6, 1) + timedelta(days=n)
    monkeypatch.setattr("app.survey.service.today", lambda: when)
    own, young = outsider.plant(n), outsider.young()
    first = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
    for area, age, ticks in own:
        submit(client, area, sorted(ticks), age=age)
    ids = set(range(first, db.session.scalar(select(func.max(Response.id))) + 1))
    assert len(ids) == len(own)
    area, age, ticks = young
    submit(client, area, sorted(ticks), age=age)
    publish_now(db, **config)
    return own, ids


def attack_pair(before: Snapshot, after: Snapshot, codes, own: list, planted_ids: set, *,
                min_changed: int, small: str = "touched") -> dict:
    """Attack (a) over two snapshots.  ``own``: the outsider's answers in between
    (``planted_ids`` their response ids).  ``small``: which true counts of 1-7 to try
    to recover: those the new answers are in ("touched"), or "all"."""
    new_ids = after.ids - before.ids
    mine = [after.rows[i] for i in new_ids & planted_ids]
    theirs = [after.rows[i] for i in new_ids - planted_ids]
    attack = difference(before, after, codes, min_changed=min_changed, own=own,
                        others=len(theirs))
    new_truth = counts(theirs, "new:")
    truth = {**{"0:" + k: v for k, v in before.truth.items()},
             **{"1:" + k: v for k, v in after.truth.items()},
             **counts(mine, "own:"), **new_truth}
    assert attack.consistent(truth), "the attacker's model must hold for the truth"
    touched = set(counts(own + theirs))
    targets = [k for k, v in truth.items() if k.startswith(("0:", "1:")) and 1 <= v <= 7
               and (small == "all" or k[2:] in touched)]
    changed = [t for t, v in after.cells.items() if before.cells.get(t, "absent") != v]
    return {"pins": pins(attack, codes, new_truth), "young": len(theirs),
            "recovered": recovered(attack, truth, targets), "tried": len(targets),
            "changed": len(changed)}


def nights(client, db, auth, monkeypatch, count: int, *, config: dict, seed: int = 7,
           last: str = "all", log=lambda _msg: None) -> dict:
    """Attack (a) on the demo county (already built and published once) for
    ``count`` nights: over each pair of consecutive snapshots, then the first
    against the last.  ``config``: settings for the snapshots ({} for the app's);
    ``last``: which counts of 1-7 to try over the first and last ("all" or
    "touched": those the new answers are in)."""
    from flask import current_app

    min_changed = int({**current_app.config, **config}.get("PUBLISH_CELL_MIN_CHANGED", 10))
    codes = parish_codes(db.session)
    outsider = Outsider(codes, random.Random(seed))
    first = before = read(client, db, auth, None)
    all_own, all_planted, per_night = [], set(), []
    for n in range(1, count + 1):
        own, ids = night(client, db, auth, monkeypatch, outsider, n, config)
        after = read(client, db, auth, before)
        result = attack_pair(before, after, codes, own, ids, min_changed=min_changed)
        per_night.append(result)
        log(f"night {n}: {result['changed']} cells changed, pinned {result['pins']}, "
            f"recovered {len(result['recovered'])} of {result['tried']} counts of 1-7")
        all_own += own
        all_planted |= ids
        before = after
    last = attack_pair(first, before, codes, all_own, all_planted, min_changed=min_changed,
                       small=last)
    log(f"first against last: {last['changed']} cells changed, {last['young']} young "
        f"people counted, pinned {last['pins']}, recovered {len(last['recovered'])} of "
        f"{last['tried']} counts of 1-7")
    return {"nights": per_night, "first_last": last}
