"""/api/v1/openapi.json: a valid OpenAPI 3.1 document that the real responses keep to."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from schemathesis.specs.openapi.definitions import OPENAPI_31

from ..gaps.seed import seed


@pytest.fixture
def doc(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def problems(doc: dict, path: str, status: int, response) -> list[str]:
    """Why ``response`` does not match what ``doc`` promises for ``path`` and ``status``."""
    operation = doc["paths"][path]["get"]
    promised = operation["responses"].get(str(status))
    if promised is None:
        return [f"status {status} is not documented for {path}"]
    if response.mimetype != "application/json":
        return [f"{path} answered {response.mimetype}"]
    schema = promised["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**doc, **schema}, format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(response.get_json())]


def test_the_document_is_valid_openapi_3_1(doc):
    Draft202012Validator(OPENAPI_31).validate(doc)
    for name, schema in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema), name
    assert set(doc["paths"]) == {"/api/v1/services", "/api/v1/services/{service_ref}",
                                 "/api/v1/gaps", "/api/v1/openapi.json"}


def test_documented_limits_are_the_views_limits(doc):
    from app.directory import service as svc

    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/services"]["get"]["parameters"]}
    assert params["page"]["maximum"] == svc.API_PAGE_NUMBER_MAX
    assert params["per_page"]["maximum"] == svc.API_PAGE_MAX


def test_every_api_rule_in_the_app_is_documented(app, doc):
    rules = {r.rule.replace("<service_ref>", "{service_ref}") for r in app.url_map.iter_rules()
             if r.rule.startswith("/api/")}
    assert rules == set(doc["paths"])


def test_real_service_responses_match_the_document(client, db, doc):
    ids = seed(db.session)
    listing = client.get("/api/v1/services?per_page=1")
    assert problems(doc, "/api/v1/services", 200, listing) == []
    body = listing.get_json()
    assert (body["total_items"], body["size"], body["total_pages"]) == (2, 1, 2)
    uuid = body["contents"][0]["id"]
    one = client.get(f"/api/v1/services/{uuid}")
    assert problems(doc, "/api/v1/services/{service_ref}", 200, one) == []
    assert one.get_json()["name"] == body["contents"][0]["name"]
    by_number = client.get(f"/api/v1/services/{ids['club']}")
    assert by_number.get_json()["name"] == "Paid club"
    for url, path, status in (
        ("/api/v1/services?page=0", "/api/v1/services", 400),
        ("/api/v1/services?per_page=101", "/api/v1/services", 400),
        ("/api/v1/services?page=1000001", "/api/v1/services", 400),
        ("/api/v1/services?page=2305843006529339202&per_page=5", "/api/v1/services", 400),
        ("/api/v1/services/999999", "/api/v1/services/{service_ref}", 404),
        ("/api/v1/services/99999999999999999999", "/api/v1/services/{service_ref}", 404),
        ("/api/v1/services/not-a-uuid", "/api/v1/services/{service_ref}", 404),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert problems(doc, path, status, response) == [], url


def test_real_gaps_responses_match_the_document(client, db, auth, doc):
    seed(db.session)
    anonymous = client.get("/api/v1/gaps")
    assert anonymous.status_code == 401
    assert problems(doc, "/api/v1/gaps", 401, anonymous) == []
    auth.login_as("safeguarding")
    refused = client.get("/api/v1/gaps")
    assert refused.status_code == 403
    assert problems(doc, "/api/v1/gaps", 403, refused) == []
    auth.logout()
    auth.login_as("councillor")
    ok = client.get("/api/v1/gaps?level=lsoa&threshold=20&filter=all")
    assert ok.status_code == 200
    assert problems(doc, "/api/v1/gaps", 200, ok) == []
    areas = ok.get_json()["areas"]
    assert len(areas) == 6 and [a["rank"] for a in areas] == sorted(a["rank"] for a in areas)
    bad = client.get("/api/v1/gaps?threshold=999&mode=rocket")
    assert bad.status_code == 400
    assert problems(doc, "/api/v1/gaps", 400, bad) == []
    assert set(bad.get_json()["errors"]) == {"threshold", "mode"}


def test_the_checker_notices_a_response_that_breaks_the_document(client, db, doc):
    seed(db.session)
    response = client.get("/api/v1/services?per_page=1")
    body = response.get_json()
    body["contents"][0]["status"] = "open"
    del body["total_items"]
    response.set_data(__import__("json").dumps(body))
    found = problems(doc, "/api/v1/services", 200, response)
    assert any("total_items" in p for p in found)
    assert any("contents/0/status" in p for p in found)
    assert problems(doc, "/api/v1/services", 418, response) == [
        "status 418 is not documented for /api/v1/services"]
