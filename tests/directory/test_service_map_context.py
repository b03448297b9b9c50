"""With no basemap configured, a service's map shows the places around it."""

from __future__ import annotations

from .helpers import make_geography, make_service


def test_service_map_without_tiles_draws_nearby_parishes(client, db):
    make_geography(db.session)
    service = make_service(db.session, x=355000.0, y=241000.0, postcode="ZZ3 3CC")
    html = client.get(f"/directory/{service.id}").get_data(as_text=True)
    # The outline is drawn as GeoJSON in the map script, with its name for the tooltip.
    script = html[html.index("geo_json"):]
    assert '"name": "Farfield"' in script


def test_service_map_with_tiles_draws_no_outlines(app, client, db):
    app.config["MAP_TILES_URL"] = "https://tile.example.org/{z}/{x}/{y}.png"
    app.config["MAP_TILES_ATTRIBUTION"] = "© Example tiles"
    make_geography(db.session)
    service = make_service(db.session, x=355000.0, y=241000.0, postcode="ZZ3 3CC")
    html = client.get(f"/directory/{service.id}").get_data(as_text=True)
    assert "geo_json" not in html
    assert "tile.example.org" in html
