"""A service page a young person can use (issue 15): where it is in words, a directions
link a phone opens in its maps app, and no data-format links on the public pages."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from .helpers import make_geography, make_service


def _directions(html: str) -> str | None:
    found = re.search(r'<a class="directions-link" href="([^"]+)"', html)
    return unescape(found.group(1)) if found else None


def test_service_page_says_where_in_words_and_links_directions_by_postcode(client, db):
    make_geography(db.session)
    service = make_service(db.session, venue_name="Farfield Village Hall", x=355000.0,
                           y=241000.0, postcode="ZZ3 3CC")
    html = client.get(f"/directory/{service.id}").get_data(as_text=True)
    assert "In Farfield" in html  # the parish the venue stands in, by name
    url = urlsplit(_directions(html))
    assert (url.scheme, url.netloc, url.path) == ("https", "www.google.com", "/maps/dir/")
    assert parse_qs(url.query) == {"api": ["1"], "destination": ["ZZ3 3CC"]}
    assert "Directions to Farfield Village Hall" in html


def test_directions_fall_back_to_latitude_and_longitude_without_a_postcode(client, db):
    service = make_service(db.session, postcode=None, x=351000.0, y=241000.0)
    query = parse_qs(urlsplit(_directions(client.get(f"/directory/{service.id}")
                                          .get_data(as_text=True))).query)
    lat, lon = (float(v) for v in query["destination"][0].split(","))
    # 351000, 241000 on the British National Grid is in Herefordshire.
    assert 51.9 < lat < 52.2 and -2.9 < lon < -2.5


def test_a_hostile_postcode_cannot_change_where_the_link_goes(client, db):
    service = make_service(db.session, postcode="X&a=2#@e/")  # fits the 10-character column
    url = urlsplit(_directions(client.get(f"/directory/{service.id}").get_data(as_text=True)))
    assert url.netloc == "www.google.com" and url.fragment == ""
    assert parse_qs(url.query) == {"api": ["1"], "destination": ["X&a=2#@e/"]}


def test_no_directions_without_a_place_or_with_the_setting_empty(app, client, db):
    roaming = make_service(db.session, name="Detached youth work", no_fixed_place=True,
                           postcode=None, x=None, y=None, lsoa_code=None)
    assert _directions(client.get(f"/directory/{roaming.id}").get_data(as_text=True)) is None
    app.config["DIRECTIONS_URL"] = ""
    club = make_service(db.session)
    assert _directions(client.get(f"/directory/{club.id}").get_data(as_text=True)) is None


def test_data_formats_live_on_the_about_data_page_not_the_young_persons_directory(client, db):
    make_service(db.session)
    public = client.get("/directory").get_data(as_text=True)
    for word in ("GeoJSON", "HSDS", "export.csv", "/api/v1/"):
        assert word not in public
    about = client.get("/about/data").get_data(as_text=True)
    for link in ("/directory/export.csv", "/directory/export.geojson",
                 "/directory/export.json", "/api/v1/services", "/api/v1/openapi.json"):
        assert f'href="{link}"' in about
