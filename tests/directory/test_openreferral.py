"""Open Referral UK / HSDS 3: the demo directory's export validates against the published
schema and re-importing it reproduces the directory; the API pages through it."""

from __future__ import annotations

import json

import pytest

from app.demo import DemoContext
from app.demo import directory as demo_directory
from app.directory import openreferral
from app.directory.records import canonical
from app.models import Organisation, Service

from ..conftest import OPENREFERRAL
from .demo_geo import make_demo_geography

SCHEMA = OPENREFERRAL / "schema"
pytestmark = pytest.mark.skipif(not SCHEMA.is_dir(), reason="shared/openreferral is missing")


def _demo(db):
    make_demo_geography(db.session)
    demo_directory.build(db.session, DemoContext(seed=3))
    db.session.commit()


def _snapshot(db) -> list[dict]:
    return sorted((canonical(s) for s in db.session.query(Service)),
                  key=lambda r: (r["name"], r["postcode"], r["sessions"]))


def test_demo_export_validates_and_round_trips(db, runner, tmp_path):
    _demo(db)
    out = tmp_path / "directory.json"
    result = runner.invoke(args=["services", "export", "--format", "openreferral", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["total_items"] == db.session.query(Service).count() >= 50
    assert openreferral.validation_errors(doc, SCHEMA) == []
    # The extensions carry what HSDS lacks.
    scouts = next(s for s in doc["contents"] if s["yvm:uniformed"])
    assert scouts["yvm:cost_model"] in {"termly", "yearly", "monthly"}
    funded = [s for s in doc["contents"] if any("yvm:funding_end" in f for f in s.get("funding", []))]
    assert funded
    assert runner.invoke(args=["services", "validate", str(out), "--schema",
                               str(SCHEMA)]).exit_code == 0

    before = _snapshot(db)
    for s in db.session.query(Service):
        db.session.delete(s)
    db.session.query(Organisation).delete()
    db.session.commit()
    result = runner.invoke(args=["services", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert _snapshot(db) == before


def test_the_schema_check_can_fail(db):
    _demo(db)
    service = db.session.query(Service).first()
    item = openreferral.service_to_hsds(service, scope="abcdef12")
    assert openreferral.validation_errors(item, SCHEMA) == []
    del item["name"]
    item["status"] = "open"
    item["schedules"][0]["freq"] = "HOURLY"
    item["last_modified"] = "2026-11-25T20:15:15"  # no time zone: not RFC 3339
    item["organization_id"] = "not-a-uuid"
    errors = openreferral.validation_errors(item, SCHEMA)
    assert any("'name' is a required property" in e for e in errors)
    assert any("'open' is not one of" in e for e in errors)
    assert any("schedules/0/freq" in e for e in errors)
    assert any("last_modified" in e and "date-time" in e for e in errors)
    assert any("organization_id" in e and "uuid" in e for e in errors)


def test_import_of_a_bad_file_lists_problems_and_stores_nothing(db, runner, tmp_path):
    _demo(db)
    doc = openreferral.export_directory(db.session.query(Service).order_by(Service.id).limit(3),
                                        scope="abcdef12")
    doc["contents"][0]["yvm:cost_model"] = "daily"
    doc["contents"][2]["minimum_age"] = 99
    for s in db.session.query(Service):
        db.session.delete(s)
    db.session.commit()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    result = runner.invoke(args=["services", "import", str(path)])
    assert result.exit_code == 1
    first, third = doc["contents"][0]["id"], doc["contents"][2]["id"]  # named by number and id
    assert f"service 1 (id '{first}'), column cost_model: must be one of" in result.output
    assert f"service 3 (id '{third}'), column age_min: must be between 0 and 30" in result.output
    assert db.session.query(Service).count() == 0


def test_api_lists_pages_and_single_services(client, db):
    _demo(db)
    total = db.session.query(Service).count()
    validator = openreferral.schema_validator(SCHEMA)
    resp = client.get("/api/v1/services?per_page=20&page=2")
    assert resp.status_code == 200 and resp.is_json
    page = resp.get_json()
    assert page["total_items"] == total and page["page_number"] == 2
    assert page["size"] == 20 and page["first_page"] is False
    assert page["total_pages"] == -(-total // 20)
    for item in page["contents"]:
        assert not list(validator.iter_errors(item))
    one = page["contents"][0]
    single = client.get(f"/api/v1/services/{one['id']}")
    assert single.status_code == 200 and single.get_json()["name"] == one["name"]
    last = client.get(f"/api/v1/services?per_page=20&page={page['total_pages']}").get_json()
    assert last["last_page"] is True and last["size"] == total - 20 * (page["total_pages"] - 1)
    found = client.get("/api/v1/services?search=scouts").get_json()
    assert found["total_items"] >= 1 and all("scouts" in s["name"].lower()
                                             for s in found["contents"])


@pytest.mark.parametrize(("url", "status", "reason"), [
    ("/api/v1/services?page=0", 400, "page must be a whole number from 1 to 1,000,000"),
    ("/api/v1/services?page=" + "9" * 40, 400, "page must be a whole number from 1 to 1,000,000"),
    ("/api/v1/services?per_page=500", 400, "per_page must be between 1 and 100"),
    ("/api/v1/services?page=two", 400, "page must be a whole number from 1 to 1,000,000"),
    ("/api/v1/services/99999", 404, "no service has the id '99999'"),
    ("/api/v1/services/not-a-uuid", 404, "no service has the id 'not-a-uuid'"),
])
def test_api_errors_are_json_with_a_reason(client, db, url, status, reason):
    resp = client.get(url)
    assert resp.status_code == status and resp.is_json
    assert resp.get_json()["error"] == reason
