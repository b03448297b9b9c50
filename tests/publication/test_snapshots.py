"""Published snapshots, not a live feed: a submission changes no published figure
or version until the next snapshot, a snapshot waits for enough new answers, and
comparing two snapshots does not give the new answers away."""

from __future__ import annotations

import random
import re

from flask import g

from tests.publication.attacker import Attack
from tests.publication.county import PARISHES, build, read_everything
from tests.publication.model import ALL_AGES, add_outputs, structure, truth_counts
from tests.publication.support import publish_now
from tests.survey.helpers import forget_visitor, good_answers, token_from

URL = "/survey/youth-voice"


def _submit(client, area, barriers):
    token = token_from(client.get(URL).get_data(as_text=True))
    resp = client.post(URL, data=good_answers(token, area=area, barriers=barriers,
                                              age_band="13-15", can_pay="0",
                                              anything_else=None))
    assert resp.status_code == 200 and "Thank you" in resp.get_data(as_text=True)


def _as(auth, role):
    auth.logout()
    forget_visitor()
    g.pop("_login_user", None)
    auth.login_as(role)


def _visible(out):
    """Everything a reader sees, minus the per-request CSRF tokens and nonces."""
    strip = re.compile(r'(nonce|value)="[^"]*"|[a-z]+-[0-9a-f]{6}@example\.org')
    return {"csv": out["csv"], "api": out["api"],
            "dashboard": strip.sub("", out["dashboard"]), "index": strip.sub("", out["index"])}


def test_one_submission_changes_no_published_figure_or_version(client, db, auth, monkeypatch):
    rng = random.Random(11)
    monkeypatch.setattr("app.survey.store.new_record_key", lambda: rng.randrange(256))
    build(db, 5)
    publish_now(db)
    auth.login_as("councillor")
    before = _visible(read_everything(client))
    version = before["api"][("parish", "default")]["data_version"]
    # The version carries the data version and a random token: no response id or count.
    assert len(version) == 2 and re.fullmatch(r"[0-9a-f]{32}", version[1])
    _as(auth, "admin")
    _submit(client, "E04000011", ["cost"])  # Aston: the smallest parish
    _as(auth, "councillor")
    assert _visible(read_everything(client)) == before
    # An admin's "publish now" waits: one new answer would stand out between snapshots.
    _as(auth, "admin")
    page = client.post("/admin/publish")
    assert page.status_code == 409
    assert "Fewer than 8 responses have arrived" in page.get_data(as_text=True)
    _as(auth, "councillor")
    assert _visible(read_everything(client)) == before


def test_admin_sees_when_the_next_snapshot_is_due_and_publishes_now(client, db, auth):
    build(db, 6)
    auth.login_as("admin")
    html = client.get("/admin/publish").get_data(as_text=True)
    assert "Never" in html and "Next snapshot due" in html
    hidden = 'title="hidden: too few to show safely">[c]'
    assert hidden not in client.get("/results/youth-voice").get_data(as_text=True)
    resp = client.post("/admin/publish")
    assert resp.status_code == 302
    html = client.get("/admin/publish").get_data(as_text=True)
    assert "Never" not in html
    assert re.search(r'id="next-due">\d+ \w+ \d{4} 02:00 UTC', html)
    assert hidden in client.get("/results/youth-voice").get_data(as_text=True)  # Aston


def test_differencing_two_snapshots_does_not_single_out_the_new_answers(client, db, auth,
                                                                         monkeypatch):
    rng = random.Random(12)
    monkeypatch.setattr("app.survey.store.new_record_key", lambda: rng.randrange(256))
    records = build(db, 7)
    publish_now(db)
    auth.login_as("councillor")
    first = read_everything(client)
    new = [("E04000011", ["cost"])] * 5 + [("E04000013", ["transport"])] * 3
    _as(auth, "admin")
    for area, barriers in new:
        _submit(client, area, barriers)
    assert client.post("/admin/publish").status_code == 302
    _as(auth, "councillor")
    second = read_everything(client)
    assert second != first

    attack = Attack(d=4)
    for tag, out in (("0:", first), ("1:", second)):
        structure(attack, tag)
        add_outputs(attack, out, tag)
    # The attacker knows exactly 8 answers arrived between the snapshots, and that
    # counts only grow.
    after = [name for name in attack.names if name.startswith("1:")]
    for name in after:
        attack.relation({name: 1, "0:" + name[2:]: -1}, 0, 8)
    atoms = [f"n|{a}|{g}" for a in PARISHES for g in ALL_AGES]
    attack.relation({**{"1:" + t: 1 for t in atoms}, **{"0:" + t: -1 for t in atoms}}, 8, 8)
    later = records + [{"area": a, "age": "13-15", "barriers": b, "pay": "0"} for a, b in new]
    truth = {**truth_counts(records, "0:"), **truth_counts(later, "1:")}
    assert attack.consistent(truth)
    for a in PARISHES:
        for kind in ("n", "cost", "transport"):
            terms = [f"n|{a}|{g}" if kind == "n" else f"b|{a}|{g}|{kind}" for g in ALL_AGES]
            diff = {**{"1:" + t: 1 for t in terms}, **{"0:" + t: -1 for t in terms}}
            name = f"delta|{a}|{kind}"
            attack.relation({**diff, name: -1}, 0, 0)
            lo, hi = attack.range_of([name])
            true = sum(1 for area, b in new if area == a and (kind == "n" or kind in b))
            assert lo <= true <= hi
            assert not (lo == hi and 1 <= lo <= 7), (a, kind, lo)
