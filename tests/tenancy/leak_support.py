"""Shared by the leak tests (test_leak.py, test_leak_more.py): two small counties with
distinctive names and codes, and the helpers that walk routes and look for council
B's markers.  The ``walked`` fixture that builds them is in conftest.py."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import select

from app.models import Organisation, use_council
from tests.conftest import make_user
from tests.county import County

B_MARKERS = ("Zephyrbury", "E01099901", "E01099902", "E05099901", "zephyr-secret")
# The national picture (docs/NATIONAL.md) is every council's *published* figures and
# public directory by design, so it names B and B's clubs; it must still show nothing
# of B that B does not publish: no free text, no small area of B's.
NATIONAL = {"national.index", "national.download_csv", "national.download_hsds"}
B_PRIVATE = ("E01099901", "E01099902", "E05099901", "zephyr-secret")


def survey_definition(title: str) -> dict:
    """The shipped survey as survey "youth" titled ``title`` (a page that parses the
    definition must find a real one)."""
    with open(Path(__file__).parents[2] / "surveys" / "youth-voice.yaml", encoding="utf-8") as fh:
        data = json.loads(json.dumps(yaml.safe_load(fh), default=str))
    return {**data, "slug": "youth", "title": {"en": title}}


def build_county(session, *, prefix: str, lsoa: str, ward: str, centre, token: str) -> dict:
    county = County(session, token_prefix=token)
    for n in (1, 2):
        county.lsoa(f"{lsoa}{n}", f"{prefix} LSOA {n}", centre=(centre[0] + 3_000 * n, centre[1]),
                    size=3_000, indicators={"population_total": 3000,
                                            "population_age_13_19": 240, "imd_score": 30.0,
                                            "idaci_score": 0.25, "rural": 0.0})
    county.ward(ward, f"{prefix} Ward", centre=(centre[0] + 4_500, centre[1]),
                size=(6_000, 3_000), key="ward")
    county.organisation(f"{prefix} Trust", kind="charity")
    county.service(f"{prefix} Youth Hub", centre[0] + 3_000, centre[1], key="service",
                   organisation=f"{prefix} Trust", funding_end=timedelta(days=60),
                   sessions=[(2, "18:00", "20:00")])
    county.building(f"{prefix} Library", centre[0] + 6_000, centre[1], key="building")
    county.survey("youth", title=f"{prefix} youth survey",
                  definition=survey_definition(f"{prefix} youth survey"))
    county.responses("youth", f"{lsoa}1", 12, answers={"barriers": "too_expensive"})
    county.response("youth", f"{lsoa}2", free_text={"say": f"{prefix.lower()}-secret words"},
                    key="response")
    county.publish()
    return {**county.ids, "ward_code": ward, "lsoa_code": f"{lsoa}1"}


def fill(rule, ids: dict):
    """A URL for ``rule`` with its parameters filled from ``ids``, or None."""
    values = {}
    for arg in rule.arguments:
        name = arg.lower()
        if "code" in name or name in ("ward", "area"):
            values[arg] = ids["ward_code"]
        elif name in ("service_id", "id", "service"):
            values[arg] = ids["service"]
        elif "building" in name:
            values[arg] = ids["building"]
        elif "response" in name:
            values[arg] = ids["response"]
        else:
            return None
    try:
        return rule.build(values, append_unknown=False)[1]
    except Exception:  # noqa: BLE001 - a converter that refuses our value: skip the route
        return None


def get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.rule.endswith(".pdf") or "pdf" in rule.endpoint:
            continue  # PDF text is compressed: checked by the jobs and PDF tests, not here
        yield rule


def leaks(body: str, url: str, markers: tuple[str, ...] = B_MARKERS) -> list[str]:
    """B's markers in ``body``, but for one the URL itself carries (a page may say
    "no ward E05099901": it repeats what was asked, it does not know it)."""
    return [m for m in markers if m.lower() not in url.lower()
            and re.search(re.escape(m), body, re.IGNORECASE)]




def users_of(db, council_id: int, roles) -> dict:
    """One staff account per role of ``council_id`` (the partner in its own trust).

    On PostgreSQL a transaction's council is set when it begins: the session's is
    ended first, so the accounts are made in one of ``council_id``'s own."""
    db.session.rollback()
    with use_council(council_id):
        organisation = db.session.scalar(select(Organisation).where(
            Organisation.name.like("% Trust")))
        return {role: make_user(db, role, organisation=organisation if role == "partner"
                                else None) for role in roles}


def sign_in(client, user, host: str):
    """Sign ``client`` in as ``user`` on ``host`` (``http://a.example``).

    ``tests.conftest.sign_in_client`` sets the session cookie for ``localhost``:
    the test client does not send it to another host, so a walk on a council's
    own host would be anonymous for every role."""
    import time

    with client.session_transaction(base_url=host) as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sess["login_at"] = time.time()
    return client
