"""One county, one set of numbers (issue 23): with the age band set to 11-24 and
the travel threshold to 45 minutes, every page counts the same young people and
starts from the same threshold.

The county: four 2 km square LSOAs in a row, each with Census counts for every
single year of age 0-30 (different in every LSOA and year) plus a 31-and-over
band; two wards, each exactly two LSOAs.  The expected figures are sums over the
age columns 11..24 written out here, not anything the app computes.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pytest

from tests.county import County

AGES = range(0, 31)
LSOAS = {f"E0100000{n}": (400_000 + (n - 1) * 2_000, 250_000) for n in range(1, 5)}
WARDS = {"E05000001": ("Eastbrook", ["E01000001", "E01000002"]),
         "E05000002": ("Westfield", ["E01000003", "E01000004"])}
SETTING_KEYS = ("YOUTH_AGE_MIN", "YOUTH_AGE_MAX", "TRAVEL_THRESHOLD_MIN", "TRAVEL_MODE",
                "REACH_FILTER", "REACH_MAX_MONTHLY")
APP = Path(__file__).resolve().parents[2] / "app"


def people(n: int, age: int) -> int:
    """Census usual residents of LSOA ``n`` aged ``age``: different in every cell."""
    return 20 + 3 * n + (age * 7) % 11


def expected(codes, lo=11, hi=24) -> int:
    return sum(people(int(code[-1]), age) for code in codes for age in range(lo, hi + 1))


COUNTY_11_24 = expected(LSOAS)


@pytest.fixture
def app_config():
    return {"YOUTH_AGE_MIN": 11, "YOUTH_AGE_MAX": 24, "TRAVEL_THRESHOLD_MIN": 45.0}


@pytest.fixture
def county(db):
    county = County(db.session)
    for code, (x, y) in LSOAS.items():
        n = int(code[-1])
        figures = {f"population_age_{a}_{a}": people(n, a) for a in AGES}
        figures["population_age_31_plus"] = 900
        figures["population_total"] = sum(figures.values())
        county.lsoa(code, f"Neighbourhood {n}", corner=(x, y), size=2_000,
                    indicators={**figures, "imd_score": 10.0 * n, "idaci_score": 0.05 * n,
                                "imd_decile": 11 - n, "rural": 0.0})
    for code, (name, members) in WARDS.items():
        xs = [LSOAS[m][0] for m in members]
        county.ward(code, name, bounds=(min(xs), 250_000, max(xs) + 2_000, 252_000))
    county.service("Drop-in", 401_000, 251_000, key="drop_in", service_type="drop_in",
                   cost_model="free", status="active", sessions=[(2, "18:00", "20:00")])
    county.commit()
    return county


def whole(text: str) -> int:
    """'1,234' -> 1234."""
    return int(text.replace(",", ""))


def test_the_expected_figures_differ_by_band():
    # The check below would prove nothing if 11-24 and 13-19 gave the same count.
    assert COUNTY_11_24 != expected(LSOAS, 13, 19)
    assert expected(WARDS["E05000001"][1]) != expected(WARDS["E05000002"][1])


def test_every_page_counts_the_young_people_aged_11_to_24(client, auth, county):
    auth.login_as("commissioner")

    # The ranked table says the total, for the band.
    page = client.get("/gaps?level=ward").get_data(as_text=True)
    total = re.search(r'<p id="band-total">([\d,]+) young people aged 11 to 24', page)
    assert total and whole(total.group(1)) == COUNTY_11_24
    assert "young people (11 to 24)" in page

    # The CSV download, area by area.
    body = client.get("/gaps.csv?level=ward").get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(body)))
    column = next(c for c in table[0] if re.fullmatch(r"young_people( \(.*\))?", c))
    rows = {r["code"]: float(r[column]) for r in table}
    for code, (_name, members) in WARDS.items():
        assert rows[code] == pytest.approx(expected(members))
    assert sum(rows.values()) == pytest.approx(COUNTY_11_24)

    # The API names the band and gives the same figures.
    api = client.get("/api/v1/gaps?level=ward").get_json()
    assert api["parameters"]["age_min"] == 11 and api["parameters"]["age_max"] == 24
    assert {a["code"]: a["young_people"] for a in api["areas"]} == pytest.approx(rows)

    # Each ward's report.
    for code, (name, members) in WARDS.items():
        report = client.get(f"/ward/{code}").get_data(as_text=True)
        found = re.search(r"<dt>Young people aged 11 to 24</dt><dd>([\d,]+)</dd>", report)
        assert found and whole(found.group(1)) == expected(members), name
        assert "Young people are aged 11 to 24" in report

    # The evidence pack names the band.
    evidence = client.get("/evidence?level=ward").get_data(as_text=True)
    assert "young people aged 11 to 24" in evidence

    # Planning counts the same young people.
    planning = client.get("/planning").get_data(as_text=True)
    found = re.search(r'<strong id="planning-young-people">([\d,]+)</strong> young people '
                      r"aged 11 to 24", planning)
    assert found and whole(found.group(1)) == COUNTY_11_24

    # And the dashboard.
    dashboard = client.get("/dashboard").get_data(as_text=True)
    found = re.search(r"<dt>Young people aged 11 to 24 \(Census 2021\)</dt>"
                      r'<dd id="dashboard-young-people">([\d,]+)</dd>', dashboard)
    assert found and whole(found.group(1)) == COUNTY_11_24


def threshold_input(page: str) -> str:
    found = re.search(r'<input[^>]*name="threshold"[^>]*>', page)
    assert found, "no threshold field"
    return re.search(r'value="([^"]*)"', found.group(0)).group(1)


def test_45_minutes_is_the_default_threshold_on_gap_and_planning_pages(client, auth, county):
    auth.login_as("commissioner")
    assert threshold_input(client.get("/gaps?level=ward").get_data(as_text=True)) == "45"
    assert client.get("/api/v1/gaps").get_json()["parameters"]["threshold_minutes"] == 45
    report = client.get("/ward/E05000001").get_data(as_text=True)
    assert "within 45 minutes" in report
    planning = client.get("/planning").get_data(as_text=True)
    assert "within reach within 45 minutes" in planning
    for url in ("/planning/sites", "/planning/subsidy"):
        assert threshold_input(client.get(url).get_data(as_text=True)) == "45", url
    # A link asking for another time still wins.
    assert client.get("/api/v1/gaps?threshold=20").get_json()[
        "parameters"]["threshold_minutes"] == 20


def test_a_pdf_job_carries_the_band_it_was_asked_under(app, db, county):
    from app.analysis.settings import AnalysisSettings
    from app.gaps import evidence

    with app.test_request_context("/evidence.pdf"):
        view, _ = evidence.load_view(db.session, {"level": "ward"})
        settings = view.params.settings
        assert (settings.age_min, settings.age_max, settings.threshold_min) == (11, 24, 45)
        narrower = AnalysisSettings(**{**settings.as_dict(), "age_min": 13, "age_max": 19})
        query = {"level": "ward"}
        # The job is keyed by the band: the same parameters under 13-19 are other work.
        assert evidence._key(query, settings.as_dict()) != evidence._key(
            query, narrower.as_dict())
        # And it computes under the band it carries, not the app's.
        view_13_19, _ = evidence.load_view(db.session, query,
                                           narrower)
        assert view_13_19.young_people_total == pytest.approx(expected(LSOAS, 13, 19))


def _default_gets(tree: ast.AST):
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get" and len(node.args) >= 2
                and isinstance(node.args[0], ast.Constant) and node.args[0].value in SETTING_KEYS):
            yield node


def test_no_module_but_config_keeps_its_own_default_for_these_settings():
    found = []
    for path in sorted(APP.rglob("*.py")):
        if path.name == "config.py" and path.parent == APP:
            continue
        for node in _default_gets(ast.parse(path.read_text(encoding="utf-8"))):
            found.append(f"{path.relative_to(APP.parent)}:{node.lineno}: "
                         f"{ast.unparse(node)}")
    assert not found, "defaults belong in app/config.py only:\n" + "\n".join(found)


def test_the_check_finds_a_fallback_default():
    sample = 'x = int(current_app.config.get("YOUTH_AGE_MIN", 13))'
    assert len(list(_default_gets(ast.parse(sample)))) == 1


def test_a_setting_no_page_could_use_stops_the_app_naming_it(database_url):
    from app import create_app
    from app.analysis.settings import SettingsError

    with pytest.raises(SettingsError, match="YOUTH_AGE_MIN"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                    "YOUTH_AGE_MIN": 25, "YOUTH_AGE_MAX": 19})
    with pytest.raises(SettingsError, match="TRAVEL_MODE"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                    "TRAVEL_MODE": "rocket"})
