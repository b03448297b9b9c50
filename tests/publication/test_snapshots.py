"""Published snapshots, not a live feed: a submission changes no published figure
or version until the next snapshot, and a new snapshot made after one answer
shows the same figures (attacks over many snapshots: test_repeated.py)."""

from __future__ import annotations

import random
import re

from tests.publication.county import build, read_everything
from tests.publication.support import publish_now, submit, switch


def _visible(out, *, versions=True):
    """Everything a reader sees, minus the per-request CSRF tokens and nonces (and
    the version token, when ``versions`` is False)."""
    strip = re.compile(r'(nonce|value)="[^"]*"|[a-z]+-[0-9a-f]{6}@example\.org')
    api = out["api"] if versions else {
        k: {**doc, "data_version": None} for k, doc in out["api"].items()}
    return {"csv": out["csv"], "api": api,
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
    switch(auth, "admin")
    submit(client, "E04000011", ["cost"])  # Aston: the smallest parish
    switch(auth, "councillor")
    assert _visible(read_everything(client)) == before
    # An admin's "publish now" publishes (nothing about waiting answers decides it),
    # but one new answer changes no figure: every cell keeps its value until enough
    # people have changed it.  Only the version token moves.
    switch(auth, "admin")
    assert client.post("/admin/publish").status_code == 302
    switch(auth, "councillor")
    after = read_everything(client)
    assert after["api"][("parish", "default")]["data_version"] != version
    assert _visible(after, versions=False) == _visible(before, versions=False)


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
