"""With MAP_TILES_URL set, the map uses those tiles and the CSP allows only that host."""

from __future__ import annotations

import pytest

from tests.gaps.seed import seed

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


@pytest.fixture
def app_config():
    return {"MAP_TILES_URL": TILES, "MAP_TILES_ATTRIBUTION": "© Example tiles"}


def test_configured_tiles_are_used(client, auth, db):
    seed(db.session)
    auth.login_as("councillor")
    response = client.get("/map?level=lsoa")
    html = response.get_data(as_text=True)
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in html
    assert "\\u00a9 Example tiles" in html  # JSON-escaped in the map options
    assert "https://tiles.example.org" in response.headers["Content-Security-Policy"]
