"""Issue 6 point by point: the parts not already covered by test_pages / test_maps.

Sorting the ranked table, the legend's source and year, the written summary,
and the map's layers (services coloured by type and cost, council buildings,
travel catchments, layer control).
"""

from __future__ import annotations

import re

import pytest

from tests.gaps.seed import seed


@pytest.fixture
def county(db):
    return seed(db.session)


def table_codes(html: str) -> list[str]:
    body = html.split('id="gap-table"')[1]
    return re.findall(r'<tr data-code="([^"]+)"', body)


def test_ranked_table_sorts_by_any_column_both_ways(client, auth, county):
    auth.login_as("councillor")
    ranked = table_codes(client.get("/gaps?level=lsoa").get_data(as_text=True))
    assert ranked[0] == "E0000006"  # rank 1: no provision at all
    up = table_codes(client.get("/gaps?level=lsoa&sort=young_people").get_data(as_text=True))
    down = table_codes(client.get("/gaps?level=lsoa&sort=young_people&desc=1")
                       .get_data(as_text=True))
    # The seed gives area n 100 + n young people.
    assert up == [f"E0000{n:03d}" for n in range(1, 7)]
    assert down == list(reversed(up))
    page = client.get("/gaps?level=lsoa&sort=young_people").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page
    # Clicking the heading again reverses it: the link asks for desc.
    assert re.search(r'href="[^"]*sort=young_people[^"]*desc=1', page)
    bad = client.get("/gaps?level=lsoa&sort=password")
    assert bad.status_code == 400 and "That column cannot be sorted." in bad.get_data(
        as_text=True)


def test_legend_states_classes_source_and_year(client, auth, county):
    auth.login_as("councillor")
    legend = client.get("/gaps.geojson?level=lsoa&figure=idaci").get_json()["legend"]
    assert legend["source"] == "Test source, 2021"  # the imported figure's source and year
    assert legend["scheme"] == "quantiles" and len(legend["rows"]) >= 2
    assert all(re.search(r"\d", row["label"]) for row in legend["rows"][:-1])
    own = client.get("/gaps.geojson?level=lsoa&figure=free_sessions").get_json()["legend"]
    assert own["source"].startswith("Youth Voice Map provision directory, as at ")
    assert re.search(r"20\d\d$", own["source"])
    page = client.get("/map?level=lsoa&figure=idaci").get_data(as_text=True)
    assert "Classes: Quantiles. Source: Test source, 2021." in page


def test_written_summary_names_the_areas_with_least_reach(client, auth, county):
    auth.login_as("councillor")
    page = client.get("/gaps?level=lsoa&mode=walk&threshold=20").get_data(as_text=True)
    first = re.search(r"The 5 areas with the biggest gap score are ([^.]+)\.", page)
    assert first and first.group(1).startswith("Testshire 006")
    assert "Testshire 001" not in first.group(1)  # next to the free drop-in


def test_map_layers_services_by_cost_buildings_catchments_control(client, auth, county):
    auth.login_as("councillor")
    html = client.get("/map?level=lsoa&filter=free").get_data(as_text=True)
    # Services: one colour rule (cost band, a class); the paid club fails "free": hollow.
    classes = {int(m.group(2)): m.group(0) for m in re.finditer(
        r'"className": "yvm-marker svc cost-(\w+) svc-(\d+)( svc-out)?"', html)}
    drop, club = classes[county["drop_in"]], classes[county["club"]]
    assert "cost-free" in drop and "svc-out" not in drop
    assert "cost-over" in club and "svc-out" in club  # the £30 club fails "free"
    assert "Old library (council building, library)" in html
    assert '"className": "yvm-marker gap-building"' in html
    assert "L.circle(" in html and '"radius": ' in html  # the travel catchments
    for layer in ("Services and council buildings", "Travel catchments"):
        assert f'"{layer}"' in html, layer
    assert "L.control.layers" in html and '"collapsed": true' in html


def test_each_service_filter_counts_the_right_provision(client, auth, county):
    """The five filters on the real directory models: the drop-in (free, Wednesday
    18:00 and Saturday 10:00) and the £30 sport club (Tuesday 16:00)."""
    import csv
    import io

    auth.login_as("councillor")
    # Walking 40 minutes (3.7 km) from area 4 reaches the club next door, not the drop-in 6 km away.
    text = client.get("/gaps.csv?level=lsoa&mode=walk&threshold=40&max_monthly=35").get_data(
        as_text=True)
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(text))}
    near_drop_in, near_club = rows["E0000001"], rows["E0000004"]
    assert float(near_drop_in["evening_weekend_sessions"]) == 2
    assert near_drop_in["open_access_services"] == "1"
    assert near_club["all_services"] == "1" and near_club["not_uniformed_services"] == "1"
    assert near_club["free_services"] == "0" and near_club["open_access_services"] == "0"
    assert near_club["evening_weekend_services"] == "0"  # Tuesday 16:00 is neither
    assert near_club["under_services"] == "1"  # £30 a month is under £35
    cheap = client.get("/gaps.csv?level=lsoa&mode=walk&threshold=40&max_monthly=20").get_data(
        as_text=True)
    assert {r["code"]: r for r in csv.DictReader(io.StringIO(cheap))}["E0000004"][
        "under_services"] == "0"
    # Distance to the nearest such service: the club is 0 km from area 4's centre.
    assert float(near_club["all_nearest_km"]) == pytest.approx(0.0, abs=0.05)
    assert float(near_club["free_nearest_km"]) > float(near_club["all_nearest_km"])


def test_an_lsoa_travel_matrix_serves_the_ward_map(client, auth, db, county):
    """Issue 6: "an imported travel-time matrix (from area or LSOA to service)": a
    council's LSOA matrix also drives the ward view, through the LSOA holding
    each ward's representative point."""
    import csv
    import io

    from tests.county import County
    from tests.gaps.seed import CENTRES
    from tests.gaps.test_travel_times import upload

    wards = County(db.session)  # each a 1.8 km square inside its LSOA
    for code, centre in (("W01", CENTRES["E0000001"]), ("W06", CENTRES["E0000006"])):
        wards.ward(code, f"Ward {code}", centre=centre, size=1800)
    wards.commit()
    auth.login_as("commissioner")

    def wards():
        text = client.get("/gaps.csv?level=ward").get_data(as_text=True)
        return {r["code"]: r for r in csv.DictReader(io.StringIO(text))}

    assert wards()["W06"]["free_services"] == "0"  # 19 km from the drop-in by estimate
    assert wards()["W01"]["free_services"] == "1"
    drop_in = county["drop_in"]
    response = upload(client, f"from_code,to_kind,to_id,minutes,mode\n"
                              f"E0000006,service,{drop_in},25,bus\n"
                              f"E0000001,service,{drop_in},45,bus\n")
    assert response.status_code == 302
    after = wards()
    assert after["W06"]["free_services"] == "1"  # the LSOA's direct bus: 25 minutes
    assert after["W01"]["free_services"] == "0"  # the routing engine says 45
    # A ward's own imported row wins over its LSOA's.
    upload(client, f"from_code,to_kind,to_id,minutes,mode\nE0000006,service,{drop_in},25,bus\n"
                   f"W06,service,{drop_in},55,bus\n")
    assert wards()["W06"]["free_services"] == "0"
