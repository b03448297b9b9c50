"""Object-level access sweep: every id under every staff URL, as an anonymous
visitor and as every role that may not use that URL.

Built over ``app.url_map``, so each new staff page with an ``<int:...>`` in its
address is swept automatically.  Every table gets two placeholder rows, so ids
1 and 2 name real records; a missing id must be refused in exactly the same
way (the answer must not reveal whether a record exists), and a refused post
must change nothing.
"""

from __future__ import annotations

import re

import pytest

from app.models import ROLES

from .sweep import MISSING_ID, access_of, int_args, methods, rules, seed_every_table, table_counts
from .sweep import url_for_rule as url


def _staff_rules_with_ids(app):
    return [r for r in rules(app)
            if int_args(r) and isinstance(access_of(app, r), tuple)]


def test_the_sweep_has_something_to_sweep(app, db):
    seeded = seed_every_table(db)
    assert seeded["user_account"] == 2 and seeded["response"] == 2 and seeded["survey"] == 2


_CSRF_VALUE = re.compile(rb'(?<=name="csrf_token" )value="[^"]*"')


@pytest.mark.parametrize("who", (None, *ROLES))
def test_every_id_under_every_staff_url_is_refused_to_the_wrong_people(app, db, client, auth,
                                                                        who):
    seed_every_table(db)
    if who:
        auth.login_as(who)
    before = table_counts(db)
    checked = 0
    for rule in _staff_rules_with_ids(app):
        allowed = access_of(app, rule)
        if who in allowed:
            continue
        for method in methods(rule):
            answers = set()
            for ident in (1, 2, MISSING_ID):
                resp = client.open(url(rule, ident), method=method, data={})
                if who is None:
                    if rule.rule.startswith("/api/"):
                        assert resp.status_code == 401, (rule.rule, ident, resp.status_code)
                    else:
                        assert resp.status_code == 302, (rule.rule, ident, resp.status_code)
                        assert "/login" in resp.headers["Location"]
                else:
                    assert resp.status_code == 403, (
                        f"{method} {url(rule, ident)} gave {resp.status_code} to {who}")
                # The sign-out form's CSRF token is signed with the time: leave it out.
                answers.add((resp.status_code, _CSRF_VALUE.sub(b'value=""', resp.get_data())
                             if who else resp.headers.get("Location", "").split("?")[0]))
                checked += 1
            # Existing and missing records are refused identically.
            assert len(answers) == 1, f"{rule.rule}: refusal differs by id for {who}"
    assert table_counts(db) == before, "a refused request changed data"
    # Record how much was swept (visible with -rA); zero is fine until staff pages with ids land.
    print(f"swept {checked} refused requests as {who or 'anonymous'}")


def _partner_rules_with_ids(app):
    return [r for r in rules(app) if int_args(r) and access_of(app, r) == ("partner",)]


def test_a_partner_reaches_no_other_organisations_record_by_id(app, db, client, auth):
    """Every partner URL with an id, for ids that belong to other organisations (the two
    seeded ones) and for a missing id: refused identically (404), nothing changed."""
    from app.models import Organisation

    seed_every_table(db)
    own = Organisation(name="Our own organisation", kind="charity")
    db.session.add(own)
    db.session.commit()
    auth.login_as("partner", organisation=own)
    before = table_counts(db)
    swept = _partner_rules_with_ids(app)
    assert len(swept) >= 5, [r.rule for r in swept]
    for rule in swept:
        for method in methods(rule):
            answers = set()
            for ident in (1, 2, MISSING_ID):
                resp = client.open(url(rule, ident), method=method,
                                   data={"status": "closed", "outcome": "done", "name": "x"})
                assert resp.status_code == 404, (method, url(rule, ident), resp.status_code)
                answers.add(_CSRF_VALUE.sub(b'value=""', resp.get_data()))
            assert len(answers) == 1, f"{rule.rule}: refusal differs by id"
    assert table_counts(db) == before, "a refused request changed data"
