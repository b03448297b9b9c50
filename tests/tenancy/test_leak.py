"""Nothing of council B reaches anyone of council A (issue 27).

Two councils, each with a small county of its own (tests/county.py) whose names
and codes are distinctive.  As every role of council A (and anonymously) this
walks every GET route in the app's URL map: routes without parameters, and
routes whose parameters can be filled with A's own ids and codes and then with
B's (which must not answer 200).  Pages, API answers and the CSV and GeoJSON
downloads are all among those routes.  No response may contain a name or code
unique to council B.  Each role is signed in on A's own host (a session cookie
set for ``localhost`` would leave the walk anonymous).

test_leak_more.py covers what this walk does not: the PDFs and their jobs (PDF
routes are skipped here: their text is compressed), the caches, the log lines and
form posts with B's ids.
"""

from __future__ import annotations

from app.models import use_council
from tests.conftest import make_user
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


def test_no_route_shows_council_b_to_anyone_of_council_a(app, db, councils):
    a, b, a_ids, b_ids = councils
    from app.models.users import ROLES

    users = users_of(db, a.id, ROLES)
    checked, refused = 0, []
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
                if is_b and response.status_code == 200 and url != own:
                    refused.append(f"{role} {url}")
                checked += 1
    assert checked > 100  # the walk really walked
    # B's ids and codes fill a route only to get "not found" (or a refusal).
    assert not refused, refused


def test_council_b_itself_sees_its_own(app, db, councils):
    """The markers are real: B's own host shows them (so the walk above can fail)."""
    a, b, a_ids, b_ids = councils
    with use_council(b.id):
        user = make_user(db, "admin")
    client = sign_in(app.test_client(), user, "http://b.example")
    body = client.get("/directory", base_url="http://b.example").get_data(as_text=True)
    assert "Zephyrbury Youth Hub" in body
    body = client.get(f"/directory/{b_ids['service']}",
                      base_url="http://b.example").get_data(as_text=True)
    assert "Zephyrbury" in body


def test_the_national_picture_adds_up_every_council_from_what_each_published(app, db,
                                                                            councils):
    """The one page meant to cross councils: both councils' rows, each council's own
    services in the open data under its own code, and nothing unpublished."""
    import json

    a, b, a_ids, b_ids = councils
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


def test_the_national_picture_is_kept_until_it_is_rebuilt(app, db, councils):
    """The roll-up is stored (about a minute for 150 councils) and served until the next
    rebuild (docs/NATIONAL.md; tests/national/test_rollup*.py test the background job):
    a new club in council B shows once it is rebuilt."""
    import csv
    import io

    from tests.directory.helpers import make_service

    a, b, a_ids, b_ids = councils

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
