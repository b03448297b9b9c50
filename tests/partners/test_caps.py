"""Caps on what one partner can put in front of the council (issue 30): a CSV of
more rows than ``PARTNER_IMPORT_MAX_ROWS`` and changes past
``PARTNER_PENDING_MAX`` in the review queue are refused whole, naming the cap,
with nothing stored."""

from __future__ import annotations

import csv
import io

import pytest

from app.models import AuditEvent, ListingChange, Service

from .helpers import form_for, two_organisations


@pytest.fixture
def app_config():
    return {"PARTNER_IMPORT_MAX_ROWS": 20, "PARTNER_PENDING_MAX": 5}


def _csv(client, names: list[str]) -> bytes:
    """The partner's own export with one new listing per name added."""
    rows = list(csv.DictReader(io.StringIO(client.get("/partner/export.csv").get_data(
        as_text=True))))
    template = dict(rows[0], easting="", northing="", lsoa_code="")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(dict(template, name=name) for name in names)
    return out.getvalue().encode()


def _upload(client, body: bytes):
    return client.post("/partner/import", data={"file": (io.BytesIO(body), "ours.csv")})


def _nothing_stored(db, services: int) -> None:
    db.session.expire_all()
    assert db.session.query(ListingChange).count() == 0
    assert db.session.query(Service).count() == services
    assert db.session.query(AuditEvent).filter_by(action="propose change").count() == 0


def test_a_csv_over_the_row_cap_is_refused_whole(client, auth, db):
    ours, *_ = two_organisations(db, trusted=True)  # even a trusted one: live at once
    auth.login_as("partner", organisation=ours)
    services = db.session.query(Service).count()
    refused = _upload(client, _csv(client, [f"Club {n}" for n in range(3000)]))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "has 3000 rows, more than the 20 a partner&#39;s import may have" in page
    _nothing_stored(db, services)
    assert _upload(client, _csv(client, [f"Club {n}" for n in range(20)])).status_code == 302
    db.session.expire_all()
    assert db.session.query(Service).count() == services + 20


def test_the_review_queue_takes_a_capped_number_of_one_organisations_changes(
        client, auth, db):
    ours, _, mine, _ = two_organisations(db)
    auth.login_as("partner", organisation=ours)
    services = db.session.query(Service).count()
    # Six new listings would make six changes waiting: over the cap of five.
    refused = _upload(client, _csv(client, [f"Club {n}" for n in range(6)]))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert ("Cityton Boxing Club already has 0 changes waiting for the council&#39;s review, "
            "and these 6 changes would pass the limit of 5") in page
    _nothing_stored(db, services)
    # Four fit; then the form's fifth fits; a sixth does not, beside the form.
    assert _upload(client, _csv(client, [f"Club {n}" for n in range(4)])).status_code == 302
    new = form_for(mine, name="Cityton Girls Boxing")
    assert client.post("/partner/listings/new", data=new).status_code == 302
    waiting = db.session.query(ListingChange).filter_by(status="pending").count()
    assert waiting == 5
    over = client.post("/partner/listings/new", data=form_for(mine, name="One too many"))
    assert over.status_code == 400
    assert "already has 5 changes waiting" in over.get_data(as_text=True)
    assert "would pass the limit of 5" in over.get_data(as_text=True)
    # An edit of a live listing with nothing waiting would be a sixth.
    edit = form_for(mine, **{"sessions-0-start": "18:30", "sessions-0-end": "20:30"})
    assert client.post(f"/partner/listings/{mine.id}/edit", data=edit).status_code == 400
    db.session.expire_all()
    assert db.session.query(ListingChange).filter_by(status="pending").count() == 5
    # Once the council reviews one, there is room again.
    auth.login_as("commissioner")
    first = db.session.query(ListingChange).filter_by(status="pending").first()
    assert client.post(f"/partners/review/{first.id}",
                       data={"decision": "approve"}).status_code == 302
    auth.login_as("partner", organisation=ours)
    assert client.post(f"/partner/listings/{mine.id}/edit", data=edit).status_code == 302
    # At the cap, a new edit of a listing with a change waiting replaces that change.
    edit["sessions-0-end"] = "21:00"
    assert client.post(f"/partner/listings/{mine.id}/edit", data=edit).status_code == 302
    db.session.expire_all()
    assert db.session.query(ListingChange).filter_by(status="pending").count() == 5
    assert db.session.query(ListingChange).filter_by(status="withdrawn").count() == 1
