"""Nothing A's staff post without an id in the path reaches council B (issue 27).

test_leak_more.py posts B's ids to every POST route that takes one; this walks the
others: the routes that add rows (new services, buildings, listings, organisations,
users, scenarios, campaigns, waves, surveys, travel times), the imports and uploads,
publishing, starting jobs and the survey itself.  They are found in the app's URL map
(``is_walked``), so a new one is walked the day it is added, with what its page's
form offers; ``BODIES`` (post_support.py) gives each a form that really adds a row,
and ``NOT_POSTED`` names, with the reason, what is not posted.

As A's admin, commissioner and partner, on A's own host, each post (with A's ids,
and where the form names rows, B's, which must be refused) must leave every row of
B as it was, add rows of A only, add none that points at a row of another council,
touch no council, and answer with a page that shows nothing of B.  Every table is read before and after
as the tables' owner.  On PostgreSQL the app is connected as the NOBYPASSRLS app
role (conftest.py), so the database's policies hold the posts as well: a write the
policies or the grants refuse fails the walk.  Jobs a post starts are waited for
and must finish.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.models import use_council
from tests.conftest import make_user
from tests.polling import poll
from tests.tenancy.leak_support import leaks, sign_in, users_of
from tests.tenancy.post_support import (
    A_HOST,
    BODIES,
    NOT_POSTED,
    SLUG,
    added_rows,
    changes,
    form_defaults,
    is_walked,
    picture,
)

ROLES = ("admin", "commissioner", "partner")


@pytest.fixture
def app(walk_app):
    return walk_app


def _jobs_done(owner) -> bool:
    with owner.connect() as conn:
        return not conn.execute(text(
            "SELECT count(*) FROM background_job WHERE state IN ('queued', 'running')")
        ).scalar()


def _sent(data: dict) -> str:
    """What was posted, files included: a page may repeat it ("no area E01099901")."""
    return " ".join(v if isinstance(v, str) else v[0].getvalue().decode("utf-8", "replace")
                    for v in data.values())


def _url(rule) -> str:
    return rule.build({arg: SLUG for arg in rule.arguments}, append_unknown=False)[1]


def test_every_post_route_without_an_id_has_a_body_or_a_reason(app):
    walked = {rule.endpoint for rule in app.url_map.iter_rules() if is_walked(rule)}
    missing = walked - set(BODIES) - set(NOT_POSTED)
    assert not missing, f"give these a form that adds a row in BODIES, or a reason in " \
                        f"NOT_POSTED: {sorted(missing)}"
    assert not (set(BODIES) | set(NOT_POSTED)) - walked, "a listed route is gone"
    assert len(walked) >= 20


def test_posts_by_a_add_only_as_rows_and_show_nothing_of_b(app, db, walked, owner):
    a, b, a_ids, b_ids = walked
    users = users_of(db, a.id, ROLES)
    added: dict[str, int] = {}
    problems, posted, after = [], 0, None
    rules = sorted((r for r in app.url_map.iter_rules()
                    if is_walked(r) and r.endpoint not in NOT_POSTED), key=lambda r: r.rule)
    for role in ROLES:
        client = sign_in(app.test_client(), users[role], A_HOST)
        for rule in rules:
            url = _url(rule)
            post = BODIES.get(rule.endpoint)
            variants = [("A", a_ids)] + ([("B", b_ids)] if post and post.with_b else [])
            for whose, ids in variants:
                data = {**form_defaults(client, url)} if "GET" in rule.methods else {}
                if post is not None:
                    data.update(post.data(ids, role))
                sent = _sent(data)
                before = after if after is not None else picture(owner)
                response = client.post(url, data=data, base_url=A_HOST, follow_redirects=True)
                poll(lambda: _jobs_done(owner), what=f"the jobs {url} started")
                after = picture(owner)
                where = f"{role} POST {url} with {whose}'s ids ({response.status_code})"
                posted += 1
                if response.status_code >= 500:
                    problems.append(f"{where}: server error")
                body = response.get_data(as_text=True)
                problems += [f"{where}: shows {m}" for m in leaks(body, url + " " + sent)]
                problems += [f"{where}: {p}" for p in changes(before, after, a.id, b.id)]
                if whose == "B" and response.status_code < 400:
                    problems.append(f"{where}: B's ids were accepted")
                if post is not None and post.adds:
                    n = added_rows(before, after, post.adds)
                    if whose == "B" and n:
                        problems.append(f"{where}: took B's ids and added {post.adds}")
                    added[rule.endpoint] = added.get(rule.endpoint, 0) + n
    assert not problems, "\n".join(problems)
    assert posted >= 3 * 20
    # Each body really adds its row for someone (so the walk checks real writes).
    idle = [e for e, post in BODIES.items() if post.adds and not added.get(e)]
    assert not idle, f"these posts added no row for any role: {idle}"
    # The jobs the posts started ran, as A, to the end.
    with owner.connect() as conn:
        jobs = conn.execute(text("SELECT task, state, council_id, error FROM background_job")
                            ).all()
    assert jobs and all(j.state == "finished" and j.council_id == a.id for j in jobs), jobs


def test_b_cannot_sign_in_on_as_host(app, db, walked):
    """B's admin, with the right password, is unknown on A's host (and known on B's)."""
    from app.models import User
    from tests.conftest import TEST_PASSWORD

    a, b, a_ids, b_ids = walked
    with use_council(b.id):
        email = make_user(db, "admin", email="admin@zephyrbury.example").email
        db.session.rollback()
    form = {"email": email, "password": TEST_PASSWORD}
    page = app.test_client().post("/login", data=form, base_url=A_HOST)
    assert page.status_code != 302 and not leaks(page.get_data(as_text=True), email)
    assert app.test_client().post("/login", data=form,
                                  base_url="http://b.example").status_code == 302
    with use_council(a.id):
        assert db.session.scalar(select(User).where(User.email == email)) is None


def test_the_checks_catch_what_they_look_for():
    """``changes`` reports each thing a post by A may not do (no database needed)."""
    from app.models import Base

    empty = {t.name: {} for t in Base.metadata.sorted_tables}
    a_id, b_id = 1, 2
    org_b = {"id": 7, "council_id": b_id, "name": "Zephyrbury Trust"}
    before = {**empty, "organisation": {(7,): org_b}}

    def after(**tables):
        return {**before, **{name: {**before[name], **rows} for name, rows in tables.items()}}

    assert changes(before, after(), a_id, b_id) == []
    assert changes(before, after(service={(1,): {"id": 1, "council_id": a_id,
                                                 "organisation_id": None}}), a_id, b_id) == []
    found = changes(before, after(service={(1,): {"id": 1, "council_id": a_id,
                                                  "organisation_id": 7}}), a_id, b_id)
    assert found == ["service.organisation_id = 7: a row of another council (organisation)"]
    found = changes(before, after(service={(1,): {"id": 1, "council_id": b_id,
                                                  "organisation_id": None}}), a_id, b_id)
    assert found == ["service: B's rows changed", "service: a new row of council 2"]
    renamed = {**before, "organisation": {(7,): {**org_b, "name": "Renamed"}}}
    assert changes(before, renamed, a_id, b_id) == ["organisation: B's rows changed"]
    councils = {**before, "council": {(3,): {"id": 3, "code": "E06000002"}}}
    assert changes(before, councils, a_id, b_id) == ["the council table changed"]
