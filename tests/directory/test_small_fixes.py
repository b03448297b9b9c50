"""Small things a young person or parent noticed: a price said twice, another council's
phone number on the demo county."""

from __future__ import annotations

import re

from app.config import load_config
from app.directory import openreferral

from .helpers import make_geography, make_service


def test_a_monthly_price_is_said_once(client, db):
    make_geography(db.session)
    monthly = make_service(db.session, name="Kick Club", cost_model="monthly", cost_amount=25)
    make_service(db.session, name="Tuesday Boxing", cost_model="per_session", cost_amount=3)
    listing = client.get("/directory").get_data(as_text=True)
    assert listing.count("£25.00") == 1 and "£25.00 a month" in listing
    # A per-session price still gets its monthly figure.
    assert re.search(r"£3\.00 a session · about £\d+\.\d\d a month", listing)
    page = client.get(f"/directory/{monthly.id}").get_data(as_text=True)
    assert page.count("£25.00") == 1
    doc = openreferral.service_to_hsds(monthly, scope="abcd1234", monthly=25.0)
    assert doc["fees_description"] == "£25.00 a month"


def test_the_default_front_door_names_no_council(client, db):
    default = load_config({"APP_ENV": "testing"}, {})["COUNCIL_FRONT_DOOR"]
    assert "Herefordshire" not in default and not re.search(r"\d{5}", default)
    help_page = client.get("/help").get_data(as_text=True)
    assert "01432" not in help_page
    from pathlib import Path

    script = (Path(__file__).parents[2] / "scripts" / "serve-demo.sh").read_text()
    assert re.search(r'export COUNCIL_FRONT_DOOR=\$\{COUNCIL_FRONT_DOOR:-"Wyvernshire', script)
