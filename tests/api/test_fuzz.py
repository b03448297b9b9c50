"""A bounded, deterministic schemathesis run against /api/v1/openapi.json.

Each operation gets a few dozen generated requests (valid and invalid
parameters), signed in as a councillor so ``/api/v1/gaps`` is exercised past
its sign-in check.  Derandomized: the same requests every run, so it cannot
flake.  It must find no 5xx, no undocumented status, no wrong content type and
no response that breaks the document's schemas.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ..gaps.seed import seed

pytestmark = pytest.mark.slow
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
# Negative cases need a parameter that can be wrong: the service reference is any
# string (a wrong one is a 404, which the positive run reaches) and the document
# itself takes none.
RUNS = [("GET /api/v1/services", POSITIVE), ("GET /api/v1/services", NEGATIVE),
        ("GET /api/v1/services/{service_ref}", POSITIVE),
        ("GET /api/v1/gaps", POSITIVE), ("GET /api/v1/gaps", NEGATIVE),
        ("GET /api/v1/openapi.json", POSITIVE)]


@pytest.mark.parametrize(("label", "mode"), RUNS)
def test_api_keeps_to_its_document(app, db, auth, client, label, mode):
    seed(db.session)
    auth.login_as("councillor")
    cookie = {"Cookie": f"session={client.get_cookie('session').value}"}
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = api.find_operation_by_label(label)
    assert operation is not None, label
    seen = []

    @settings(max_examples=30, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call_and_validate(headers=cookie, checks=CHECKS)
        seen.append(response.status_code)

    run()
    assert seen, "no request was sent"
    if operation.query or operation.path_parameters:
        assert len(seen) >= 10, seen
