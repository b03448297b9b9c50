"""The national page and downloads on the demo county: this deployment's own release
from its published snapshot, its gap table and its directory."""

from __future__ import annotations

import csv
import io
import json

from app.publication import totals


def test_demo_county_release_on_the_page_and_downloads(client, db, demo_county):
    published = totals(db.session)["all"]
    html = client.get("/national").get_data(as_text=True)
    assert "West Midlands" in html and "published 20" in html
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(
        client.get("/national/national.csv").get_data(as_text=True)))}
    council = rows["E06000019"]
    # People counts as published: whole fives; survey answers as the snapshot says.
    young = int(council["young_people"])
    assert young > 0 and young % 5 == 0
    assert council["reached"] == "[c]" or int(council["reached"]) % 5 == 0
    assert council["responses"] == str(published)
    assert int(council["services"]) > 0 and council["services_per_1000"]
    assert rows["E92000001"]["young_people"] == council["young_people"]
    doc = json.loads(client.get("/national/openreferral.json").get_data(as_text=True))
    assert doc["total_items"] > 0
    assert {s["yvm:council_code"] for s in doc["contents"]} == {"E06000019"}
