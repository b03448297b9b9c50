"""Results on a map beside the list, and the same search as a list to print or send."""

from __future__ import annotations

import json
import re
from datetime import time

from .helpers import make_geography, make_service


def _setup(db):
    make_geography(db.session)
    make_service(db.session, name="Cityton Football", phone="01632 960111",
                 how_to_join="Come along.", joining="drop_in")
    make_service(db.session, name="Farfield FC", postcode="ZZ3 3CC", x=355000.0, y=241000.0,
                 lsoa_code="E01000003", sessions=[(5, time(10), time(12), False)])
    make_service(db.session, name="Online Chess", service_type="online", postcode=None, x=None,
                 y=None, lsoa_code=None, no_fixed_place=True, sessions=[])


def _labels(html: str) -> list[str]:
    """The names on the map: its labels are a JSON island, never JavaScript source."""
    island = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)[1]
    return json.loads(island)


def test_the_results_page_maps_the_placed_results(client, db):
    _setup(db)
    html = client.get("/directory?q=football&near=ZZ1+1AA").get_data(as_text=True)
    assert 'aria-label="Map of these results"' in html
    labels = _labels(html)
    assert any(lbl.startswith("Cityton Football: 0.0 miles (0.0 km) away") for lbl in labels)
    assert any(lbl.startswith("Farfield FC: 2.5 miles (4.0 km) away") for lbl in labels)
    assert not any("Online Chess" in lbl for lbl in labels)
    # Nothing placed, no map.
    assert "Map of these results" not in client.get("/directory?q=chess").get_data(
        as_text=True)


def test_a_shareable_printable_list_keeps_the_search(client, db):
    _setup(db)
    results = client.get("/directory?q=football&near=ZZ1+1AA").get_data(as_text=True)
    link = re.search(r'<a href="(/directory/share\?[^"]+)">A list of these to print',
                     results)[1].replace("&amp;", "&")
    assert "q=football" in link and "near=ZZ1" in link
    page = client.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Activities for young people near ZZ1 1AA" in html and "“football”" in html
    names = re.findall(r'<h2 class="heading-s">([^<]+)</h2>', html)
    assert names == ["Cityton Football", "Farfield FC"]
    assert 'href="tel:01632960111"' in html and "Drop in: just turn up. Come along." in html
    assert "· 2.5 miles (4.0 km) away" in html
    assert re.search(r'id="share-url"[^>]*value="http://localhost/directory/share\?[^"]*q=football',
                     html)
    # The print style sheet hides the search form, the map and the share box.
    css = client.get("/static/css/directory.css").get_data(as_text=True)
    printing = css[css.index("@media print"):]
    assert ".results-map-col" in printing and ".share-box" in printing


def test_the_share_page_says_how_a_typo_was_read(client, db):
    _setup(db)
    html = client.get("/directory/share?q=fotball").get_data(as_text=True)
    assert "“fotball” (read as “football”)" in html
    assert re.findall(r"<h2 class=\"heading-s\">([^<]+)</h2>", html) == ["Cityton Football",
                                                                   "Farfield FC"]


def test_a_hostile_query_is_escaped_on_the_share_page(client, db):
    _setup(db)
    html = client.get('/directory/share?q="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in html
