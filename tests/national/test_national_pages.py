"""The public national page, its CSV and its HSDS 3 download."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.directory import openreferral
from tests.conftest import OPENREFERRAL

from .support import FORMULA, HOSTILE, feed

SCHEMA = OPENREFERRAL / "schema"


def test_this_deployment_before_any_figures(client):
    """One council, no geography, no snapshot: the page says so; nothing is invented."""
    html = client.get("/national").get_data(as_text=True)
    assert "Herefordshire Council" in html and "E06000019" in html
    assert "no snapshot yet" in html and "West Midlands" in html
    assert "No council has published survey results yet." in html
    assert "own published snapshot" in html
    # No population figures yet: not a part of any sum, so not shown as hidden either.
    assert "[c]</abbr>" not in html


def test_page_by_region_and_council_with_hidden_figures(client, db, monkeypatch):
    feed(monkeypatch, db)
    resp = client.get("/national")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    # England: 1,500 young people shown, Gamma's hidden: "at least", 1 hidden.
    assert "at least 1,500" in html and "(1 hidden)" in html
    assert "[c]</abbr>" in html  # Gamma's own young people
    assert "North East" in html and "South West" in html
    assert "The snapshots are dated from 2026-11-23 to 2026-12-01." in html
    assert "published 2026-11-30" in html
    assert "60%" in html and "(1 of 3 councils)" in html  # England's reach share
    assert "23%" in html  # 70 of 300 said cost
    # Hostile council names are text, never markup.
    assert HOSTILE not in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Council&#34;" in html
    # The small-area map carries gap figures: the public get a sentence, not the map.
    assert 'id="national-map-staff"' in html and 'id="nmap-title"' not in html


def test_a_reader_gets_the_small_area_map_on_the_national_page(client, db, auth,
                                                               monkeypatch):
    feed(monkeypatch, db)
    auth.login_as("councillor")
    html = client.get("/national").get_data(as_text=True)
    assert 'id="nmap-title"' in html and 'id="national-map-staff"' not in html
    assert "flask tiles build" in html  # none built yet, and the page says what to do


def test_csv_is_the_table_and_cannot_carry_a_formula(client, db, monkeypatch):
    feed(monkeypatch, db)
    resp = client.get("/national/national.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [r["level"] for r in rows] == ["council"] * 3 + ["region"] * 2 + ["england"]
    by_code = {r["code"]: r for r in rows}
    assert by_code["E06000002"]["name"] == "'" + FORMULA  # shown as text in a spreadsheet
    assert not any(v.startswith("=") for r in rows for v in r.values())
    eng = by_code["E92000001"]
    assert (eng["young_people"], eng["young_people_hidden_parts"]) == ("1500", "1")
    assert (eng["services"], eng["services_per_1000"], eng["reach_share_percent"]) == (
        "17", "10.00", "60")
    gamma = by_code["E07000003"]
    assert gamma["young_people"] == "[c]" and gamma["snapshot_date"] == "2026-12-01"
    assert gamma["licence"] == "Open Government Licence v3.0"
    assert gamma["attribution"] == f"Contains data from {HOSTILE}."
    assert by_code["E12000009"]["services_per_1000"] == ""  # no council with both shown


@pytest.mark.skipif(not SCHEMA.is_dir(), reason="shared/openreferral is missing")
def test_hsds_has_every_councils_services_with_its_licence(client, db, monkeypatch):
    councils = feed(monkeypatch, db)
    resp = client.get("/national/openreferral.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = json.loads(resp.get_data(as_text=True))
    assert openreferral.validation_errors(doc, SCHEMA) == []
    assert doc["total_items"] == 3 and len(doc["contents"]) == 3
    by_council = {s["yvm:council_code"]: s for s in doc["contents"]}
    for release in councils:
        item = by_council[release.code]
        assert item["yvm:council"] == release.name
        assert item["yvm:licence"] == release.licence
        assert item["yvm:licence_url"] == release.licence_url
        assert item["yvm:attribution"] == release.attribution
    assert [c["code"] for c in doc["yvm:councils"]] == [r.code for r in councils]
    # Each council's identifiers are in its own scope, so two councils never share one.
    assert len({s["id"] for s in doc["contents"]}) == 3


def test_page_in_polish(client, db, monkeypatch):
    feed(monkeypatch, db)
    html = client.get("/national", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Oferta dla młodzieży w całej Anglii" in html
    assert "co najmniej 1,500" in html and "(1 ukryta)" in html
    assert "(2 rady)" in html  # the North East's two councils, in the plural form for 2


def test_answers_csv_by_council_region_and_england(client, db, monkeypatch):
    feed(monkeypatch, db)
    rows = list(csv.DictReader(io.StringIO(
        client.get("/national/answers.csv").get_data(as_text=True))))
    got = {(r["code"], r["answer"]): r for r in rows}
    assert got[("E07000003", "Cost")]["people"] == "[c]"  # Gamma's own, hidden
    assert got[("E06000002", "Cost")]["name"] == "'" + FORMULA
    eng = got[("E92000001", "Cost")]
    assert (eng["people"], eng["people_hidden_parts"], eng["share_percent"],
            eng["share_councils"]) == ("70", "1", "23", "2")
    assert got[("E12000001", "Transport")]["people"] == "[c]"  # Alpha's hidden, alone
    assert {r["level"] for r in rows} == {"council", "region", "england"}
    assert client.get("/national/other.csv").status_code == 404
