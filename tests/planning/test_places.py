"""Giving a place on the planning forms (issue 15): by postcode, council building or
grid reference (what a click on the map fills in), exactly one of them, inside the
council's own area.  Unit tests of app.planning.place_input and the forms through the
test client, on the planning county (four 5 km squares from Ashby to Colwall)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.geodata.bundle import import_bundle
from app.geodata.council_area import council_area, in_council_area, on_grid
from app.models import Postcode, Scenario
from app.planning.place_input import (
    MANY_GIVEN,
    NONE_GIVEN,
    PlaceError,
    describe_click,
    example_grid,
    example_postcode,
    resolve_place,
)
from tests.conftest import HEREFORDSHIRE
from tests.county import County

from .county import SRC, build_county

COUNCIL = "Herefordshire Council"


@pytest.fixture
def county(db):
    ids = build_county(db.session)
    more = County(db.session, source=SRC)
    more.parish("E04000002", "Brook Green", bounds=(317_500, 237_500, 322_500, 242_500))
    more.postcode("HR4 9AA", 320_100, 240_100, lsoa="E01000002")
    more.postcode("HR4 9AB", 300_100, 240_300, lsoa="E01000001")
    more.postcode("HR2 7XX", 320_200, 240_200, lsoa="E01000002", terminated=date(2019, 12, 1))
    more.postcode("HR1 1ZZ", 400_000, 300_000)   # a real postcode, outside the area
    more.commit()
    return ids


def resolve(db, **given):
    return resolve_place(db.session, council=COUNCIL, **given)


def problem(db, **given) -> tuple[str, str]:
    with pytest.raises(PlaceError) as caught:
        resolve(db, **given)
    return caught.value.field, caught.value.message


# -- resolve_place ------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["hr4 9aa", "HR49AA", "  Hr4   9aA ", "HR4 9AA"])
def test_a_postcode_is_read_however_it_is_typed(db, county, typed):
    place = resolve(db, postcode=typed)
    assert (place.easting, place.northing) == (320_100, 240_100)
    assert place.postcode == "HR4 9AA" and place.building_id is None
    assert place.description == "HR4 9AA, near Brook Green"


def test_unknown_dead_and_misshapen_postcodes_are_named(db, county):
    assert problem(db, postcode="hr9 9zz") == ("postcode", "We don't know the postcode HR9 9ZZ")
    assert problem(db, postcode="HR2 7XX") == ("postcode",
                                               "The postcode HR2 7XX is no longer in use")
    field, message = problem(db, postcode="not a postcode")
    assert field == "postcode" and message.startswith("Enter a postcode in the right shape, like")
    assert problem(db, postcode="HR1 1ZZ") == ("postcode",
                                               "That place is outside Herefordshire Council's area")


def test_a_council_building(db, county):
    place = resolve(db, building_id=str(county["library"]))
    assert place.building_id == county["library"] and place.description == "Brook Library"
    assert (place.easting, place.northing) == (320_500, 240_000)
    # Far Hall is the council's, but 90 km from its area.
    assert problem(db, building_id=county["hall"]) == (
        "building_id", "That place is outside Herefordshire Council's area")
    for bad in ("999", "0", "-1", "1; DROP TABLE building", "9" * 40, "1.5", "<b>1</b>"):
        assert problem(db, building_id=bad) == ("building_id",
                                                "Pick a council building from the list"), bad


def test_a_grid_reference_inside_and_outside_the_area(db, county):
    place = resolve(db, easting="319 000", northing="240,500")
    assert (place.easting, place.northing) == (319_000, 240_500)
    assert place.description == "a point near Brook Green"
    # Just outside the drawn edge (generalised boundaries leave slivers): still in.
    assert resolve(db, easting=342_600, northing=240_000).easting == 342_600
    outside = ("easting", "That place is outside Herefordshire Council's area")
    assert problem(db, easting=360_000, northing=240_000) == outside
    assert problem(db, easting=240_000, northing=320_000) == outside   # swapped
    assert problem(db, easting=900_000, northing=240_000) == outside   # off the grid
    assert problem(db, easting=-5, northing=240_000) == outside


def test_exactly_one_way(db, county):
    assert problem(db) == ("postcode", NONE_GIVEN)
    assert problem(db, postcode="  ", building_id="", easting=None) == ("postcode", NONE_GIVEN)
    assert resolve(db, postcode="", required=False) is None
    assert problem(db, postcode="HR4 9AA", building_id=county["library"]) == (
        "postcode", MANY_GIVEN)
    assert problem(db, building_id=county["library"], easting=1, northing=2) == (
        "building_id", MANY_GIVEN)
    assert problem(db, easting="320000") == ("northing",
                                             "Enter the northing as well as the easting")
    assert problem(db, northing="240000") == ("easting",
                                              "Enter the easting as well as the northing")


@pytest.mark.parametrize("value", ["1e309", "-1e309", "inf", "nan", "NaN", "0x1p10", "£5",
                                   "\u202e5", "١٢", "<script>alert(1)</script>", "9" * 400,
                                   "1e-400x", "'; DROP TABLE postcode; --"])
def test_hostile_grid_references_are_refused_with_a_message(db, county, value):
    field, message = problem(db, easting=value, northing="240000")
    assert field == "easting"
    assert message in ("The easting must be a number of metres",
                       "That place is outside Herefordshire Council's area")


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "x" * 10_000, "HR4\x009AA",
                                   "'; DROP TABLE postcode; --", "ＨＲ４ ９ＡＡ", "\u202eHR4 9AA"])
def test_hostile_postcodes_are_refused_and_nothing_changes(db, county, value):
    before = db.session.scalars(select(Postcode.postcode).order_by(Postcode.postcode)).all()
    field, message = problem(db, postcode=value)
    assert field == "postcode" and len(message) < 120
    assert db.session.scalars(select(Postcode.postcode).order_by(Postcode.postcode)).all() \
        == before


def test_examples_lie_in_the_area(db, county):
    example = example_postcode(db.session)
    assert example in ("HR4 9AA", "HR4 9AB")
    x, y = example_grid(db.session)
    assert in_council_area(db.session, x, y)


def test_a_click_on_the_map_is_a_grid_reference_with_its_area(db, county):
    from pyproj import Transformer

    lng, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(320_300, 240_400)
    found = describe_click(db.session, lat, lng, council=COUNCIL)
    assert abs(found["easting"] - 320_300) <= 1 and abs(found["northing"] - 240_400) <= 1
    assert found["description"] == "near Brook Green"
    lng, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(400_000, 300_000)
    assert describe_click(db.session, lat, lng, council=COUNCIL) == {
        "error": "That place is outside Herefordshire Council's area"}
    for lat, lng in (("x", "1"), (None, None), ("nan", "1"), ("91", "0"), ("1e309", "2")):
        assert describe_click(db.session, lat, lng) == {"error": "That is not a place on the map"}


def test_with_no_areas_the_grid_of_great_britain_and_the_demo_county_is_used(db):
    assert council_area(db.session) is None
    assert on_grid(730_000, 320_000)          # the demo county, off East Anglia
    assert on_grid(351_000, 240_000)          # Hereford
    assert not on_grid(800_001, 240_000) and not on_grid(float("nan"), 1)
    assert resolve(db, easting=730_000, northing=320_000).description \
        == "the point 730,000, 320,000"
    assert problem(db, easting=900_000, northing=1)[0] == "easting"


# -- the forms, through the test client ---------------------------------------------------

def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def make_scenario(client) -> int:
    r = client.post("/planning/scenarios", data={"name": "Places"})
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


BASE = {"add-name": "Brook drop-in", "add-service_type": "drop_in",
        "add-sessions_per_week": "1", "add-cost_model": "free"}


def test_add_a_proposed_service_by_postcode(client, auth, db, county):
    auth.login_as("commissioner")
    sid = make_scenario(client)
    page = text(client.get(f"/planning/scenarios/{sid}"))
    assert 'id="add-postcode-hint">For example, HR4 9A' in page
    assert "Advanced: grid reference" in page and "Brook Library</option>" in page
    r = client.post(f"/planning/scenarios/{sid}/add-service",
                    data={**BASE, "add-postcode": "hr4 9aa"})
    assert r.status_code == 302
    page = text(client.get(f"/planning/scenarios/{sid}"))
    assert "Add Brook drop-in (drop-in) at HR4 9AA, near Brook Green" in page
    assert re.search(r'id="newly-reached">50<', page)
    db.session.expire_all()
    change = db.session.get(Scenario, sid).changes[0]
    assert (change["x"], change["y"]) == (320_100, 240_100) and "building_id" not in change


@pytest.mark.parametrize("where,field,message", [
    ({}, "add-postcode", "Enter a postcode, pick a council building or give a grid reference"),
    ({"add-postcode": "HR9 9ZZ"}, "add-postcode", "We don&#39;t know the postcode HR9 9ZZ"),
    ({"add-postcode": "HR1 1ZZ"}, "add-postcode",
     "That place is outside Herefordshire Council&#39;s area"),
    ({"add-postcode": "HR4 9AA", "add-building_id": "{library}"}, "add-postcode",
     "Give just one of"),
    ({"add-building_id": "{hall}"}, "add-building_id",
     "That place is outside Herefordshire Council&#39;s area"),
    ({"add-x": "360000", "add-y": "240000"}, "add-x",
     "That place is outside Herefordshire Council&#39;s area"),
    ({"add-x": "320000"}, "add-y", "Enter the northing as well as the easting"),
    ({"add-postcode": "<script>alert(1)</script>"}, "add-postcode",
     "Enter a postcode in the right shape"),
])
def test_a_bad_place_is_refused_beside_its_field_and_nothing_is_stored(
        client, auth, db, county, where, field, message):
    auth.login_as("commissioner")
    sid = make_scenario(client)
    where = {k: v.format(**county) if v.startswith("{") else v for k, v in where.items()}
    r = client.post(f"/planning/scenarios/{sid}/add-service", data={**BASE, **where})
    assert r.status_code == 400
    page = text(r)
    assert "There is a problem" in page and f'href="#{field}">{message}' in page
    assert re.search(rf'id="{field}-error"><span class="visually-hidden">Error:</span> '
                     + re.escape(message), page)
    assert "<script>alert(1)</script>" not in page
    if field in ("add-x", "add-y"):
        assert '<details class="place-grid" open>' in page
    db.session.expire_all()
    assert db.session.get(Scenario, sid).changes == []


def test_a_place_error_and_another_error_show_together(client, auth, db, county):
    auth.login_as("commissioner")
    sid = make_scenario(client)
    r = client.post(f"/planning/scenarios/{sid}/add-service",
                    data={**BASE, "add-name": "", "add-postcode": "HR9 9ZZ"})
    page = text(r)
    assert r.status_code == 400
    assert "Give the proposed service a name" in page and "HR9 9ZZ" in page


def test_the_map_click_endpoint(client, auth, db, county):
    from pyproj import Transformer

    assert client.get("/planning/place?lat=52&lng=-2").status_code == 302   # signed out
    auth.login_as("commissioner")
    lng, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(300_000, 240_000)
    r = client.get(f"/planning/place?lat={lat}&lng={lng}")
    assert r.status_code == 200 and r.json["description"] == "near West"  # the ward: no parish there
    assert client.get("/planning/place").json == {"error": "That is not a place on the map"}
    auth.login_as("councillor")
    assert client.get(f"/planning/place?lat={lat}&lng={lng}").status_code == 403


def test_best_sites_with_a_site_given_by_postcode(client, auth, db, county):
    auth.login_as("commissioner")
    page = text(client.get("/planning/sites"))
    assert 'id="site_postcode-hint">For example, HR4 9A' in page
    r = client.get("/planning/sites", query_string={
        "k": "1", "threshold": "30", "no_buildings": "y", "site_name": "Brook chapel",
        "site_postcode": "hr4 9aa"})
    assert r.status_code == 200
    chosen = text(r).split('id="chosen-sites"')[1].split("</ol>")[0]
    assert "Brook chapel" in chosen
    # Without a name the place names the site.
    r = client.get("/planning/sites", query_string={
        "k": "1", "threshold": "30", "no_buildings": "y", "site_x": "320000",
        "site_y": "240000"})
    assert "Site at near Brook Green" not in text(r)
    assert "Site near Brook Green" in text(r).split('id="chosen-sites"')[1]
    # Lines in the box may give a postcode too; each is checked against the area.
    r = client.get("/planning/sites", query_string={
        "k": "1", "threshold": "30", "no_buildings": "y",
        "points": "Ashby hall, HR4 9AB\nChapel, hr4 9aa"})
    assert r.status_code == 200 and "Chapel" in text(r).split('id="chosen-sites"')[1]


@pytest.mark.parametrize("query,field,message", [
    ({"site_name": "Hall"}, "site_postcode", NONE_GIVEN),
    ({"site_postcode": "HR9 9ZZ"}, "site_postcode", "We don&#39;t know the postcode HR9 9ZZ"),
    ({"site_x": "400000", "site_y": "300000"}, "site_x",
     "That place is outside Herefordshire Council&#39;s area"),
    ({"points": "Far barn, 400000, 300000"}, "points",
     "Line 1: That place is outside Herefordshire Council&#39;s area"),
    ({"points": "Ok, 320000, 240000\nBarn, HR9 9ZZ"}, "points",
     "Line 2: We don&#39;t know the postcode HR9 9ZZ"),
])
def test_best_sites_refuses_a_bad_site_beside_its_field(client, auth, db, county, query,
                                                         field, message):
    auth.login_as("commissioner")
    r = client.get("/planning/sites", query_string={"k": "1", "threshold": "30", **query})
    assert r.status_code == 400
    page = text(r)
    assert f'href="#{field}">{message}' in page and 'id="chosen-sites"' not in page


# -- real Herefordshire -----------------------------------------------------------------

@pytest.mark.skipif(not HEREFORDSHIRE.is_dir(), reason="real data folder missing")
def test_real_herefordshire_postcodes_and_points(db):
    import_bundle(db.session, HEREFORDSHIRE)
    db.session.commit()
    live = db.session.scalars(select(Postcode).where(
        Postcode.postcode.like("HR1 %"), Postcode.terminated.is_(None))
        .order_by(Postcode.postcode).limit(1)).one()
    place = resolve(db, postcode=live.postcode.lower().replace(" ", ""))
    assert place.postcode == live.postcode and place.description.startswith(live.postcode)
    assert resolve(db, easting=351_000, northing=240_000).description.startswith("a point near ")
    # Worcester (outside the county) and the demo county are refused.
    assert problem(db, easting=385_000, northing=255_000)[0] == "easting"
    assert problem(db, easting=730_000, northing=320_000)[0] == "easting"
    assert example_postcode(db.session).startswith(("HR", "LD"))
