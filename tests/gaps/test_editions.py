"""Every figure says where it comes from; incomplete areas are shown apart (issue 13)."""

from __future__ import annotations

import csv
import io

from app.geodata.indicators import import_rurality
from app.geodata.postcodes import import_postcodes
from tests.county import County
from tests.geodata.helpers import X0, Y0, import_small
from tests.geodata.helpers import csv as write_csv

RUC_MISSING_ONE = """lsoa21_code,ruc21_code,classification,ruc
E01000001,UF1,Urban: Further from a major town or city,Urban
E01000002,RSF1,Smaller rural: Further from a major town or city,Rural
E01000003,UF1,Urban: Further from a major town or city,Urban
"""


def setup_county(db, tmp_path):
    import_small(db.session, tmp_path)
    # Replace the RUC file with one that lacks E01000004.
    import_rurality(db.session, write_csv(tmp_path / "ruc.csv", RUC_MISSING_ONE), year=2021)
    pcs = "pcds,oseast1m,osnrth1m,doterm,usertype\n" + "".join(
        f"ZZ1 {n}AA,{X0 + 100 + 200 * n},{Y0 + 300},,0\n" for n in range(5))
    import_postcodes(db.session, write_csv(tmp_path / "NSPL_NOV_2021_UK_ZZ.csv", pcs),
                     source="ONS NSPL November 2021")
    county = County(db.session)
    county.service("Club", X0 + 500, Y0 + 500, service_type="open_access", cost_model="free",
                   status="active")
    county.commit()


def test_columns_downloads_and_attribution_carry_their_editions(client, auth, db, tmp_path):
    setup_county(db, tmp_path)
    auth.login_as("councillor")
    text = client.get("/gaps.csv?level=lsoa").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(text)))
    assert "young_people (Census 2021)" in header
    assert "imd_score (IMD 2025)" in header and "rural_share (RUC 2021)" in header
    assert "free_services" in header  # figures without an edition keep their plain key
    page = client.get("/gaps?level=lsoa").get_data(as_text=True)
    assert "Young people (Census 2021)" in page and "Rural share (RUC 2021)" in page
    legend = client.get("/api/v1/gaps?level=lsoa&figure=imd_score").get_json()
    assert legend["figures"]["imd_score"]["label"] == "IMD score (IMD 2025)"
    about = client.get("/about/data").get_data(as_text=True)
    assert "National Statistics Postcode Lookup (2021)" in about
    assert "Royal Mail copyright and database right 2021" in about
    assert "Royal Mail copyright and database right 2025" not in about


def test_an_area_without_a_rural_class_is_shown_incomplete(client, auth, db, tmp_path):
    setup_county(db, tmp_path)
    auth.login_as("councillor")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(
        client.get("/gaps.csv?level=lsoa").get_data(as_text=True)))}
    assert rows["E01000004"]["complete"] == "False"
    assert rows["E01000004"]["missing"] == "rurality"
    assert all(rows[c]["complete"] == "True" for c in ("E01000001", "E01000002", "E01000003"))
    assert float(rows["E01000004"]["gap_score"]) <= float(rows["E01000004"]["gap_score_max"])
    page = client.get("/gaps?level=lsoa").get_data(as_text=True)
    body = page.split('id="gap-table"')[1]
    row = body.split('data-code="E01000004"')[1].split("</tr>")[0]
    assert "incomplete" in row
    apart = page.split('id="gap-incomplete"')[1]
    assert "Testshire 002B" in apart and "no rurality figure" in apart
    assert "Testshire 001A" not in apart
    html = client.get("/map?level=lsoa").get_data(as_text=True)
    assert '"incomplete": true' in html and "incomplete: no rurality figure" in html
