"""The attacker against the demo county: every area level of the gap API and the
survey's results tables, as one integer program.  No count from 1 to 7 and no
hidden value comes out exact."""

from __future__ import annotations

from tests.publication.attacker import Attack
from tests.publication.demo_attack import counted_rows, counts, demo_cells, parish_codes, structure


def test_demo_county_gives_no_small_or_hidden_count_away(client, db, auth, demo_county):
    # The worker's demo county (a copy of its own: signing in adds a user).
    auth.login_as("councillor")
    # The survey's tables and the gap API at every level, as one program.
    cells = demo_cells(client, db.session)
    attack = Attack(d=4)
    for terms, value in cells.items():
        attack.published(sorted(terms), value)
    structure(attack, parish_codes(db.session))
    hidden = [terms for terms, value in cells.items() if value is None]
    truth = counts(counted_rows(db.session).values())
    assert attack.consistent(truth), "the attacker's model must hold for the true counts"
    small = [frozenset([k]) for k, v in truth.items() if 1 <= v <= 7]
    # (A hidden 0 implied by a published 0 of a larger group singles nobody out.)
    someone = [h for h in hidden if sum(truth.get(t, 0) for t in h) > 0]
    targets = list(dict.fromkeys(small + someone))
    assert len(hidden) > 30 and len(small) > 30
    recovered = [sorted(terms) for terms in targets if attack.pinned(sorted(terms), truth)]
    assert recovered == []
