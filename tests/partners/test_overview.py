"""The partners page for commissioners and councillors, and what the Open Referral
API says about each listing's organisation and last check."""

from __future__ import annotations

from datetime import date, timedelta

from app.models import Organisation

from .helpers import make_stale, two_organisations


def test_partners_page_shows_who_runs_what_and_single_partner_areas(client, auth, db):
    from tests.directory.helpers import make_service

    ours, theirs, mine, other = two_organisations(db)
    # Both organisations run something in Cityton Centre; only the trust in Farfield and
    # only the club in Marketbury.  A closed listing does not count.
    make_service(db.session, name="Trust Cityton Club", organisation=theirs.name,
                 cost_model="monthly", cost_amount=10, funding_end=date.today()
                 + timedelta(days=100), age_min=13, age_max=19)
    make_service(db.session, name="Boxing Marketbury", organisation=ours.name,
                 postcode="ZZ2 2BB", x=353000.0, y=241000.0, lsoa_code="E01000002")
    make_service(db.session, name="Closed Farfield Club", organisation=ours.name,
                 postcode="ZZ3 3CC", x=355000.0, y=241000.0, lsoa_code="E01000003",
                 status="closed")
    make_stale(db, other)
    auth.login_as("councillor")
    resp = client.get("/partners")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    # Independent answer: areas (the parish level is there only for Farfield in the tiny
    # geography) where exactly one organisation runs all active placed listings.
    single = page.split('id="single-partner-areas"')[1].split("</table>")[0]
    assert "<td>Farfield</td><td>Farfield Youth Trust</td><td>1</td>" in single
    assert "Cityton Boxing Club" not in single
    table = page.split('id="partners-table"')[1].split("</table>")[0]
    trust_row = table.split("Farfield Youth Trust")[1].split("</tr>")[0]
    assert "2 active" in trust_row and "1 free; £10 a month" in trust_row
    assert (date.today() + timedelta(days=100)).strftime("%-d %b %Y") in trust_row
    assert "1 of 2" in trust_row  # one of its two open listings confirmed recently
    club_row = table.split("Cityton Boxing Club")[1].split("</tr>")[0]
    assert "2 active, 1 paused or closed" in club_row and "2 of 2" in club_row
    # Councillors see it but cannot reach the commissioners' partner pages.
    assert "Changes to review" not in page
    assert client.get("/partners/review").status_code == 403


def test_the_api_shows_each_listings_organisation_and_last_check(client, db):
    ours, _, mine, _ = two_organisations(db)
    one = client.get(f"/api/v1/services/{mine.id}").get_json()
    assert one["organization"]["name"] == "Cityton Boxing Club"
    assert one["organization"]["yvm:kind"] == "volunteer"
    assert one["yvm:last_checked"] == date.today().isoformat() == one["assured_date"]
    listed = client.get("/api/v1/services").get_json()["contents"]
    assert {s["name"]: s["organization"]["name"] for s in listed} == {
        "Cityton Boxing": "Cityton Boxing Club", "Farfield Drop-in": "Farfield Youth Trust"}


def test_commissioner_sets_up_an_organisation_and_trusts_it(client, auth, db):
    auth.login_as("commissioner")
    resp = client.post("/partners/organisations", data={"name": "Wyeside NHS", "kind": ""})
    assert resp.status_code == 400 and "Choose the kind" in resp.get_data(as_text=True)
    client.post("/partners/organisations", data={"name": "Wyeside NHS", "kind": "nhs"})
    org = db.session.query(Organisation).filter_by(name="Wyeside NHS").one()
    dup = client.post("/partners/organisations", data={"name": "wyeside nhs", "kind": "nhs"})
    assert dup.status_code == 400 and "already an organisation" in dup.get_data(as_text=True)
    client.post(f"/partners/organisations/{org.id}", data={"name": "Wyeside NHS", "kind": "nhs",
                                                           "trusted": "y"})
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).trusted is True


def test_the_partners_page_asks_as_many_questions_for_many_listings_as_for_few(
        client, auth, db):
    """Each listing's area is found for all of them at once: before, every listing cost
    the page queries of its own (116 statements for the demo county, 10 now)."""
    from sqlalchemy import event

    from tests.directory.helpers import make_service

    two_organisations(db)
    auth.login_as("commissioner")

    def statements_for_the_page(expected: int) -> int:
        seen = []
        listen = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            page = client.get("/partners").get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        table = page.split('id="partners-table"')[1].split("</table>")[0]
        assert f"{expected} active" in table.split("Farfield Youth Trust")[1].split("</tr>")[0]
        return len(seen)

    client.get("/partners")  # the first request's one-off look-ups
    few = statements_for_the_page(1)
    for n in range(12):
        make_service(db.session, name=f"Farfield Club {n}", organisation="Farfield Youth Trust",
                     postcode="ZZ3 3CC", x=355000.0 + n, y=241000.0, lsoa_code="E01000003")
    client.get("/partners")
    assert statements_for_the_page(13) == few


def test_the_partners_page_works_before_any_boundaries_are_imported(client, auth, db):
    """A new council lists its partners' services before it imports its areas: the page
    shows them, with no area to name, instead of failing."""
    from tests.county import County

    county = County(db.session)
    county.organisation("Early Trust", kind="charity")
    county.service("Early Drop-in", 351000.0, 241000.0, organisation="Early Trust",
                   sessions=[(0, "18:00", "20:00")])
    county.commit()
    auth.login_as("commissioner")
    resp = client.get("/partners")
    assert resp.status_code == 200
    table = resp.get_data(as_text=True).split('id="partners-table"')[1].split("</table>")[0]
    assert "1 active" in table.split("Early Trust")[1].split("</tr>")[0]
