"""Links that carry a secret instead of a sign-in (docs/TENANCY.md, "Tests").

A school's campaign link (``/survey/<slug>/c/<code>``), a partner's invitation
(``/partners/invite/<token>``) and an organisation's check-in link
(``/partners/check-in/<token>``, and its one-click POST) are the routes the
id-based walks cannot fill.  Council B's links, used on council A's host, find
nothing: every GET and POST is refused, nothing of B shows, and no row of either
council changes.  The same links on B's own host work (so the checks can fail).
Runs as the app's NOBYPASSRLS role on PostgreSQL (tests/tenancy/conftest.py).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.models import Campaign, Organisation, OrganisationContact, use_council
from app.partners.invites import create_invite, new_checkin_link
from tests.tenancy.leak_support import leaks

A_HOST, B_HOST = "http://a.example", "http://b.example"
CODE = "zb7q2k9"


@pytest.fixture
def app(walk_app):
    return walk_app


def _b_links(db, b_id: int) -> dict:
    """A campaign, an invitation and a check-in link of council B's (made as B)."""
    db.session.rollback()
    with use_council(b_id):
        org = db.session.scalar(select(Organisation)
                                .where(Organisation.name == "Zephyrbury Trust"))
        db.session.add(Campaign(survey_slug="youth", code=CODE, kind="school", pupils=600,
                                name="Zephyrbury High School"))
        contact = OrganisationContact(organisation_id=org.id, name="Zephyrbury Lead",
                                      email="lead@zephyrbury.example")
        db.session.add(contact)
        db.session.flush()
        _invite, invite = create_invite(db.session, contact, by=None, days=7)
        checkin = new_checkin_link(db.session, org, by=None)
        db.session.commit()
    return {"invite": invite, "checkin": checkin}


def _rows(owner) -> dict:
    """Every row of the tables these links touch, both councils, read as the owner."""
    with owner.connect() as conn:
        return {table: sorted(map(repr, conn.execute(text(f"SELECT * FROM {table}"))))
                for table in ("response", "answer", "partner_invite", "user_account",
                              "service", "organisation", "campaign")}


def test_bs_secret_links_on_as_host_find_nothing(app, db, walked, owner):
    a, b, a_ids, b_ids = walked
    links = _b_links(db, b.id)
    survey = f"/survey/youth/c/{CODE}"
    invite = f"/partners/invite/{links['invite']}"
    board = f"/partners/check-in/{links['checkin']}"
    confirm = f"{board}/{b_ids['service']}"
    before = _rows(owner)

    client = app.test_client()
    answers = {"form_token": "x", "area": "E01099901", "age_band": "13-15"}
    password = {"password": "a long enough pass phrase", "confirm": "a long enough pass phrase"}
    for method, url, data, refused in (
            ("GET", survey, None, 404), ("POST", survey, answers, 404),
            ("GET", invite, None, 410), ("POST", invite, password, 410),
            ("GET", board, None, 404), ("POST", confirm, None, 404)):
        response = client.open(url, method=method, data=data, base_url=A_HOST)
        body = response.get_data(as_text=True)
        assert response.status_code == refused, (method, url, response.status_code)
        assert not leaks(body, url), (method, url, leaks(body, url))
        assert "Zephyrbury" not in body, (method, url)
    assert _rows(owner) == before  # nothing of A's or B's changed

    # The same links on B's own host work: the refusals above are the council's.
    b_client = app.test_client()
    assert "Zephyrbury High School" in b_client.get(survey, base_url=B_HOST).get_data(
        as_text=True)
    assert b_client.get(invite, base_url=B_HOST).status_code == 200
    assert "Zephyrbury Youth Hub" in b_client.get(board, base_url=B_HOST).get_data(as_text=True)
    assert b_client.post(confirm, base_url=B_HOST).status_code == 302
    assert _rows(owner)["service"] != before["service"]  # B's listing is checked today
