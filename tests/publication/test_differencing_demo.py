"""Attack (a) of issue 29 on the demo county, for a few nights: the outsider
plants 7 answers through the open link, a young person answers, a snapshot is
published; an integer program over consecutive snapshots (and the first against
the last) pins nobody's parish or age band and no count from 1 to 7.  Without
the release model the same attack does single the young person out.
bench/release_differencing_demo.py runs it for 40 nights."""

from __future__ import annotations

import random

import pytest

from tests.publication.demo_attack import nights
from tests.publication.support import UNPROTECTED_OVER_TIME

pytestmark = pytest.mark.slow


def test_planted_answers_on_the_demo_county_pin_nobody(app, client, db, auth, demo_county,
                                                      monkeypatch):
    # The worker's demo county, a copy of its own (the nights add answers and snapshots).
    # The demo's responses draw record keys from their own seeded generator, not from
    # new_record_key, so patching it after the build changes nothing the build made.
    rng = random.Random(5)
    monkeypatch.setattr("app.survey.store.new_record_key", lambda: rng.randrange(256))
    out = nights(client, db, auth, monkeypatch, 3, config={}, last="touched")
    per = out["nights"]
    assert sum(r["young"] for r in per) == 3, "every young person's answer is counted"
    assert sum(r["tried"] for r in per) > 0
    assert [r["pins"] for r in per] == [[], [], []]
    assert [r["recovered"] for r in per] == [[], [], []]
    assert out["first_last"]["pins"] == [] and out["first_last"]["recovered"] == []


@pytest.mark.parametrize("app_config", [UNPROTECTED_OVER_TIME])
def test_control_without_the_release_model_a_young_person_is_pinned(app, client, db, auth,
                                                                    demo_county, monkeypatch):
    # The demo with its first snapshot published with these settings: the demo fixture
    # keeps a template per set of publication settings (the worker's one build of the
    # county, copied, with the snapshot published in the copy).
    rng = random.Random(5)
    monkeypatch.setattr("app.survey.store.new_record_key", lambda: rng.randrange(256))
    out = nights(client, db, auth, monkeypatch, 1, config={}, last="touched")
    assert out["nights"][0]["pins"], out
