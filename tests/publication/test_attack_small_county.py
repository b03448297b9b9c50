"""The attacker against a hand-built small county, where attacks are easiest.

Every output a reader can download (results tables for every filter, the gap
API at parish and ward level, with default weights and with voice alone) goes
into one integer program; no count from 1 to 7 and no hidden value may come out
exact.  A control run with protection switched off (no perturbation, no
rounding) shows the same attack does recover hidden counts, so it has teeth.
"""

from __future__ import annotations

import pytest

from tests.publication.attacker import Attack, possible, ratio_candidates
from tests.publication.county import PARISHES, build, read_everything
from tests.publication.model import add_outputs, structure, truth_counts
from tests.publication.support import publish_now


def _attack(out, d, round_to=5):
    attack = Attack(d=d, round_to=round_to)
    structure(attack)
    hidden = add_outputs(attack, out)
    return attack, hidden


def _targets(truth, hidden):
    """Every small count, and every hidden cell someone is in.  (A hidden 0 may be
    implied by a published 0 of a larger group: nobody in the county chose that
    answer, so nobody in any part of it did; that singles nobody out.)"""
    small = [frozenset([k]) for k, v in truth.items() if 1 <= v <= 7]
    someone = [h for h in hidden if sum(truth.get(t, 0) for t in h) > 0]
    return list(dict.fromkeys(small + someone))


def _recovered(attack, truth, targets):
    return [(sorted(terms), sum(truth.get(t, 0) for t in terms))
            for terms in targets if attack.pinned(sorted(terms), truth)]


@pytest.mark.parametrize("seed", [1, 2])
def test_no_small_or_hidden_count_comes_out_of_all_tables_at_once(client, db, auth, seed):
    records = build(db, seed)
    publish_now(db)
    auth.login_as("councillor")
    out = read_everything(client)
    attack, hidden = _attack(out, d=4)
    truth = truth_counts(records)
    assert attack.consistent(truth), "the attacker's model must hold for the true counts"
    assert hidden, "the small parish must be hidden somewhere"
    targets = _targets(truth, hidden)
    assert len(targets) > 20
    assert _recovered(attack, truth, targets) == []


def test_control_without_protection_the_same_attack_recovers_hidden_counts(client, db, auth):
    """Suppression alone (exact counts otherwise): ward minus parish gives Aston away."""
    records = build(db, 1)
    publish_now(db, CELL_KEY_MAX_PERTURBATION=0, DISCLOSURE_ROUND_TO=1)
    auth.login_as("councillor")
    out = read_everything(client)
    attack, hidden = _attack(out, d=0, round_to=1)
    truth = truth_counts(records)
    assert attack.consistent(truth)
    found = _recovered(attack, truth, _targets(truth, hidden))
    aston = [f"n|E04000011|{g}" for g in ("11-12", "13-15", "16-17", "18-19", "20-24",
                                          "not_say")]
    assert any(terms == sorted(aston) and value == 3 for terms, value in found), found
    lo, hi = attack.range_of(sorted(aston))
    assert lo == hi == 3  # ward minus its other parish


def test_ratio_inversion_and_voice_only_weights_give_no_pair_away(client, db, auth):
    records = build(db, 3)
    publish_now(db)
    auth.login_as("councillor")
    out = read_everything(client)
    truth = truth_counts(records)
    for (level, label), doc in out["api"].items():
        for row in doc["areas"]:
            members = [row["code"]] if level == "parish" else \
                [p for p, (_n, w, _x) in PARISHES.items() if w == row["code"]]
            true_r = sum(v for k, v in truth.items()
                         if k.startswith("n|") and k.split("|")[1] in members)
            r_range = possible(row["responses"], d=4, round_to=5, hidden_max=7)
            for share_col, count_col, kind in (("share_cost", "cites_cost", "cost"),
                                               ("share_transport", "cites_transport",
                                                "transport")):
                share = row[share_col]
                true_c = sum(v for k, v in truth.items()
                             if k.startswith("b|") and k.split("|")[1] in members
                             and k.endswith("|" + kind))
                if share is None:
                    continue
                # Shares are whole percentages of the published counts.
                assert round(share * 100, 6) == round(share * 100)
                cands = ratio_candidates(share, r_range,
                                         possible(row[count_col], d=4, round_to=5,
                                                  hidden_max=7))
                assert cands != [(true_r, true_c)], (level, row["code"], share_col)
            if label == "voice" and row["gap_score"] is not None:
                # Weights on voice alone: the score is the published share, as a whole number.
                assert float(row["gap_score"]).is_integer()
                assert row["gap_score"] == round(100 * row["c_voice"])
            if row["responses"] is None:
                assert row["c_voice"] is None and row["share_cost"] is None


def test_orders_and_ranks_follow_published_values_with_ties_by_code(client, db, auth):
    build(db, 4)
    publish_now(db)
    auth.login_as("councillor")
    doc = client.get("/api/v1/gaps?level=parish&w_deprivation=0&w_rurality=0&w_reach=0"
                     "&w_provision=0&w_funding=0&w_voice=1").get_json()
    rows = [r for r in doc["areas"] if r["rank"] is not None]
    expected = sorted(rows, key=lambda r: (-r["gap_score"], r["code"]))
    assert [r["code"] for r in rows] == [r["code"] for r in expected]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    # An area whose published share citing a barrier is hidden (or has no answers)
    # gets no voice score, so no rank from voice alone: its place says nothing.
    unranked = [r for r in doc["areas"] if r["rank"] is None]
    assert unranked and all(r["c_voice"] is None and r["gap_score"] is None for r in unranked)
