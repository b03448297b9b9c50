"""The OpenAPI 3.1 document of ``/api/v1/*`` (plain data; no Flask).

Kept by hand beside the views rather than generated from them: the views are
plain Flask functions with hand-checked parameters, and the document says what
a client may rely on (HSDS 3 services, the gap figures).  Tests check every
response of the real views against it with ``jsonschema`` and fuzz it with
schemathesis, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from ..analysis.classify import SCHEMES
from ..analysis.figures import FIGURES, TABLE_COLUMNS
from ..analysis.gaps import DEFAULT_WEIGHTS
from ..analysis.services import FILTERS
from ..analysis.travel import MODES
from ..models import AREA_LEVELS

API_PAGE_MAX = 100
API_PAGE_NUMBER_MAX = 1_000_000
UUID = {"type": "string", "format": "uuid"}
TEXT = {"type": "string"}
NUMBER_OR_NULL = {"type": ["number", "null"]}
DATE = {"type": "string", "format": "date"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _object(properties: dict, required: tuple = (), **extra) -> dict:
    return {"type": "object", "properties": properties, "required": list(required), **extra}


def _schemas() -> dict:
    address = _object({"id": UUID, "location_id": UUID, "address_1": TEXT, "city": TEXT,
                       "state_province": TEXT, "postal_code": TEXT, "country": TEXT,
                       "address_type": TEXT}, ("id", "address_1", "city", "country"))
    location = _object({
        "id": UUID, "name": {"type": ["string", "null"]}, "location_type": TEXT,
        "latitude": NUMBER_OR_NULL, "longitude": NUMBER_OR_NULL,
        "transportation": {"type": ["string", "null"]},
        "addresses": {"type": "array", "items": address},
        "yvm:easting": NUMBER_OR_NULL, "yvm:northing": NUMBER_OR_NULL,
        "yvm:lsoa_code": {"type": ["string", "null"]},
    }, ("id",))
    schedule = _object({"id": UUID, "service_id": UUID, "freq": {"const": "WEEKLY"},
                        "byday": {"enum": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]},
                        "opens_at": {"type": "string", "pattern": r"^\d\d:\d\d$"},
                        "closes_at": {"type": "string", "pattern": r"^\d\d:\d\d$"},
                        "yvm:term_time_only": {"type": "boolean"}},
                       ("id", "service_id", "freq", "byday", "opens_at", "closes_at"))
    cost = _object({"id": UUID, "service_id": UUID, "amount": NUMBER_OR_NULL,
                    "currency": {"const": "GBP"}, "option": TEXT, "yvm:cost_model": TEXT},
                   ("id", "service_id", "currency"))
    service = _object({
        "id": UUID,
        "name": TEXT,
        "description": {"type": ["string", "null"]},
        "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]},
        "organization_id": {"type": ["string", "null"], "format": "uuid"},
        "organization": {"type": ["object", "null"]},
        "minimum_age": NUMBER_OR_NULL,
        "maximum_age": NUMBER_OR_NULL,
        "assured_date": {"type": ["string", "null"], "format": "date"},
        "service_at_locations": {"type": "array", "items": _object(
            {"id": UUID, "service_id": UUID, "location_id": UUID, "location": location},
            ("id", "location"))},
        "schedules": {"type": "array", "items": schedule},
        "cost_options": {"type": "array", "items": cost},
        "funding": {"type": "array", "items": _object(
            {"id": UUID, "source": {"type": ["string", "null"]},
             "yvm:funding_end": {"type": ["string", "null"], "format": "date"}}, ("id",))},
        "attributes": {"type": "array"},
        "yvm:service_type": TEXT, "yvm:uniformed": {"type": "boolean"},
        "yvm:cost_model": TEXT, "yvm:status": {"enum": ["active", "paused", "closed"]},
        "yvm:capacity": {"type": ["integer", "null"]},
        "yvm:outside_council": {"type": "boolean", "description":
                                "In a neighbouring area: outside the council's own area."},
    }, ("id", "name", "status"),
        description="An Open Referral (HSDS 3) service, fully nested, with `yvm:` extensions.")
    page = _object({
        "total_items": {"type": "integer", "minimum": 0},
        "total_pages": {"type": "integer", "minimum": 1},
        "page_number": {"type": "integer", "minimum": 1},
        "size": {"type": "integer", "minimum": 0, "maximum": API_PAGE_MAX},
        "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": {"type": "array", "items": _ref("Service"), "maxItems": API_PAGE_MAX},
    }, ("total_items", "total_pages", "page_number", "size", "first_page", "last_page",
        "empty", "contents"), description="One page of services (HSDS 3 `Page`).")
    numeric = {col: NUMBER_OR_NULL for col in TABLE_COLUMNS
               if col not in ("name", "code", "complete", "missing", "uncertain")}
    area = _object({"code": TEXT, "name": TEXT, "rank": {"type": ["integer", "null"]},
                    "complete": {"type": "boolean",
                                 "description": "False when an input is missing (see `missing`)."},
                    "missing": {"type": "string",
                                "description": "The missing inputs, comma-separated; empty when "
                                               "complete."},
                    "uncertain": {"type": ["boolean", "null"],
                                  "description": "True when a quarter or more of the area's "
                                                 "young people live in LSOAs with partial or "
                                                 "no postcode coverage, so its reach is "
                                                 "uncertain (`uncertain_share`: that share)."},
                    **numeric}, ("code", "name", "rank"),
                   description="One area's figures. Counts about people (`responses`, "
                               "`cites_*`) are disclosure-controlled: null when hidden.")
    gaps = _object({
        "level": {"enum": list(AREA_LEVELS)},
        "parameters": _object({"threshold_minutes": {"type": "integer"},
                               "mode": {"enum": list(MODES)}, "speed_kmh": {"type": "number"},
                               "circuity": {"type": "number"}, "filter": {"enum": list(FILTERS)},
                               "max_monthly": {"type": "number"},
                               "age_min": {"type": "integer", "description": (
                                   "Youngest age counted in `young_people` (the "
                                   "`YOUTH_AGE_MIN` setting).")},
                               "age_max": {"type": "integer", "description": (
                                   "Oldest age counted (`YOUTH_AGE_MAX`).")},
                               "weights": {"type": "object",
                                           "additionalProperties": {"type": "number"}}},
                              ("threshold_minutes", "mode", "filter", "age_min", "age_max",
                               "weights")),
        "data_version": {"type": "array", "prefixItems": [{"type": "integer"}, TEXT],
                         "items": False,
                         "description": "The directory/geography version and the published "
                                        "snapshot's random token (no response count)."},
        "disclosure": _object({"suppressed": TEXT, "rounded_to": {"type": "integer"},
                               "applies_to": {"type": "array", "items": TEXT}},
                              ("suppressed", "rounded_to")),
        "figures": {"type": "object", "additionalProperties": _object(
            {"label": TEXT, "source": TEXT}, ("label", "source"))},
        "sources": {"type": ["object", "array", "null"]},
        "areas": {"type": "array", "items": _ref("GapArea")},
        "funding_at_risk": {"type": "array", "items": {"type": "object"}},
        "links": _object({"csv": TEXT, "geojson": TEXT}, ("csv", "geojson")),
    }, ("level", "parameters", "data_version", "disclosure", "figures", "areas",
        "funding_at_risk", "links"))
    return {
        "Service": service,
        "ServicePage": page,
        "GapArea": area,
        "Gaps": gaps,
        "ApiError": _object({"error": TEXT, "status": {"type": "integer"}}, ("error", "status")),
        "ParameterErrors": _object({"errors": {"type": "object",
                                               "additionalProperties": TEXT},
                                    "message": TEXT}, ("errors",)),
        "Problem": _object({"error": TEXT, "message": TEXT}, ("error",)),
    }


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _gap_parameters() -> list[dict]:
    params = [
        _query("level", {"enum": list(AREA_LEVELS)}, "Area level (default: ward)."),
        _query("figure", {"enum": sorted(FIGURES)}, "The figure mapped and sorted by."),
        _query("filter", {"enum": list(FILTERS)},
               "Which provision counts as reachable (default: the `REACH_FILTER` setting)."),
        _query("max_monthly", {"type": "number", "minimum": 0, "maximum": 500},
               "Most a month in pounds, for the `under` filter (default: "
               "`REACH_MAX_MONTHLY`)."),
        _query("threshold", {"type": "integer", "minimum": 5, "maximum": 120},
               "Travel time in minutes (default: `TRAVEL_THRESHOLD_MIN`)."),
        _query("mode", {"enum": list(MODES)}, "Way of travelling (default: `TRAVEL_MODE`)."),
        _query("scheme", {"enum": list(SCHEMES)}, "Map classification."),
        _query("sort", {"enum": list(TABLE_COLUMNS)}, "Column to sort the areas by."),
        _query("desc", {"enum": ["1", "true", "yes", "0", "false", "no"]}, "Sort descending."),
    ]
    params += [_query(f"w_{key}", {"type": "number", "minimum": 0, "maximum": 10},
                      f"Weight of the {key} component in the gap score.")
               for key in DEFAULT_WEIGHTS]
    return params


def document() -> dict:
    """The OpenAPI 3.1 document, as a JSON-ready dict."""
    bad = _json(_ref("ParameterErrors"), "A parameter could not be used; each is named.")
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Youth Voice Map API",
            "version": "1",
            "description": "The council's directory of youth provision as Open Referral "
                           "(HSDS 3), and the gap analysis behind the gap map. Every count "
                           "about people is disclosure-controlled.",
            "license": {"name": "Open Government Licence v3.0",
                        "url": "https://www.nationalarchives.gov.uk/doc/"
                               "open-government-licence/version/3/"},
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/services": {"get": {
                "operationId": "listServices",
                "summary": "A page of services (HSDS 3)",
                "parameters": [
                    _query("page", {"type": "integer", "minimum": 1, "maximum": API_PAGE_NUMBER_MAX},
                           "Page number (from 1)."),
                    _query("per_page", {"type": "integer", "minimum": 1,
                                        "maximum": API_PAGE_MAX}, "Services a page (25)."),
                    _query("search", TEXT, "Words in the service's name."),
                ],
                "responses": {
                    "200": _json(_ref("ServicePage"), "One page of services."),
                    "400": _json(_ref("ApiError"), "A bad `page` or `per_page`, with the reason."),
                },
            }},
            "/api/v1/services/{service_ref}": {"get": {
                "operationId": "getService",
                "summary": "One service, fully nested (HSDS 3)",
                "parameters": [{"name": "service_ref", "in": "path", "required": True,
                                "schema": TEXT,
                                "description": "The service's UUID (as the list gives) or "
                                               "its number."}],
                "responses": {
                    "200": _json(_ref("Service"), "The service."),
                    "404": _json({"anyOf": [_ref("ApiError"), _ref("Problem")]},
                                 "No service has that id."),
                },
            }},
            "/api/v1/gaps": {"get": {
                "operationId": "getGaps",
                "summary": "Gap figures for every area, ranked (staff: councillors, "
                           "commissioners, admins)",
                "security": [{"session": []}],
                "parameters": _gap_parameters(),
                "responses": {
                    "200": _json(_ref("Gaps"), "Figures, ranked (rank 1 = biggest gap)."),
                    "400": bad,
                    "401": _json(_ref("Problem"), "Not signed in."),
                    "403": _json(_ref("Problem"), "Signed in with a role that cannot see it."),
                },
            }},
            "/api/v1/openapi.json": {"get": {
                "operationId": "getOpenApi",
                "summary": "This document",
                "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
            }},
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie",
                                            "name": "session",
                                            "description": "A staff session (sign in at "
                                                           "/login)."}},
        },
    }
