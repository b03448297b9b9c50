"""The privacy notice is generated from the real settings."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config():
    return {"RETENTION_FREE_TEXT_DAYS": 180, "RETENTION_SAFEGUARDING_NOTES_DAYS": 1095,
            "DISCLOSURE_MAX_SUPPRESSED": 9, "DISCLOSURE_ROUND_TO": 10,
            "MAP_TILES_URL": "https://tile.example.org/{z}/{x}/{y}.png",
            "MAP_TILES_ATTRIBUTION": "© Example tiles"}


def test_privacy_page_follows_the_settings(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "6 months</strong> (180 days)" in html
    assert "3 years</strong> (1095 days)" in html
    assert "from 1 to 9" in html and "nearest 10" in html
    assert "tile.example.org" in html  # the one third party a phone talks to
    assert "Herefordshire Council is responsible" in html


def test_privacy_page_default_settings(app, client):
    app.config.update(RETENTION_FREE_TEXT_DAYS=365, RETENTION_SAFEGUARDING_NOTES_DAYS=730,
                      MAP_TILES_URL="")
    html = client.get("/privacy").get_data(as_text=True)
    assert "1 year</strong> (365 days)" in html and "2 years</strong> (730 days)" in html
    assert "background pictures" not in html
