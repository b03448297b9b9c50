"""Web addresses from files follow the organisation form's rule (issue 30): an Open
Referral upload with a ``javascript:`` website is refused as the form refuses it,
and no export serves a link that is not http(s), even one already stored."""

from __future__ import annotations

import io
import json

from app.models import Organisation
from tests.county import County
from tests.directory.helpers import make_geography, make_service

from .sweep import table_counts
from .test_upload_corpus import hsds_with

RULE = "must start with https:// (or http://) and name a website"
HOSTILE = ["javascript:alert(document.domain)", "JavaScript:alert(1)", "data:text/html,<b>x",
           "https://", "//evil.example/x", "https://evil.example/a b"]


def test_an_upload_with_a_javascript_website_is_refused_as_the_form_refuses_it(client, db,
                                                                              auth):
    make_geography(db.session)
    auth.login_as("commissioner")
    before = table_counts(db)
    doc = hsds_with(("organization", "website"), "javascript:alert(document.domain)")
    page = client.post("/directory/manage/import", data={
        "file": (io.BytesIO(json.dumps(doc).encode()), "other.json")},
        content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert f"<td>organization.website</td><td>{RULE}</td>" in html and "in other.json" in html
    assert table_counts(db) == before
    assert "javascript:" not in client.get("/directory/export.json").get_data(as_text=True)

    # The organisation form says the same of the same address.
    form = client.post("/partners/organisations", data={
        "name": "Cityton Youth Trust", "kind": "charity",
        "website": "javascript:alert(document.domain)"})
    assert form.status_code == 400 and f"The web address {RULE}" in form.get_data(as_text=True)
    assert table_counts(db) == before


def test_the_form_refuses_every_address_an_import_refuses(client, db, auth):
    auth.login_as("commissioner")
    for website in HOSTILE:
        page = client.post("/partners/organisations", data={
            "name": "Cityton Youth Trust", "kind": "charity", "website": website})
        assert page.status_code == 400, website
    ok = client.post("/partners/organisations", data={
        "name": "Cityton Youth Trust", "kind": "charity", "website": " https://cityton.example "})
    assert ok.status_code == 302
    assert db.session.query(Organisation).one().website == "https://cityton.example"


def test_exports_never_serve_a_link_that_is_not_http(client, db):
    """Defence in depth: addresses stored before the imports checked them (or written
    by hand into the database) are left out of every Open Referral export."""
    make_geography(db.session)
    county = County(db.session)
    for n, website in enumerate(HOSTILE[:3] + ["https://cityton.example/club"]):
        county.organisation(f"Org {n}", website=website)
    county.commit()
    for n in range(4):
        make_service(db.session, name=f"Club {n}", organisation=f"Org {n}")
    for url in ("/directory/export.json", "/api/v1/services"):
        body = client.get(url).get_data(as_text=True)
        sites = [s["organization"].get("website") for s in json.loads(body)["contents"]]
        assert sorted(sites, key=str) == [None, None, None, "https://cityton.example/club"], url
        assert "javascript:" not in body.lower() and "data:" not in body
