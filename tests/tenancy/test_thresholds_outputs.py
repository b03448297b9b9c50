"""Per-council disclosure thresholds, every output kind (docs/DISCLOSURE.md,
"Per-council thresholds").

Two councils hold the same county and the same answers.  The deployment hides
counts from 1 to 4; council A has raised its threshold to 10 with
``flask councils add --settings``, council B keeps the deployment's.  LSOA 1 has
exactly 7 answers (all ticking "It costs too much"), with a cell key that the
p-table gives no change: B shows it (as 5), A hides it, in the published snapshot,
the results page and CSV, the gap table's CSV, GeoJSON and API, the ward page and
its PDF, the evidence pack, the national picture and the planning pages' rule.
Every expected value comes from ``thresholds_support.expected`` (the p-table row as
docs/DISCLOSURE.md prints it, worked by hand), not from the code under test.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from app.models import use_council
from tests.tenancy import thresholds_support as ts

SEVEN = ts.SEVEN
A, B = ts.A_THRESHOLD, ts.DEPLOYMENT["DISCLOSURE_MAX_SUPPRESSED"]


@pytest.fixture
def app_config():
    # A PDF's page always goes to its job's progress page (no waiting for it inline).
    return {**ts.DEPLOYMENT, "JOBS_WAIT_SECONDS": 0}


@pytest.fixture(autouse=True)
def _default_council_as_it_was(db):
    yield
    ts.reset_default_council(db)


@pytest.fixture
def setup(app, db, runner):
    made = ts.two_councils(db, runner)
    made.clients = {n: ts.client_for(app, made.users, n) for n in ("a", "b")}
    return made


def get(setup, name: str, url: str):
    response = setup.clients[name].get(url, base_url=f"http://{name}.example")
    assert response.status_code == 200, (name, url, response.status_code)
    return response


def shown(value) -> str:
    return "[c]" if value is None else f"{value:,}"


def test_the_hand_calculation_hides_seven_for_a_and_shows_it_for_b():
    assert ts.expected_in(SEVEN, B) == 5
    assert ts.expected_in(SEVEN, A) is None
    assert ts.expected_in("E01000003", A) is None and ts.expected_in("E01000003", B) == 15
    assert ts.expected_in("E01000004", A) == 15 == ts.expected_in("E01000004", B)


def test_the_snapshot_uses_each_councils_threshold(setup, db):
    from app import publication

    for name, council, threshold in (("a", setup.a, A), ("b", setup.b, B)):
        with use_council(council):
            db.session.rollback()
            _total, tables, snap = publication.survey_tables(db.session, "youth")
            assert snap.method["suppressed"] == f"1-{threshold}"
            area = next(t for t in tables if t.id == "area")
            by_code = dict(zip(area.codes, area.values, strict=True))
            for code in ts.LSOAS:
                assert by_code[code] == ts.expected_in(code, threshold), (name, code)
            if name == "a":  # nothing A publishes is a count from 1 to 10
                for table in tables:
                    for value in [table.total, *table.values]:
                        assert value is None or value == 0 or value > A, (table.id, value)
            db.session.rollback()


def test_results_page_and_csv(setup):
    for name, threshold in (("a", A), ("b", B)):
        page = get(setup, name, "/results/youth").get_data(as_text=True)
        cell = re.search(r'<th scope="row">Middle LSOA 1</th><td class="num">(.*?)</td>', page)
        want = ts.expected_in(SEVEN, threshold)
        assert ("[c]" in cell.group(1)) if want is None else cell.group(1) == str(want)
        rows = list(csv.reader(io.StringIO(get(setup, name, "/results/youth/tables.csv")
                                           .get_data(as_text=True))))
        assert ["Answers by area", "Middle LSOA 1", "Answers", shown(want)] in rows
        cost = ["What stops you doing things you would like to do?", "It costs too much",
                "Answers", shown(want)]
        assert cost in rows  # the same seven people, the same cell key


def test_gap_table_csv_geojson_and_api(setup):
    for name, threshold in (("a", A), ("b", B)):
        want = {code: ts.expected_in(code, threshold) for code in ts.LSOAS}
        api = get(setup, name, "/api/v1/gaps?level=lsoa").get_json()
        assert api["disclosure"]["suppressed"] == f"1-{threshold}"
        assert {a["code"]: a["responses"] for a in api["areas"]} == want
        assert {a["code"]: a["cites_cost"] for a in api["areas"]}[SEVEN] == want[SEVEN]
        geo = get(setup, name, "/gaps.geojson?level=lsoa").get_json()
        assert {f["properties"]["code"]: f["properties"]["responses"]
                for f in geo["features"]} == want
        rows = csv.DictReader(io.StringIO(get(setup, name, "/gaps.csv?level=lsoa")
                                          .get_data(as_text=True)))
        assert {r["code"]: r["responses"] for r in rows} == {
            c: "" if v is None else str(v) for c, v in want.items()}


def test_ward_page_and_evidence_pack(setup):
    for name, threshold in (("a", A), ("b", B)):
        want = ts.expected_in(SEVEN, threshold)  # Ward One is LSOA 1
        ward = get(setup, name, f"/ward/{ts.WARD1}").get_data(as_text=True)
        if want is None:
            assert "Too few survey responses from this ward to show ([c])" in ward
            assert "survey responses from the ward (of" not in ward
        else:
            assert f"{want} survey responses from the ward" in ward
        evidence = get(setup, name, "/evidence?level=lsoa").get_data(as_text=True)
        row = re.search(r'<tr data-code="E01000001".*?</tr>', evidence, re.S).group(0)
        responses = re.search(r'data-label="Responses">(.*?)</td>', row, re.S).group(1)
        assert responses.strip() == shown(want), (name, responses)


def test_ward_pdf(setup, app):
    """The ward report PDF, asked for on each council's host as a person would: its
    background job runs as the job's council and the PDF uses that council's rule."""
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    from tests.polling import poll

    try:
        for name, threshold in (("a", A), ("b", B)):
            client, host = setup.clients[name], f"http://{name}.example"
            first = client.get(f"/ward/{ts.WARD1}.pdf", base_url=host)
            assert first.status_code == 303, (name, first.status_code)
            progress = first.headers["Location"] + ".json"
            def done(client=client, progress=progress, host=host):
                state = client.get(progress, base_url=host).get_json()
                return state["done"] and state

            state = poll(done, timeout=240, what=f"{name}'s ward PDF", every=0.25)
            assert state["state"] == "finished", state
            body = client.get(state["ready_url"], base_url=host).data
            reader = pypdf.PdfReader(io.BytesIO(body))
            text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))
            want = ts.expected_in(SEVEN, threshold)
            assert "Middle Ward One" in text
            if want is None:
                assert "Too few survey responses from this ward to show ([c])" in text
                assert "survey responses from the ward (of" not in text
            else:
                assert f"{want} survey responses from the ward" in text
    finally:
        app.extensions["yvm_jobs"].stop()


def test_national_picture_takes_each_councils_published_release(setup):
    """The national roll-up sums each council's published release: A (threshold 10)
    contributes no count from 1 to 10; B's 5 is there."""
    rows = list(csv.DictReader(io.StringIO(
        get(setup, "b", "/national/answers.csv").get_data(as_text=True))))
    councils = {r["code"]: r for r in rows if r["level"] == "council"}
    assert {"E06000001", "E06000019"} <= set(councils)

    def cost(code):
        return next(r["people"] for r in rows if r["level"] == "council" and r["code"] == code
                    and r["answer"] == "It costs too much")

    assert cost("E06000001") == shown(ts.expected_in(SEVEN, A)) == "[c]"
    assert cost("E06000019") == shown(ts.expected_in(SEVEN, B)) == "5"
    for r in rows:
        if r["level"] == "council" and r["code"] == "E06000001" and r["people"] != "[c]":
            assert int(r["people"]) == 0 or int(r["people"]) > A, r
    table = list(csv.DictReader(io.StringIO(
        get(setup, "a", "/national/national.csv").get_data(as_text=True))))
    alder = next(r for r in table if r["code"] == "E06000001")
    for field in ("young_people", "reached", "responses"):
        value = alder[field]
        assert value in ("", "[c]") or int(value) == 0 or int(value) > A, (field, value)


def test_planning_counts_follow_the_council(setup, app, db):
    """Scenario and planning counts of young people go through the same rule
    (app.planning.service.rule, published by app.publication.planning)."""
    from app.planning.service import rule
    from app.publication import publish_counts

    for council, threshold in ((setup.a, A), (setup.b, B)):
        with use_council(council):
            db.session.rollback()
            got = publish_counts(rule(), {str(n): n for n in (3, 7, 12, 13, 240)})
            db.session.rollback()
        # Census counts: no cell key change, the threshold and rounding only.
        assert got == {str(n): shown(ts.rounded(n, threshold)) for n in (3, 7, 12, 13, 240)}
        assert (got["7"], got["12"], got["13"]) == (("[c]", "[c]", "15") if threshold == A
                                                    else ("5", "10", "15"))


def test_pages_that_explain_the_rule_state_each_councils_threshold(setup):
    """The words beside the figures say the same threshold the figures use: the
    results index (staff) and the privacy notice (everyone) of each council."""
    for name, threshold in (("a", A), ("b", B)):
        index = get(setup, name, "/results").get_data(as_text=True)
        assert f"Numbers from 1 to {threshold} are hidden" in index, name
        privacy = get(setup, name, "/privacy").get_data(as_text=True)
        assert f"A count from 1 to {threshold} is never shown" in privacy, name
