"""One fact, one number (issue 23).

The demo county (built once per worker) is copied once for this module.  A commissioner then reads every
fact that appears in more than one place (the county's young people, how many are
reached, the answers that gave an area, each ward's young people, reach, services
within reach with its filter, IDACI, gap score and rank, the evening figures,
funding at risk, a scenario's totals) from every page, download, API answer and
PDF where it appears, each reading parsed from what that place shows, and any two
that disagree fail the test.  Where two figures differ on purpose (a published
total against the sum of its separately protected cells, a rounded figure), the
test finds the sentence beside them that says why, and bounds the difference.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from bs4 import BeautifulSoup

from tests.conftest import TEST_CONFIG, make_user, sign_in_client
from tests.polling import fetch_pdf

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")

NUMBER = r"(\d[\d,]*)"


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _soup(body: bytes) -> BeautifulSoup:
    soup = BeautifulSoup(body.decode("utf-8"), "html.parser")
    for tag in soup(["script", "style", "svg", "template"]):
        tag.decompose()
    return soup


def _text(node) -> str:
    """What a person reads: the visible text, whitespace collapsed."""
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def _pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def _find(pattern: str, text: str, where: str) -> re.Match:
    match = re.search(pattern, text)
    assert match, f"{where}: no text matching {pattern!r}"
    return match


@pytest.fixture(scope="module")
def demo(demo_templates):
    """The demo county (a copy of the worker's build, tests/demo_support.py), and every
    place a fact appears, as fetched by a commissioner: {name: response body
    (HTML/CSV/JSON bytes) or PDF text}."""
    from app import create_app
    from app.extensions import db

    url, drop = demo_templates.copy(demo_templates.get({}))
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    pages: dict = {}
    try:
        with app.app_context():
            from sqlalchemy import select

            from app.models import Area, Survey

            client = app.test_client()
            sign_in_client(client, make_user(db, "commissioner"))
            wards = db.session.scalars(select(Area.code).where(Area.level == "ward")
                                       .order_by(Area.code)).all()
            slug = db.session.scalars(select(Survey.slug).order_by(Survey.id)).first()

            def get(path):
                response = client.get(path)
                assert response.status_code == 200, f"{path} answered {response.status_code}"
                return response.data

            for path in ("/dashboard", "/gaps", "/map", "/gaps.csv", "/gaps.csv?level=lsoa",
                         "/gaps.geojson", "/api/v1/gaps", "/evidence", "/results",
                         f"/results/{slug}", "/planning", "/planning/funding-cliff",
                         "/planning/travel"):
                pages[path] = get(path)
            for code in wards:
                pages[f"/ward/{code}"] = get(f"/ward/{code}")
            pages["wards"] = wards
            pages["slug"] = slug
            pages["/evidence.pdf"] = _pdf_text(fetch_pdf(client, "/evidence.pdf").data)
            pages["ward.pdf"] = (wards[0], _pdf_text(fetch_pdf(client, f"/ward/{wards[0]}.pdf").data))
            made = client.post("/planning/scenarios/funding-cliff")
            assert made.status_code in (302, 303), made.status_code
            pages["scenario"] = get(made.headers["Location"])
            app.extensions["yvm_jobs"].stop()
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
    return pages


def _csv(body: bytes) -> dict[str, dict]:
    rows = csv.DictReader(io.StringIO(body.decode("utf-8")))
    return {r["code"]: r for r in rows}


def _col(row: dict, name: str) -> str:
    """A CSV column whose heading starts with ``name`` (headings carry the edition)."""
    key = next(k for k in row if k == name or k.startswith(name + " ("))
    return row[key]


def _table_rows(body: bytes) -> dict[str, dict[str, str]]:
    """The ranked table's rows as shown: {code: {column label: cell text}}."""
    rows = {}
    for tr in _soup(body).select("tr[data-code]"):
        cells = {td.get("data-label"): _text(td) for td in tr.find_all("td")}
        rows[tr["data-code"]] = cells
    return rows


def _cell(cells: dict, label: str) -> str:
    key = next(k for k in cells if k and (k == label or k.startswith(label)))
    return cells[key]


def test_numbers_agree(demo):
    table = _table_rows(demo["/gaps"])
    ward_csv = _csv(demo["/gaps.csv"])
    lsoa_csv = _csv(demo["/gaps.csv?level=lsoa"])
    api = {a["code"]: a for a in json.loads(demo["/api/v1/gaps"])["areas"]}
    geo = {f["properties"]["code"]: f["properties"]
           for f in json.loads(demo["/gaps.geojson"])["features"]}
    wards = demo["wards"]
    assert set(table) == set(ward_csv) == set(api) == set(geo) == set(wards)

    # --- The county's young people (13 to 19) -------------------------------------
    dash = _text(_soup(demo["/dashboard"]).find("main"))
    on_dashboard = _int(_find(r"Young people aged 13 to 19 \(Census 2021\) " + NUMBER,
                              dash, "dashboard").group(1))
    gaps_text = _text(_soup(demo["/gaps"]).find("main"))
    on_table = _int(_find(NUMBER + r" young people aged 13 to 19 \(Census 2021\) live in these",
                          gaps_text, "/gaps").group(1))
    csv_sum = sum(float(_col(r, "young_people")) for r in ward_csv.values())
    lsoa_sum = sum(float(_col(r, "young_people")) for r in lsoa_csv.values())
    api_sum = sum(a["young_people"] for a in api.values())
    geo_sum = sum(p["young_people"] for p in geo.values())
    planning = _text(_soup(demo["/planning"]).find("main"))
    on_planning = _int(_find(r"Planning counts the " + NUMBER + " young people aged 13 to 19",
                             planning, "/planning").group(1))
    for place, value in (("/gaps summary", on_table), ("ward CSV sum", csv_sum),
                         ("LSOA CSV sum", lsoa_sum), ("API sum", api_sum),
                         ("GeoJSON sum", geo_sum), ("/planning", on_planning)):
        assert value == on_dashboard, (
            f"county young people: dashboard {on_dashboard:,} vs {place} {value:,}")

    # --- Reached and out of reach: wards and LSOAs sum to the same people ---------
    for fact in ("reached", "unreached"):
        wards_total = sum(float(r[fact]) for r in ward_csv.values())
        lsoas_total = sum(float(r[fact]) for r in lsoa_csv.values())
        # Each area's estimate is a whole number of people: at most half a person
        # rounded away per area.
        bound = 0.5 * (len(ward_csv) + len(lsoa_csv))
        assert abs(wards_total - lsoas_total) <= bound, (
            f"young people {fact}: ward CSV sum {wards_total:,.0f} vs LSOA CSV sum "
            f"{lsoas_total:,.0f} (more than rounding, {bound:g})")
    for code, r in ward_csv.items():
        assert float(r["reached"]) + float(r["unreached"]) == float(_col(r, "young_people")), (
            f"{code}: reached {r['reached']} + out of reach {r['unreached']} vs young people "
            f"{_col(r, 'young_people')} in the CSV")

    # --- Answers that gave an area ------------------------------------------------
    note = _text(_soup(demo["/dashboard"]).find(id="responses-with-area"))
    gave = _int(_find(NUMBER + " of them gave an area", note, "dashboard").group(1))
    results = _text(_soup(demo[next(k for k in demo if k.startswith("/results/"))]).find(
        id="gave-area"))
    on_results = _int(_find(NUMBER + " of " + NUMBER + " answers gave an area", results,
                            "survey results").group(1))
    assert on_results == gave, (
        f"answers that gave an area: dashboard {gave:,} vs survey results {on_results:,}")
    cells = [r["responses"] for r in ward_csv.values()]
    area_sum = sum(_int(c) for c in cells if c not in ("", "[c]"))
    if area_sum != gave:
        # On purpose: the total is its own protected cell; each area's count is
        # protected and rounded on its own.  The page must say so beside it.
        assert "protected and rounded on its own" in results, (
            f"answers that gave an area: survey results {on_results:,} vs sum of the ward "
            f"column {area_sum:,}, and the results page does not say why ({results!r})")
        assert "protected and rounded on its own" in note, (
            f"answers that gave an area: dashboard {gave:,} vs sum of the ward column "
            f"{area_sum:,}, and the dashboard does not say why ({note!r})")
        bound = 7 * sum(1 for c in cells if c in ("", "[c]")) + 5 * len(cells)
        assert abs(area_sum - gave) <= bound, (
            f"answers that gave an area: dashboard {gave:,} vs ward sum {area_sum:,} "
            f"differ by more than protection can explain ({bound})")

    # --- Each ward: the table, CSV, API, GeoJSON and its report -------------------
    for code in wards:
        shown, r, a, g = table[code], ward_csv[code], api[code], geo[code]
        report_soup = _soup(demo[f"/ward/{code}"])
        report = _text(report_soup.find(id="ward-summary"))
        name = r["name"]
        young = _int(_cell(shown, "Young people ("))
        for place, value in (("CSV", float(_col(r, "young_people"))), ("API", a["young_people"]),
                             ("GeoJSON", g["young_people"]),
                             ("ward report", _int(_find(r"Young people aged 13 to 19 " + NUMBER,
                                                        report, name).group(1)))):
            assert value == young, f"{name} young people: table {young:,} vs {place} {value:,}"
        score = _int(_cell(shown, "Gap score"))
        on_report = _int(_find(r"Gap score \(out of 100\) (\d+)", report, name).group(1))
        for place, value in (("CSV", float(r["gap_score"])), ("API", a["gap_score"]),
                             ("GeoJSON", g["gap_score"]), ("ward report", on_report)):
            assert value == score, f"{name} gap score: table {score} vs {place} {value}"
        rank = _int(_cell(shown, "Rank").lstrip("="))
        on_report = _int(_find(r"Gap rank (?:joint )?(\d+)", report, name).group(1))
        for place, value in (("CSV", float(r["rank"])), ("API", a["rank"]),
                             ("GeoJSON", g["rank"]), ("ward report", on_report)):
            assert value == rank, f"{name} gap rank: table {rank} vs {place} {value}"
        share = _cell(shown, "Young people within reach")
        on_report = _find(r"(\d+%) of its young people can reach", report, name).group(1)
        assert on_report == share, f"{name} reach share: table {share} vs ward report {on_report}"
        assert f"{round(100 * a['reach_share'])}%" == share, (
            f"{name} reach share: table {share} vs API {a['reach_share']}")
        out = _int(_cell(shown, "Out of reach"))
        on_report = _int(_find(r"about " + NUMBER + " cannot", report, name).group(1))
        assert on_report == out == a["unreached"], (
            f"{name} out of reach: table {out} vs ward report {on_report} vs API {a['unreached']}")
        idaci = _cell(shown, "IDACI national percentile")
        on_report = _find(r"IDACI (\d{4}).*?more deprived than (\d+%)", report, name)
        assert on_report.group(2) == idaci, (
            f"{name} IDACI national percentile: table {idaci} vs ward report {on_report.group(2)}")
        for place, share in (("API", a["idaci_rank_pct"]), ("CSV", float(_col(r, "idaci_rank_pct"))),
                             ("GeoJSON", g["idaci_rank_pct"])):
            assert f"{100 * share:.0f}%" == idaci, (
                f"{name} IDACI national percentile: table {idaci} vs {place} {share}")
        assert on_report.group(1) in _cell_label(shown, "IDACI national percentile"), (
            f"{name} IDACI edition: ward report {on_report.group(1)} vs table heading "
            f"{_cell_label(shown, 'IDACI national percentile')}")
        on_county = re.search(r"of " + NUMBER + " across the county that gave an area", report)
        if on_county:
            assert _int(on_county.group(1)) == gave, (
                f"answers that gave an area: dashboard {gave:,} vs {name} report "
                f"{on_county.group(1)}")
        # Services within reach: the table counts the chosen filter's (free); the
        # report lists every service, and names the filtered count beside it.
        in_table = _int(_cell(shown, "Services in reach"))
        assert in_table == a["free_services"] == int(r["free_services"]), (
            f"{name} free services within reach: table {in_table} vs API {a['free_services']} "
            f"vs CSV {r['free_services']}")
        if "No listed service is within" in report:
            assert int(r["all_services"]) == 0 == in_table, (
                f"{name} services within reach: ward report none vs CSV all_services "
                f"{r['all_services']} and table {in_table}")
            continue
        every = _find(NUMBER + r" services? of any kind within", report, name)
        assert _int(every.group(1)) == int(r["all_services"]), (
            f"{name} services of any kind within reach: ward report {every.group(1)} vs CSV "
            f"all_services {r['all_services']}")
        passing = _find(r"(\d+|none) of them (?:is|are) free", report, name).group(1)
        passing = 0 if passing == "none" else int(passing)
        assert passing == in_table, (
            f"{name} free services within reach: table 'Services in reach' {in_table} vs "
            f"ward report {passing}")

    # --- The evidence pack's table, the map's data and its "most in need" list ----
    evidence_rows = _table_rows(demo["/evidence"])
    assert set(evidence_rows) == set(wards)
    for code in wards:
        shown, pack = table[code], evidence_rows[code]
        for label in ("Rank", "Gap score", "Young people (", "Young people within reach",
                      "Out of reach", "IDACI national percentile", "Services in reach"):
            assert _cell(pack, label) == _cell(shown, label), (
                f"{ward_csv[code]['name']} {label.strip(' (')}: /gaps {_cell(shown, label)} vs "
                f"evidence pack {_cell(pack, label)}")
    map_html = demo["/map"].decode("utf-8")
    on_map = dict(re.findall(r'"code": "(\w+)", [^{}]*?"value_text": "Gap score \(0-100\): (\d+)"',
                             map_html))
    assert set(on_map) == set(wards), "the map's data does not name every ward"
    for code, value in on_map.items():
        assert _int(value) == _int(_cell(table[code], "Gap score")), (
            f"{ward_csv[code]['name']} gap score: /gaps {_cell(table[code], 'Gap score')} vs "
            f"the map's data {value}")
    top = [[_text(td) for td in tr.find_all("td")]
           for tr in _soup(demo["/map"]).find(id="gap-top").select("tbody tr")]
    by_rank = sorted(wards, key=lambda c: (float(ward_csv[c]["rank"]), ward_csv[c]["name"]))
    for (rank, name, score), code in zip(top, by_rank, strict=False):
        shown = table[code]
        assert (rank, score) == (_cell(shown, "Rank"), _cell(shown, "Gap score")), (
            f"{name} rank and gap score: /gaps {_cell(shown, 'Rank')}, "
            f"{_cell(shown, 'Gap score')} vs the map's list {rank}, {score}")

    # --- The dashboard's five biggest gaps, and the provision they count ----------
    listed = [(_text(li.find("strong")), _int(_find(r"gap score (\d+)", _text(li), "dashboard")
                                           .group(1)))
              for li in _soup(demo["/dashboard"]).find(id="dashboard-gaps").find_all("li")]
    expected = [(ward_csv[c]["name"], _int(_cell(table[c], "Gap score"))) for c in by_rank[:5]]
    assert sorted(listed, key=lambda x: -x[1]) == listed and {x[1] for x in listed} == {
        x[1] for x in expected}, f"five biggest gaps: dashboard {listed} vs /gaps {expected}"
    note = _text(_soup(demo["/gaps"]).find(id="gap-table-note"))
    counted = _find(r"Provision counted: ([^,]+),", note, "/gaps").group(1)
    assert f"({counted})" in dash, (
        f"provision the gap score counts: /gaps {counted!r} vs dashboard (not named)")

    # --- Survey answers: the dashboard and the survey results ---------------------
    answered = _int(_find(r"Survey responses \(published\) " + NUMBER, dash, "dashboard").group(1))
    results_page = _text(_soup(demo[f"/results/{demo['slug']}"]).find("main"))
    on_page = _int(_find(NUMBER + " young people answered", results_page, "survey results")
                   .group(1))
    row = _soup(demo["/results"]).find("a", href=f"/results/{demo['slug']}").find_parent("tr")
    on_index = _int(_text(row.find("td", class_="num")))
    assert answered == on_page == on_index, (
        f"survey answers: dashboard {answered:,} vs /results/{demo['slug']} {on_page:,} vs "
        f"/results {on_index:,}")

    # --- The ward report's PDF says what its page says ----------------------------
    code, pdf = demo["ward.pdf"]
    page = _text(_soup(demo[f"/ward/{code}"]).find(id="ward-summary"))
    for pattern in (r"(\d+%) of its young people can reach a free activity",
                    r"about " + NUMBER + " cannot",
                    NUMBER + r" services? of any kind within",
                    NUMBER + r" of them (?:is|are) free"):
        html_value = _find(pattern, page, f"/ward/{code}").group(1)
        pdf_value = _find(pattern, pdf, f"/ward/{code}.pdf").group(1)
        assert html_value == pdf_value, (
            f"ward {code} {pattern!r}: page {html_value} vs PDF {pdf_value}")

    # --- Evening figures: the evidence pack and its PDF against the ward columns ---
    evidence = _text(_soup(demo["/evidence"]).find("main"))
    evening = (NUMBER + r" of " + NUMBER + r" young people have no bus .*? a further "
               + NUMBER + r" have a bus there but no way home .*? " + NUMBER
               + r" of these could get to one within 30 minutes by car")
    for where, text in (("evidence pack", evidence), ("evidence PDF", demo["/evidence.pdf"])):
        m = _find(evening, text, where)
        no_bus, of, no_home, by_car = (_int(x) for x in m.groups())
        for fact, value, column in (("no bus there", no_bus, "yp_no_evening_pt"),
                                    ("no way home", no_home, "yp_no_way_home"),
                                    ("by car not bus", by_car, "yp_car_not_bus")):
            total = sum(float(r[column]) for r in ward_csv.values())
            assert value == total, (
                f"evening {fact}: {where} {value:,} vs ward CSV column sum {total:,.0f}")
        assert of == on_dashboard, (
            f"county young people: dashboard {on_dashboard:,} vs {where} evening line {of:,}")

    # --- Funding at risk: the dashboard against the API and the evidence pack -----
    m = _find(NUMBER + r" services? loses? funding within 6 months; " + NUMBER
              + " within 12 months", dash, "dashboard")
    six, twelve = _int(m.group(1)), _int(m.group(2))
    risk = json.loads(demo["/api/v1/gaps"])["funding_at_risk"]
    api_six = sum(1 for r in risk if r["within_6"] and r["days_left"] >= 0)
    api_twelve = sum(1 for r in risk if r["within_12"] and r["days_left"] >= 0)
    assert (six, twelve) == (api_six, api_twelve), (
        f"funding ending within 6 / 12 months: dashboard {six} / {twelve} vs API "
        f"{api_six} / {api_twelve}")
    soup = _soup(demo["/evidence"])
    heading = soup.find(lambda t: t.name in ("h2", "h3") and "losing its funding" in t.get_text())
    within = [_text(tr.find_all("td")[-1]) for tr in heading.find_next("table").select("tbody tr")]
    assert (within.count("6 months"), within.count("6 months") + within.count("12 months")) == (
        six, twelve), (f"funding ending within 6 / 12 months: dashboard {six} / {twelve} vs "
                       f"evidence pack's table {within}")


def _cell_label(cells: dict, label: str) -> str:
    return next(k for k in cells if k and k.startswith(label))


def test_summary_sentence_numbers_agree(demo):
    """The table's and evidence pack's summary line ("About 10,360 of 16,150 young
    people") rounds the county's total, which every other page gives exactly."""
    dash = _text(_soup(demo["/dashboard"]).find("main"))
    county = _int(_find(r"Young people aged 13 to 19 \(Census 2021\) " + NUMBER,
                        dash, "dashboard").group(1))
    if county % 10 == 0:  # a total rounded to 10 would agree by chance: nothing to tell
        pytest.skip(f"the county's {county:,} young people is a multiple of 10")
    ward_csv = _csv(demo["/gaps.csv"])
    out = sum(float(r["unreached"]) for r in ward_csv.values())
    for where, text in (("/gaps", _text(_soup(demo["/gaps"]).find("main"))),
                        ("/map", _text(_soup(demo["/map"]).find(id="gap-summary"))),
                        ("/evidence", _text(_soup(demo["/evidence"]).find("main"))),
                        ("/evidence.pdf", demo["/evidence.pdf"])):
        m = _find(r"About " + NUMBER + " of " + NUMBER + " young people", text, where)
        shown_out, shown_of = _int(m.group(1)), _int(m.group(2))
        assert shown_of == county, (
            f"county young people: dashboard {county:,} vs {where} summary {shown_of:,}")
        assert abs(shown_out - out) <= 5, (
            f"young people out of reach: {where} summary {shown_out:,} vs ward CSV sum {out:,.0f}")
        # The out-of-reach figure is an estimate rounded to 10, and says "About".


def test_planning_numbers_agree(demo):
    """The travel page's evening figures against the gap pages' ward columns."""
    ward_csv = _csv(demo["/gaps.csv"])
    travel = _text(_soup(demo["/planning/travel"]).find("main"))
    for label, column in (("Young people with no bus there within 30 minutes", "yp_no_evening_pt"),
                          (r"A bus there but no way home by bus \(not counted in the line above\)",
                           "yp_no_way_home"),
                          ("Within 30 minutes by car but not by bus", "yp_car_not_bus")):
        shown = _int(_find(label + " " + NUMBER, travel, "/planning/travel").group(1))
        total = sum(float(r[column]) for r in ward_csv.values())
        assert shown == total, (
            f"evening {column}: /planning/travel {shown:,} vs ward column sum in /gaps.csv "
            f"(and the evidence pack) {total:,.0f}")


def _table_after(soup, words: str):
    heading = soup.find(lambda t: t.name in ("h2", "h3", "caption") and words in t.get_text())
    assert heading is not None, f"no heading {words!r}"
    return heading if heading.name == "table" else heading.find_next("table")


def test_planning_funding_and_scenario_agree(demo):
    """The funding cliff and its scenario against the gap pages and each other."""
    soup = _soup(demo["/planning/funding-cliff"])
    cliff = {_text(tr.find("th")) for tr in soup.find(id="cliff-table").select("tbody tr")}
    risk = {r["name"] for r in json.loads(demo["/api/v1/gaps"])["funding_at_risk"]
            if r["days_left"] >= 0}
    assert cliff == risk, (
        f"services losing funding within 24 months: /planning/funding-cliff {sorted(cliff)} "
        f"vs /api/v1/gaps {sorted(risk)}")

    days = {r["name"]: r["days_left"] for r in json.loads(demo["/api/v1/gaps"])["funding_at_risk"]}
    for tr in soup.find(id="cliff-table").select("tbody tr"):
        name, left = _text(tr.find("th")), _text(tr.find("td", attrs={"data-label": "Days left"}))
        assert _int(left) == days[name], (
            f"{name} days of funding left: /planning/funding-cliff {left} vs /api/v1/gaps "
            f"{days[name]}")

    page = _soup(demo["scenario"])
    scenario = _text(page.find("main"))
    m = _find(r"Services with funding ending in 24 months (\d+) → (\d+)", scenario, "scenario")
    assert int(m.group(1)) == len(cliff), (
        f"services losing funding within 24 months: scenario {m.group(1)} vs "
        f"/planning/funding-cliff {len(cliff)}")
    lost_young = _int(_find(r"Young people losing their only provision of a kind " + NUMBER,
                            scenario, "scenario").group(1))
    lost_areas = _int(_find(r"Areas losing their only provision of a kind " + NUMBER,
                            scenario, "scenario").group(1))
    rows = [[_text(c) for c in tr.find_all(["th", "td"])]
            for tr in soup.find(id="lost-table").select("tbody tr")]
    shown = [(r[0], _int(r[2])) for r in rows if r[2] not in ("[c]", "–")]
    by_area: dict[str, list[int]] = {}
    for area, young in shown:
        by_area.setdefault(area, []).append(young)
    assert lost_areas == len({r[0] for r in rows}), (
        f"areas losing their only provision of a kind: scenario {lost_areas} vs "
        f"/planning/funding-cliff table {len({r[0] for r in rows})}")
    cliff_young = _int(_text(soup.find(id="loss-young-people")))
    assert lost_young == cliff_young, (
        f"young people losing their only provision of a kind: scenario {lost_young:,} vs "
        f"/planning/funding-cliff {cliff_young:,}")
    # Each page rounds each count to 5 on its own, and says so.
    for where, text in (("scenario", scenario), ("funding cliff", _text(soup.find("main")))):
        assert "rounded to the nearest 5" in text, f"{where} does not say its counts are rounded"
    # A young person losing two kinds is one person in the total and on two lines of the
    # table (one per kind), and the page says so: the total lies between the sum of each
    # area's largest line and the sum of every line, give or take the rounding.
    assert "counted once, however many kinds" in _text(soup.find(id="loss-once"))
    slack = 2.5 * (len(shown) + 1)
    least = sum(max(v) for v in by_area.values())
    most = sum(sum(v) for v in by_area.values())
    assert least - slack <= lost_young <= most + slack, (
        f"young people losing their only provision of a kind: scenario {lost_young:,} vs "
        f"/planning/funding-cliff table lines: each area's largest {least:,}, all {most:,}")

    # The deciles add up to the county, within the rounding the page states.
    dash = _text(_soup(demo["/dashboard"]).find("main"))
    county = _int(_find(r"Young people aged 13 to 19 \(Census 2021\) " + NUMBER,
                        dash, "dashboard").group(1))
    table = _table_after(page, "By deprivation decile")
    deciles = [_int(_text(tr.find_all(["th", "td"])[1])) for tr in table.select("tbody tr")
               if _text(tr.find_all(["th", "td"])[0]).startswith("Decile")]
    assert "rounded on its own, so the deciles may not add up exactly" in scenario
    assert abs(sum(deciles) - county) <= 2.5 * len(deciles), (
        f"county young people: dashboard {county:,} vs scenario's deciles summed "
        f"{sum(deciles):,}")
