"""A councillor's own ward (issue 15): chosen once, first on the dashboard, and a
one-page report (HTML and PDF) whose figures are the ranked table's own."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from tests.county import County
from tests.polling import fetch_pdf

from ..conftest import make_user

NEAR = "E05000001"
FAR = "E05000002"
NEAR_NAME = 'Northmoor & "Vale" <b>'
CENTRE = (380_000, 260_000)
FAR_CENTRE = (380_000 + 80_000, 260_000)  # 80 km: beyond any 30-minute reach


def build(session) -> dict:
    """Two wards: one with a free club 300 m from its centre (funding ending in two
    months) and 20 responses (10 naming cost); one far away with 3 responses."""
    county = County(session)
    for n, (code, name, centre) in enumerate(((NEAR, NEAR_NAME, CENTRE),
                                              (FAR, "Farholm", FAR_CENTRE)), start=1):
        # Each ward is one LSOA (ward figures are built from LSOAs).
        county.lsoa(f"E0100000{n}", f"LSOA {n}", centre=centre, size=3_000, indicators={
            "population_total": 3000, "population_age_13_19": 240, "imd_score": 30.0,
            "idaci_score": 0.25, "rural": 0.0})
        county.ward(code, name, centre=centre, size=3_000)
    county.service("Northmoor Youth Club", CENTRE[0] + 300, CENTRE[1], key="near",
                   service_type="open_access", cost_model="free", status="active",
                   funding_end=timedelta(days=60), funding_source="Lottery",
                   sessions=[(2, "18:00", "20:00")])
    county.service("Farholm Boxing", FAR_CENTRE[0], FAR_CENTRE[1], key="far",
                   service_type="sport", cost_model="monthly", cost_amount=20,
                   status="active", sessions=[(3, "18:00", "19:30")])
    county.survey("youth", title="Youth survey")
    county.responses("youth", NEAR, 20, answers=[
        {"barriers": "too_expensive" if k < 10 else "other"} for k in range(20)])
    county.responses("youth", FAR, 3, answers={"barriers": "too_expensive"})
    county.publish()
    return county.ids


@pytest.fixture
def wards(db):
    return build(db.session)


def table_row(client, code: str) -> dict:
    """The ranked table's CSV row for ``code`` (what a councillor can download)."""
    body = client.get("/gaps.csv?level=ward").get_data(as_text=True)
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(body))}
    return rows[code]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_councillor_chooses_a_ward_and_the_dashboard_leads_with_it(client, auth, db, wards):
    user = auth.login_as("councillor")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Choose the ward you look after" in page
    assert f'<option value="{NEAR}">Northmoor &amp; &#34;Vale&#34; &lt;b&gt;</option>' in page

    response = client.post("/dashboard/ward", data={"ward": NEAR})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/dashboard#your-ward")
    db.session.refresh(user)
    assert user.ward_code == NEAR

    page = client.get("/dashboard").get_data(as_text=True)
    ward_at = page.index("Your ward: Northmoor &amp; &#34;Vale&#34; &lt;b&gt;")
    assert ward_at < page.index("Across the county") < page.index("Where provision is most")
    panel = text_of(page[ward_at:page.index("Across the county")])
    assert "Northmoor Youth Club" in panel and "Farholm Boxing" not in panel
    assert "About to lose funding" in panel and "Lottery" in panel
    assert f'href="/ward/{NEAR}"' in page
    assert "<b>" not in page  # the hostile name is escaped everywhere


def test_an_unknown_ward_is_refused_beside_the_field_and_nothing_is_stored(
        client, auth, db, wards):
    user = auth.login_as("councillor")
    response = client.post("/dashboard/ward", data={"ward": "E05999999"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="ward-error"' in page and "Choose a ward from the list" in page
    assert 'href="#ward"' in page  # the error summary links to the field
    db.session.refresh(user)
    assert user.ward_code is None


def test_only_roles_that_read_the_gap_figures_may_choose_a_ward(client, auth, wards):
    auth.login_as("safeguarding")
    assert client.post("/dashboard/ward", data={"ward": NEAR}).status_code == 403
    assert "Your ward" not in client.get("/dashboard").get_data(as_text=True)
    assert client.get(f"/ward/{NEAR}").status_code == 403


def test_the_ward_report_agrees_with_the_ranked_table(client, auth, wards):
    auth.login_as("commissioner")
    row = table_row(client, NEAR)
    html = client.get(f"/ward/{NEAR}").get_data(as_text=True)
    text = text_of(html)
    assert "Northmoor &amp; &#34;Vale&#34; &lt;b&gt;" in html
    # Score and rank: the table's figures, in words.
    score = f"{float(row['gap_score']):.0f}"
    assert re.search(rf"Gap score \(out of 100\) {re.escape(score)}\b", text)
    rank = int(float(row["rank"]))
    suffix = {1: "st", 2: "nd"}.get(rank, "th")
    assert f"{rank}{suffix} biggest gap of 2 wards" in text
    # Young people: 240 aged 13-19 (the ward's own indicator).
    assert "Young people aged 13 to 19 240" in text
    # What reaches them: the one service 300 m away (the other is 80 km off).
    assert "1 service of any kind within 30 minutes by bus" in text
    assert "Northmoor Youth Club" in text and "Farholm Boxing" not in text
    # What they said: the share is the published count over the published total.
    responses = int(float(row["responses"]))
    cites = int(float(row["cites_cost"]))
    assert f"{responses} survey responses from the ward" in text
    assert f"{round(100 * cites / responses)}% named cost" in text


def test_a_ward_with_few_responses_shows_no_count_and_no_share(client, auth, wards):
    auth.login_as("councillor")
    text = text_of(client.get(f"/ward/{FAR}").get_data(as_text=True))
    assert "Too few survey responses from this ward to show ([c])" in text
    assert not re.search(r"\d+% named", text)
    assert " 3 survey responses" not in text


def test_an_unknown_ward_report_is_a_404(client, auth, wards):
    auth.login_as("councillor")
    assert client.get("/ward/E05999999").status_code == 404
    assert client.get("/ward/E05999999.pdf").status_code == 404


def test_the_ward_report_pdf_is_one_a4_page(client, auth, wards):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    auth.login_as("councillor")
    response = fetch_pdf(client, f"/ward/{NEAR}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
        210, 297)
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert 'Northmoor & "Vale" <b>' in text
    assert "What reaches them" in text and "Northmoor Youth Club" in text
    assert "About to lose funding" in text
    assert "Sign out" not in text and "Make this report as a PDF" not in text


def test_a_user_with_no_areas_gets_no_ward_chooser(client, db):
    from ..conftest import TEST_PASSWORD

    make_user(db, "councillor", email="c@example.org")
    client.post("/login", data={"email": "c@example.org", "password": TEST_PASSWORD})
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Your ward" not in page


def test_the_ward_report_names_the_deprivation_figure_its_score_uses(client, auth, db):
    # IDACI 2019 official rank 3,285 of 32,844 (the 90th national percentile) and an
    # approximate rate too: the report shows the rank the score uses, with its year.
    county = County(db.session, years={"idaci_rank": 2019, "idaci_rate_approx": 2019})
    county.lsoa("E01000001", "LSOA 1", centre=CENTRE, size=3_000, indicators={
        "population_total": 3000, "population_age_13_19": 240, "imd_score": 30.0,
        "idaci_rank": 3285, "idaci_rate_approx": 0.31, "rural": 1.0})
    county.ward(NEAR, "Northmoor", centre=CENTRE, size=3_000)
    county.commit()
    auth.login_as("commissioner")
    text = text_of(client.get(f"/ward/{NEAR}").get_data(as_text=True))
    assert ("On income deprivation affecting children (IDACI 2019, the official national "
            "rank its gap score uses), its young people's neighbourhoods are on average more "
            "deprived than 90% of England's.") in text
    assert "31% of its children" not in text
    assert "100% of its young people live in rural places" in text
    assert "of its people" not in text
    # The ranked table's deprivation column is the same measure, with its edition.
    table = text_of(client.get("/gaps?level=ward").get_data(as_text=True))
    assert "IDACI national percentile (IDACI 2019)" in table
