"""The attacker's model of the small county: every published table as linear
constraints on unknown true counts (see :mod:`tests.publication.attacker`)."""

from __future__ import annotations

from pathlib import Path

import yaml

from .attacker import Attack, results_csv
from .county import PARISHES, WARDS

SURVEY = yaml.safe_load((Path(__file__).resolve().parents[2] / "surveys" /
                         "youth-voice.yaml").read_text())
QUESTIONS = {q["id"]: q for q in SURVEY["questions"]}


def _en(label):
    """A label's English (a survey text is a string, or {en: ..., pl: ..., ro: ...})."""
    return label["en"] if isinstance(label, dict) else label


AGE_LABELS = {_en(o["label"]): o["value"] for o in QUESTIONS["age_band"]["options"]}
ALL_AGES = list(AGE_LABELS.values())
BARRIER_LABELS = {_en(o["label"]): o["value"] for o in QUESTIONS["barriers"]["options"]}
PAY_LABELS = {_en(o["label"]): o["value"] for o in QUESTIONS["can_pay"]["options"]}
NAMES = {name: code for code, (name, _w, _x) in PARISHES.items()}
KINDS = {"cites_cost": "cost", "cites_transport": "transport",
         "cites_nothing_near": "nothing_near"}


def n(a, g, tag=""):
    return f"{tag}n|{a}|{g}"


def b(a, g, o, tag=""):
    return f"{tag}b|{a}|{g}|{o}"


def structure(attack: Attack, tag="") -> None:
    """What any attacker knows about how the counts fit together."""
    for a in PARISHES:
        anyv = f"{tag}any|{a}"
        for g in ALL_AGES:
            ab, pn = f"{tag}ab|{a}|{g}", f"{tag}pn|{a}|{g}"
            attack.relation({ab: 1, n(a, g, tag): -1}, -10**6, 0)
            attack.relation({ab: 1, **{b(a, g, o, tag): -1 for o in BARRIER_LABELS.values()}},
                            -10**6, 0)
            for o in BARRIER_LABELS.values():
                attack.relation({b(a, g, o, tag): 1, ab: -1}, -10**6, 0)
            attack.relation({**{f"{tag}p|{a}|{g}|{o}": 1 for o in PAY_LABELS.values()},
                             pn: 1, n(a, g, tag): -1}, 0, 0)
        cost = {b(a, g, "cost", tag): 1 for g in ALL_AGES}
        three = {b(a, g, o, tag): 1 for g in ALL_AGES
                 for o in ("cost", "transport", "nothing_near")}
        attack.relation({anyv: 1, **{k: -1 for k in cost}}, 0, 10**6)
        attack.relation({anyv: 1, **{k: -1 for k in three}}, -10**6, 0)


def add_outputs(attack: Attack, out: dict, tag="") -> list[frozenset]:
    """Constraints from every published output; returns the hidden cells' terms."""
    hidden: list[frozenset] = []

    def pub(terms, value):
        if not terms:  # a row the filter leaves out, or "Not said" (everyone said)
            assert value in (0, None), "a row nobody is in must be 0 or hidden"
            return
        attack.published(terms, value)
        if value is None:
            hidden.append(frozenset(terms))

    for (fa, fg), text in out["csv"].items():
        areas = [a for a in PARISHES if fa in (None, a)]
        ages = [g for g in ALL_AGES if fg in (None, g)]
        every = [n(a, g, tag) for a in areas for g in ages]
        for (table, row, col), value in results_csv(text).items():
            # A filtered table's rows hold only the people the filter keeps.
            if table == "Answers by area":
                pub(every if row == "Total" else
                    [n(NAMES[row], g, tag) for g in ages if NAMES.get(row) in areas], value)
            elif table == "Answers that gave an area":  # everyone here gave one
                pub(every, value)
            elif table == "Answers by age":
                pub(every if row == "Total" else
                    [n(a, AGE_LABELS[row], tag) for a in areas if AGE_LABELS.get(row) in ages],
                    value)
            elif table == "Answers by area and age":
                rows = areas if row == "Total" else [NAMES[row]]
                cols = ages if col == "Total" else [AGE_LABELS[col]] if col in AGE_LABELS \
                    else []
                pub([n(a, g, tag) for a in rows for g in cols], value)
            elif table == _en(QUESTIONS["barriers"]["label"]):
                if row == "People who answered":
                    pub([f"{tag}ab|{a}|{g}" for a in areas for g in ages], value)
                else:
                    pub([b(a, g, BARRIER_LABELS[row], tag) for a in areas for g in ages],
                        value)
            elif table == _en(QUESTIONS["can_pay"]["label"]):
                if row == "Total":
                    pub(every, value)
                elif row == "No answer":
                    pub([f"{tag}pn|{a}|{g}" for a in areas for g in ages], value)
                else:
                    pub([f"{tag}p|{a}|{g}|{PAY_LABELS[row]}" for a in areas for g in ages],
                        value)
    for (level, _label), doc in out["api"].items():
        for row in doc["areas"]:
            members = [row["code"]] if level == "parish" else \
                [p for p, (_n, w, _x) in PARISHES.items() if w == row["code"]]
            pub([n(a, g, tag) for a in members for g in ALL_AGES], row["responses"])
            for col, kind in KINDS.items():
                pub([b(a, g, kind, tag) for a in members for g in ALL_AGES], row[col])
    return hidden


def truth_counts(records, tag="") -> dict[str, int]:
    t: dict[str, int] = {}

    def inc(k):
        t[k] = t.get(k, 0) + 1

    for r in records:
        a, g = r["area"], r["age"]
        inc(n(a, g, tag))
        if r["barriers"]:
            inc(f"{tag}ab|{a}|{g}")
        for o in r["barriers"]:
            inc(b(a, g, o, tag))
        if set(r["barriers"]) & {"cost", "transport", "nothing_near"}:
            inc(f"{tag}any|{a}")
        inc(f"{tag}p|{a}|{g}|{r['pay']}" if r["pay"] else f"{tag}pn|{a}|{g}")
    return t


__all__ = ["WARDS", "add_outputs", "structure", "truth_counts"]
