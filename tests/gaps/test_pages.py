"""The gap pages, downloads and API, on the small hand-made county in seed.py."""

from __future__ import annotations

import csv
import io

import pytest

from tests.gaps.seed import seed

PAGES = ("/map", "/gaps", "/gaps.csv", "/gaps.geojson", "/evidence", "/api/v1/gaps")


@pytest.fixture
def county(db):
    return seed(db.session)


LOCAL = "/gaps.csv?level=lsoa&mode=walk&threshold=20"  # 1.2 km: only next-door provision


def rows_of(client, url=LOCAL):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return {r["code"]: r for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}


def test_anonymous_visitors_are_sent_to_sign_in(client, county):
    for url in PAGES:
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_who_may_see_the_gap_pages(client, auth, county):
    auth.login_as("safeguarding")
    assert {url: client.get(url).status_code for url in PAGES} == dict.fromkeys(PAGES, 403)


@pytest.mark.parametrize("role", ["councillor", "commissioner", "admin"])
def test_readers_see_every_gap_page(client, auth, county, role):
    auth.login_as(role)
    for url in PAGES:
        assert client.get(url + "?level=lsoa").status_code == 200, (role, url)


def test_no_free_provision_ranks_as_a_gap_and_the_drop_in_area_does_not(client, auth, county):
    auth.login_as("councillor")
    rows = rows_of(client)
    near, far = rows["E0000001"], rows["E0000006"]
    assert int(near["free_services"]) == 1 and float(near["free_sessions"]) == 2
    assert int(far["free_services"]) == 0 and int(far["all_services"]) == 0
    assert int(far["rank"]) == 1
    assert int(near["rank"]) == len(rows)
    # The paid club counts under "all" but not under "free".
    assert int(rows["E0000004"]["all_services"]) >= 1
    assert int(rows["E0000004"]["under_services"]) == 0  # £30 > £10 default limit
    rows50 = rows_of(client, LOCAL + "&max_monthly=50")
    assert int(rows50["E0000004"]["under_services"]) == 1


def test_every_count_of_people_is_disclosure_controlled(client, auth, county):
    auth.login_as("councillor")
    rows = rows_of(client)
    assert rows["E0000001"]["responses"] == "10"  # 12 rounded to 5
    assert rows["E0000001"]["cites_cost"] == ""  # 3: suppressed
    assert rows["E0000001"]["share_cost"] == ""
    assert rows["E0000006"]["responses"] == "" and rows["E0000006"]["share_cost"] == ""
    api = client.get("/api/v1/gaps?level=lsoa").get_json()
    by_code = {a["code"]: a for a in api["areas"]}
    assert by_code["E0000006"]["responses"] is None
    assert by_code["E0000001"]["responses"] == 10
    page = client.get("/gaps?level=lsoa").get_data(as_text=True)
    assert ">12<" not in page and ">3<" not in page.split("gap-table")[1]


def test_bad_parameters_get_a_clear_reason(client, auth, county):
    auth.login_as("commissioner")
    page = client.get("/gaps?threshold=soon&w_reach=-1")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "There is a problem" in text
    assert "Enter a travel time from 5 to 120 minutes." in text
    assert "Enter a weight from 0 to 10." in text
    api = client.get("/api/v1/gaps?level=county&mode=rocket")
    assert api.status_code == 400
    assert set(api.get_json()["errors"]) == {"level", "mode"}
    assert client.get("/gaps.csv?figure=nonsense").status_code == 400


def test_weights_and_threshold_change_the_answer(client, auth, county):
    auth.login_as("councillor")
    wide = rows_of(client, "/gaps.csv?level=lsoa&threshold=120&mode=car")
    assert int(wide["E0000006"]["free_services"]) == 1  # 20 km by car in 2 hours
    assert int(rows_of(client)["E0000006"]["free_services"]) == 0
    only_rural = rows_of(client, "/gaps.csv?level=lsoa&w_deprivation=0&w_reach=0"
                         "&w_provision=0&w_voice=0&w_funding=0&w_rurality=1")
    assert float(only_rural["E0000005"]["gap_score"]) == 100
    assert float(only_rural["E0000001"]["gap_score"]) == 0


def test_geojson_carries_legend_colours_and_wgs84(client, auth, county):
    auth.login_as("councillor")
    data = client.get("/gaps.geojson?level=lsoa&figure=free_sessions&mode=walk").get_json()
    assert data["figure"] == "free_sessions"
    assert data["legend"]["title"].startswith("Sessions a week within reach: free")
    assert "Source:" not in data["legend"]["source"]
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0]
    assert -3 < lon < 0 and 51 < lat < 53  # EPSG:27700 (400000, 250000) is near Worcester
    colours = {f["properties"]["code"]: f["properties"]["colour"] for f in data["features"]}
    assert colours["E0000001"] != colours["E0000006"]
    assert data["services_passing"] == [county["drop_in"]]


def test_map_page_renders_folium_under_the_csp(client, auth, county):
    auth.login_as("councillor")
    response = client.get("/map?level=lsoa&figure=gap_score")
    html = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert 'class="folium-map"' in html
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag or 'type="application/json"' in tag, tag
    assert "cdn" not in html.lower() and "https://" not in html.split("<body")[0]
    assert 'id="gap-legend"' in html and "Gap score (0-100)" in html


def test_evidence_pack_has_map_table_voice_risk_and_sources(client, auth, county):
    auth.login_as("councillor")
    html = client.get("/evidence?level=lsoa").get_data(as_text=True)
    assert "<svg" in html and "Testshire 006" in html
    assert "Free drop-in" in html  # funding ends in 90 days
    assert "Open Government Licence" in html
    assert "@media print" in client.get("/static/css/gaps.css").get_data(as_text=True)


def test_results_follow_data_changes(client, auth, county, db, app):
    from app.models import Service

    auth.login_as("commissioner")
    before = rows_of(client)
    assert int(before["E0000004"]["free_services"]) == 0
    backend = app.extensions["yvm_cache"]
    hits = backend.hits
    rows_of(client)
    assert backend.hits > hits  # served from the cache
    club = db.session.get(Service, county["club"])
    club.cost_model = "free"
    db.session.commit()
    after = rows_of(client)
    assert int(after["E0000004"]["free_services"]) == 1


def test_pages_work_before_any_areas_are_imported(client, auth):
    auth.login_as("councillor")
    assert "no areas to map yet" in client.get("/map").get_data(as_text=True)
    assert client.get("/gaps").status_code == 200
    assert client.get("/gaps.csv").get_data(as_text=True).startswith("code,rank,name")
    assert client.get("/api/v1/gaps").get_json()["areas"] == []
    assert client.get("/gaps.geojson").get_json()["features"] == []
    assert client.get("/evidence").status_code == 200


def test_responses_from_small_areas_count_in_the_ward_containing_them(client, auth, db,
                                                                       county):
    from tests.county import County
    from tests.gaps.seed import CENTRES

    (x1, y1), (x3, _) = CENTRES["E0000001"], CENTRES["E0000003"]
    wards = County(db.session)  # West holds LSOAs 1-3, East 4-6
    wards.ward("W1", "West ward", bounds=(x1 - 1000, y1 - 1000, x3 + 1000, y1 + 1000))
    wards.ward("W2", "East ward", bounds=(x3 + 1000, y1 - 1000, x3 + 30000, y1 + 1000))
    wards.commit()
    auth.login_as("councillor")
    assert rows_of(client, "/gaps.csv?level=ward")["W1"]["responses"] == "0"  # not published
    from tests.publication.support import publish_now

    publish_now(db)
    rows = rows_of(client, "/gaps.csv?level=ward")
    lsoa = rows_of(client, "/gaps.csv?level=lsoa")
    # The 12 from E0000001 are the same people, so the same published value (10 or 15).
    assert rows["W1"]["responses"] == lsoa["E0000001"]["responses"]
    assert rows["W1"]["responses"] in ("10", "15")
    assert rows["W2"]["responses"] == ""  # 3 from E0000006: suppressed


def test_api_and_geojson_are_strict_json(client, auth, db, county):
    import json

    from app.models import Service

    db.session.get(Service, county["club"]).funding_source = None
    db.session.commit()
    auth.login_as("councillor")

    def refuse(name):
        raise ValueError(f"{name} is not JSON")

    for url in ("/api/v1/gaps?level=lsoa", "/gaps.geojson?level=lsoa"):
        data = json.loads(client.get(url).get_data(as_text=True), parse_constant=refuse)
        assert data
    api = client.get("/api/v1/gaps?level=lsoa").get_json()
    assert [r["name"] for r in api["funding_at_risk"]] == ["Free drop-in"]
    assert api["areas"][0]["rank"] == 1


def test_dashboard_shows_the_biggest_gaps_and_funding_about_to_end(client, auth, county, db):
    """The staff start page makes the point at a glance: where provision is most missing
    (the same order as the ranked table) and how much funding ends soon."""
    auth.login_as("councillor")
    ranked = sorted(rows_of(client, "/gaps.csv").values(), key=lambda r: int(r["rank"]))
    page = client.get("/dashboard").get_data(as_text=True)
    top = page.split('id="dashboard-gaps"')[1].split("</ol>")[0]
    names = [r["name"] for r in ranked[:5]]
    assert [n for n in names if n in top] == names
    assert top.index(names[0]) < top.index(names[1]) < top.index(names[4])
    assert ranked[5]["name"] not in top
    funding = " ".join(page.split('id="dashboard-funding"')[1].split("</div>")[0].split())
    assert "<strong>1</strong> service loses funding within 6 months" in funding
    assert 'href="/gaps"' in page and 'href="/map"' in page
    # The safeguarding lead sees no gap figures (the gap pages are not theirs to open).
    client.post("/logout")
    auth.login_as("safeguarding")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'id="dashboard-gaps"' not in page and 'id="dashboard-flags"' in page
    assert "No flagged answers are waiting for review" in page


def test_equal_published_scores_share_a_rank_everywhere(client, auth, county):
    """Issue 23: ties were broken by area code, ranking two areas apart on nothing.  The
    rank of each area is 1 + the number of areas with a higher published score (worked
    out here from the CSV's scores), and a shared rank reads "=N" on the table and map."""
    import re

    auth.login_as("councillor")
    rows = rows_of(client, "/gaps.csv?level=lsoa&w_voice=0&w_funding=0&w_provision=0"
                           "&w_deprivation=0&w_rurality=0")
    scores = {c: float(r["gap_score"]) for c, r in rows.items() if r["gap_score"]}
    for code, row in rows.items():
        if code in scores:
            assert int(row["rank"]) == 1 + sum(s > scores[code] for s in scores.values())
    shared = [c for c in scores if list(scores.values()).count(scores[c]) > 1]
    assert len(shared) >= 2, scores  # reach only: several areas reach everything
    html = client.get("/gaps?level=lsoa&w_voice=0&w_funding=0&w_provision=0"
                      "&w_deprivation=0&w_rurality=0").get_data(as_text=True)
    for code in shared:
        cell = re.search(r'data-code="' + code + r'".*?gap-rank[^>]*>([^<]*)<', html, re.S)
        assert cell.group(1).strip() == f"={rows[code]['rank']}", code
