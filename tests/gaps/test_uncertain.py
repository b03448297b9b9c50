"""Areas whose young people are placed on too few postcodes are marked uncertain (issue 24)."""

from __future__ import annotations

import re

from tests.county import County
from tests.gaps.seed import CENTRES, seed

SOURCE = "NSPL November 2021, HR and LD areas; 1 LSOAs with partial or no postcode coverage"


def test_the_ranked_table_and_the_api_mark_uncertain_areas(client, auth, db):
    seed(db.session)
    coverage = County(db.session, source=SOURCE, years={"postcode_uncertain": 2021})
    for code in CENTRES:
        coverage.indicators(code, {"postcode_uncertain": 1.0 if code == "E0000006" else 0.0})
    coverage.ward("E05000006", "Farside", centre=CENTRES["E0000006"], size=2_000)
    coverage.ward("E05000001", "Nearside", centre=CENTRES["E0000001"], size=2_000)
    coverage.commit()
    auth.login_as("councillor")
    api = client.get("/api/v1/gaps?level=lsoa").get_json()
    marked = {a["code"]: a["uncertain"] for a in api["areas"]}
    assert marked == {code: code == "E0000006" for code in CENTRES}
    assert api["sources"]["uncertain"]["source"] == SOURCE
    page = client.get("/gaps?level=lsoa").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-code="(E\d+)" role="row">(.*?)</tr>', page, re.S))
    assert set(rows) == set(CENTRES)
    tagged = {code for code, html in rows.items() if ">uncertain</span>" in html}
    assert tagged == {"E0000006"}
    csv_text = client.get("/gaps.csv?level=lsoa").get_data(as_text=True)
    assert "uncertain" in csv_text.splitlines()[0].split(",")
    # The ward report says so, in words; a ward without such LSOAs does not.
    far = client.get("/ward/E05000006").get_data(as_text=True)
    assert "<strong>Uncertain:</strong> 100% of its young people live in neighbourhoods " \
        "where the postcode files have few or no postcodes" in far
    assert "Uncertain:" not in client.get("/ward/E05000001").get_data(as_text=True)
    wards = client.get("/gaps.geojson?level=ward").get_json()
    assert {f["properties"]["code"]: f["properties"]["uncertain"]
            for f in wards["features"]} == {"E05000006": True, "E05000001": False}
