"""A commissioner invites a partner's contact by a one-time, expiring link."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.models import AuditEvent, Organisation, OrganisationContact, PartnerInvite, User
from app.partners.invites import create_invite, token_hash

GOOD = "lantern orbit kettle river"


def _invite_link(client, auth, db) -> tuple[str, Organisation]:
    auth.login_as("commissioner")
    resp = client.post("/partners/organisations", data={"name": "Kestrel Police Cadets",
                                                        "kind": "police"})
    assert resp.status_code == 302
    org = db.session.query(Organisation).filter_by(name="Kestrel Police Cadets").one()
    resp = client.post(f"/partners/organisations/{org.id}/contacts",
                       data={"name": "Sam Okafor", "email": "Sam.Okafor@police.example"})
    assert resp.status_code == 302
    contact = db.session.query(OrganisationContact).one()
    page = client.post(f"/partners/contacts/{contact.id}/invite").get_data(as_text=True)
    link = re.search(r'value="(http://[^"]+/partners/invite/[^"]+)"', page)[1]
    assert "<svg" in page and "QR code of the invitation link" in page
    auth.logout()
    return link.split("localhost", 1)[-1], org


def test_invited_contact_signs_up_once_and_lands_on_their_listings(client, auth, db):
    path, org = _invite_link(client, auth, db)
    token = path.rsplit("/", 1)[1]
    # Only a hash of the token is stored.
    stored = db.session.query(PartnerInvite).one()
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash
    page = client.get(path)
    assert page.status_code == 200 and "sam.okafor@police.example" in page.get_data(as_text=True)
    weak = client.post(path, data={"password": "password1", "confirm": "password1"})
    assert weak.status_code == 400 and "too common" in weak.get_data(as_text=True)
    assert db.session.query(User).filter_by(role="partner").count() == 0
    done = client.post(path, data={"password": GOOD, "confirm": GOOD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    user = db.session.query(User).filter_by(email="sam.okafor@police.example").one()
    assert user.role == "partner" and user.organisation_id == org.id
    assert db.session.query(AuditEvent).filter_by(action="accept invite").count() == 1
    # Used: refused, and nothing changes.
    again = client.post(path, data={"password": "another fine long phrase", "confirm":
                                    "another fine long phrase"})
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    # The partner signs in and starts on their own listings page.
    resp = client.post("/login", data={"email": "sam.okafor@police.example", "password": GOOD})
    assert resp.headers["Location"].endswith("/partner")
    assert client.get("/partner").status_code == 200
    assert client.get("/dashboard").status_code == 403


def test_expired_replaced_and_unknown_links_are_refused(client, db):
    org = Organisation(name="Marlbridge Scouts", kind="volunteer")
    contact = OrganisationContact(organisation=org, name="Jo", email="jo@scouts.example")
    db.session.add_all([org, contact])
    db.session.flush()
    _, old_token = create_invite(db.session, contact, by=None, days=14)
    past = datetime.now(UTC) - timedelta(days=20)
    _, expired = create_invite(db.session, contact, by=None, days=14, now=past)
    db.session.commit()
    resp = client.get(f"/partners/invite/{expired}")
    assert resp.status_code == 410 and "expired" in resp.get_data(as_text=True)
    # The older link was replaced when the (now expired) newer one was made.
    resp = client.post(f"/partners/invite/{old_token}",
                       data={"password": GOOD, "confirm": GOOD})
    assert resp.status_code == 410 and "newer link" in resp.get_data(as_text=True)
    resp = client.get("/partners/invite/not-a-real-token")
    assert resp.status_code == 410 and "not valid" in resp.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_an_invite_never_turns_a_council_account_into_a_partner(client, db):
    from ..conftest import make_user

    before = make_user(db, "commissioner", email="both@example.org").password_hash
    org = Organisation(name="Dual Org", kind="charity")
    contact = OrganisationContact(organisation=org, name="B", email="both@example.org")
    db.session.add_all([org, contact])
    db.session.flush()
    _, token = create_invite(db.session, contact, by=None, days=14)
    db.session.commit()
    resp = client.post(f"/partners/invite/{token}", data={"password": GOOD, "confirm": GOOD})
    assert resp.status_code == 400 and "already exists" in resp.get_data(as_text=True)
    user = db.session.query(User).filter_by(email="both@example.org").one()
    assert user.role == "commissioner" and user.organisation_id is None
    assert user.password_hash == before

