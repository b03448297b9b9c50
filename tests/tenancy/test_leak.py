"""Nothing of council B reaches anyone of council A (issue 27).

Two councils, each with a small county of its own (tests/county.py) whose names
and codes are distinctive.  As every role of council A (and anonymously) this
walks every GET route in the app's URL map: routes without parameters, and
routes whose parameters can be filled with A's own ids and codes and then with
B's (which must not answer 200).  Pages, API answers and the CSV and GeoJSON
downloads are all among those routes.  No response may contain a name or code
unique to council B.  Each role is signed in on A's own host (a session cookie
set for ``localhost`` would leave the walk anonymous).

On PostgreSQL the app connects as the non-owner NOBYPASSRLS role that
docs/DEPLOYMENT.md gives a deployment (``walk_app`` in conftest.py; the counties
are built as the owner, once per worker, and copied for each test): a page that
forgot the council in the code would still be kept to A by row-level security,
and a query the app needs that the policies or grants refuse fails the walk.

test_leak_more.py covers what this walk does not: the PDFs and their jobs (PDF
routes are skipped here: their text is compressed), the caches, the log lines and
form posts with B's ids; test_leak_posts.py the form posts without an id.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.models import use_council
from tests.conftest import is_postgres, make_user
from tests.tenancy.conftest import APP_ROLE
from tests.tenancy.leak_support import (
    B_MARKERS,
    B_PRIVATE,
    NATIONAL,
    fill,
    get_routes,
    leaks,
    sign_in,
    users_of,
)

# Pages that must name A's own county for each role (None: anonymous), so a walk that
# saw nothing (say, every row hidden by the policies) cannot pass.
SHOWS_A = {
    None: {"directory.index", "directory.service", "directory.api_services"},
    "admin": {"directory.manage", "gaps.table", "gaps.ward", "main.dashboard",
              "partners.organisations", "survey.results_index", "survey.admin_surveys",
              "planning.funding_cliff_page"},
    "commissioner": {"directory.manage", "gaps.table", "gaps.csv", "gaps.api",
                     "planning.sites", "survey.results_index"},
    "councillor": {"gaps.table", "gaps.ward", "gaps.geojson", "main.dashboard"},
    "partner": {"partners.dashboard", "partners.edit_listing"},
    "safeguarding": {"directory.index"},
}


@pytest.fixture
def app(walk_app):
    return walk_app


@pytest.mark.skipif(not is_postgres(), reason="row-level security is PostgreSQL's")
def test_the_walk_runs_as_the_app_role_under_row_level_security(app, db, walked, owner):
    """What the walks below see is what row-level security lets through: the app's
    connections are the app role's, which neither owns the tables nor bypasses the
    policies, and its plain SQL (no ORM scoping) as A sees A's rows only."""
    a, b, a_ids, b_ids = walked
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith(f"postgresql+psycopg://{APP_ROLE}@")
    client = app.test_client()
    assert client.get("/directory", base_url="http://a.example").status_code == 200
    role = db.session.execute(text(
        "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles "
        "WHERE rolname = current_user")).one()
    assert tuple(role) == (APP_ROLE, False, False)
    owners = set(db.session.scalars(text(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")))
    assert APP_ROLE not in owners
    db.session.rollback()
    with use_council(a.id):
        seen = db.session.scalars(text("SELECT name FROM service")).all()
        db.session.rollback()
    with owner.connect() as conn:
        every = conn.execute(text("SELECT council_id, name FROM service")).all()
    assert sorted(seen) == sorted(n for c, n in every if c == a.id) == ["Ashcombe Youth Hub"]
    assert {c for c, n in every} == {a.id, b.id}


def test_row_level_security_holds_where_the_codes_scoping_is_missing(app, db, walked):
    """The walks test the database as well as the code: with the ORM scoping taken out
    (a bug that forgot the council everywhere), A's pages on PostgreSQL still show
    nothing of B, because the app role's queries only see A's rows.  On SQLite, which
    has no row-level security, the same pages do show B: the check can fail."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from app.tenancy import scoping

    a, b, a_ids, b_ids = walked
    client = sign_in(app.test_client(), users_of(db, a.id, ("admin",))["admin"],
                     "http://a.example")
    event.remove(Session, "do_orm_execute", scoping._scope_queries)
    try:
        shown = {url: leaks(client.get(url, base_url="http://a.example").get_data(
            as_text=True), url) for url in ("/directory", "/directory/manage",
                                            "/directory/buildings", "/partners/organisations")}
    finally:
        event.listen(Session, "do_orm_execute", scoping._scope_queries)
    if is_postgres():
        assert not any(shown.values()), shown
    else:
        assert all(shown.values()), shown


def test_no_route_shows_council_b_to_anyone_of_council_a(app, db, walked):
    a, b, a_ids, b_ids = walked
    from app.models.users import ROLES

    users = users_of(db, a.id, ROLES)
    checked, refused, broken = 0, [], []
    shows_a: dict[str | None, set[str]] = {}
    for role in (None, *ROLES):
        client = app.test_client()
        if role is not None:
            sign_in(client, users[role], "http://a.example")
            assert client.get("/", base_url="http://a.example").status_code != 302, role
        for rule in get_routes(app):
            own = fill(rule, a_ids) if rule.arguments else rule.rule
            theirs = fill(rule, b_ids) if rule.arguments else None
            for url, is_b in ((own, False), (theirs, True)):
                if url is None:
                    continue
                response = client.get(url, base_url="http://a.example")
                body = response.get_data(as_text=True) if not response.is_streamed or \
                    response.mimetype.startswith(("text/", "application/")) else ""
                found = leaks(body, url, B_PRIVATE if rule.endpoint in NATIONAL
                               else B_MARKERS)
                assert not found, f"{role or 'anonymous'} GET {url}: {found}"
                if response.status_code >= 500:
                    broken.append(f"{role} {url} {response.status_code}")
                if not is_b and "Ashcombe" in body:
                    shows_a.setdefault(role, set()).add(rule.endpoint)
                if is_b and response.status_code == 200 and url != own:
                    refused.append(f"{role} {url}")
                checked += 1
    assert checked > 100  # the walk really walked
    # B's ids and codes fill a route only to get "not found" (or a refusal).
    assert not refused, refused
    assert not broken, broken
    # The walk saw A's own rows (row-level security hides nothing of A from A): each
    # role's own pages name A's club, ward or trust.
    for role, endpoints in SHOWS_A.items():
        missing = endpoints - shows_a.get(role, set())
        assert not missing, (role, missing)


def test_council_b_itself_sees_its_own(app, db, walked):
    """The markers are real: B's own host shows them (so the walk above can fail)."""
    a, b, a_ids, b_ids = walked
    with use_council(b.id):
        user = make_user(db, "admin")
        client = sign_in(app.test_client(), user, "http://b.example")  # B's row: read as B
    body = client.get("/directory", base_url="http://b.example").get_data(as_text=True)
    assert "Zephyrbury Youth Hub" in body
    body = client.get(f"/directory/{b_ids['service']}",
                      base_url="http://b.example").get_data(as_text=True)
    assert "Zephyrbury" in body


def test_the_national_picture_adds_up_every_council_from_what_each_published(app, db,
                                                                            walked):
    """The one page meant to cross councils: both councils' rows, each council's own
    services in the open data under its own code, and nothing unpublished."""
    import json

    a, b, a_ids, b_ids = walked
    client = app.test_client()
    page = client.get("/national", base_url="http://a.example").get_data(as_text=True)
    assert a.code in page and b.code in page and "Bravo Council" in page
    hsds = json.loads(client.get("/national/openreferral.json",
                                 base_url="http://a.example").get_data(as_text=True))
    by_council = {item["name"]: item["yvm:council_code"] for item in hsds["contents"]}
    assert by_council["Zephyrbury Youth Hub"] == b.code
    assert by_council["Ashcombe Youth Hub"] == a.code
    rows = client.get("/national/national.csv", base_url="http://b.example").get_data(
        as_text=True)
    assert not leaks(rows, "", B_PRIVATE) and "ashcombe-secret" not in rows


def test_the_national_picture_is_kept_until_it_is_rebuilt(app, db, walked):
    """The roll-up is stored (about a minute for 150 councils) and served until the next
    rebuild (docs/NATIONAL.md; tests/national/test_rollup*.py test the background job):
    a new club in council B shows once it is rebuilt."""
    import csv
    import io

    from tests.directory.helpers import make_service

    a, b, a_ids, b_ids = walked

    def services_of_b() -> str:
        body = app.test_client().get("/national/national.csv",
                                     base_url="http://a.example").get_data(as_text=True)
        rows = [r for r in csv.DictReader(io.StringIO(body)) if r["code"] == b.code]
        return rows[0]["services"]

    before = services_of_b()
    with use_council(b.id):
        make_service(db.session, name="Zephyrbury Second Club")
    db.session.rollback()
    assert services_of_b() == before  # the stored roll-up, until it is rebuilt
    result = app.test_cli_runner().invoke(args=["national", "rebuild"])
    assert result.exit_code == 0, result.output
    assert int(services_of_b()) == int(before) + 1
