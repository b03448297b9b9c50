"""A corpus of malformed files (generated here) thrown at every import (issue 12).

Each file used to crash its import (``csv.Error``, ``RecursionError``,
``OverflowError``, ``AttributeError``, a PostgreSQL error half-way) or be stored
with an impossible value or a ``javascript:`` link (issues 12 and 30).  Each must
now be refused with a message naming the file, the row (an Open Referral service
by number and id) and the column or field, and leave every table exactly as it
was.  Runs on SQLite and, with ``TEST_DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

import copy
import io
import json

import pytest

from app.analysis.travel import MatrixError
from app.directory.io import (
    import_buildings_csv,
    import_services_csv,
    import_services_geojson,
)
from app.directory.openreferral_import import import_openreferral
from app.directory.places import to_latlon
from app.gaps.travel_import import import_matrix
from app.models import Service
from app.survey.campaigns import GiasError, read_gias
from tests.directory.helpers import make_geography

from .sweep import table_counts

SVC = "name,service_type,cost_model,cost_amount,age_min,postcode\n"
GOOD_SVC = "Club,open_access,free,,11,ZZ1 1AA\n"
BIG = "x" * 140_000  # over csv's 128 KiB field limit

SERVICE_CSVS = {
    "quoted cell over 128 KiB": (SVC + f'"{BIG}",open_access,free,,11,ZZ1 1AA\n', "row 2"),
    "1e400 pounds": (SVC + "Club,open_access,per_session,1e400,11,ZZ1 1AA\n", "cost_amount"),
    "nan pounds": (SVC + "Club,open_access,per_session,nan,11,ZZ1 1AA\n", "cost_amount"),
    "40-digit age": (SVC + "Club,open_access,free,," + "9" * 40 + ",ZZ1 1AA\n", "age_min"),
    "NUL in a cell": (SVC + "Cl\x00ub,open_access,free,,11,ZZ1 1AA\n", "row 2"),
    "too many cells": (SVC + GOOD_SVC.strip() + ",extra\n", "row 2"),
    "name longer than its column": (SVC + "N" * 300 + ",open_access,free,,11,ZZ1 1AA\n", "name"),
    "400-digit age": (SVC + "Club,open_access,free,," + "9" * 400 + ",ZZ1 1AA\n", "age_min"),
    "nan easting": ("name,service_type,cost_model,easting,northing\nClub,open_access,free,nan,"
                    "241000\n", "easting"),
}
BUILDING_CSVS = {
    "latitude 91": ("name,latitude,longitude\nHall,91,-2.7\n", "latitude"),
    "text coordinates": ("name,easting,northing\nHall,east,north\n", "easting"),
    "infinite easting": ("name,easting,northing\nHall,inf,250000\n", "easting"),
    "1e400 northing": ("name,easting,northing\nHall,350000,1e400\n", "northing"),
    "400-digit easting": ("name,easting,northing\nHall," + "9" * 400 + ",250000\n", "easting"),
    "superscript digits as a UPRN": ("name,uprn,easting,northing\nHall,\u00b9\u00b2,350000,"
                                     "250000\n", "uprn"),
    "kind longer than its column": ("name,kind,easting,northing\nHall," + "k" * 61
                                    + ",350000,250000\n", "kind"),
}


def _deep(n: int) -> str:
    return "[" * n + "]" * n


GEOJSON = {
    "features is a string": ('{"type": "FeatureCollection", "features": "lots"}', "features"),
    "properties not an object": (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": ["name"], "geometry": None}]}), "properties"),
    "text coordinates": (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "A"},
         "geometry": {"type": "Point", "coordinates": ["west", "north"]}}]}), "geometry"),
    "infinite coordinates": ('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                             '"properties": {"name": "A"}, "geometry": {"type": "Point", '
                             '"coordinates": [1e999, 52]}}]}', "not a finite number"),
    "latitude 91": (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "A"},
         "geometry": {"type": "Point", "coordinates": [-2.7, 91]}}]}), "geometry"),
    "nested 100,000 deep": (_deep(100_000), "nested"),
    "NaN": ('{"type": "FeatureCollection", "features": [], "x": NaN}', "NaN"),
    "400-digit coordinate": ('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                             '"properties": {"name": "A"}, "geometry": {"type": "Point", '
                             '"coordinates": [' + "9" * 400 + ', 52]}}]}', "32 digits"),
    "a property is an object": (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": {"en": "Club"}, "service_type": "open_access",
                                           "cost_model": "free"}, "geometry": None}]}),
        "feature 1, column name: must be text or a number"),
}


def _problems(result) -> str:
    assert not result.ok
    return "; ".join(f"row {p.row}, column {p.column}: {p.message}" for p in result.problems)


CSV_CASES = [(import_services_csv, SERVICE_CSVS, case) for case in sorted(SERVICE_CSVS)] + \
    [(import_buildings_csv, BUILDING_CSVS, case) for case in sorted(BUILDING_CSVS)]


@pytest.mark.parametrize("importer, corpus, case", CSV_CASES,
                         ids=[f"{i.__name__}: {c}" for i, _, c in CSV_CASES])
def test_csv_corpus(db, importer, corpus, case):
    text, where = corpus[case]
    before = table_counts(db)
    message = _problems(importer(db.session, text))
    db.session.rollback()
    assert where in message, message
    assert table_counts(db) == before


@pytest.mark.parametrize("case", sorted(GEOJSON))
def test_geojson_and_open_referral_corpus(db, case):
    text, where = GEOJSON[case]
    before = table_counts(db)
    message = _problems(import_services_geojson(db.session, text))
    assert where in message, message
    if case in ("nested 100,000 deep", "NaN", "400-digit coordinate"):
        message = _problems(import_openreferral(db.session, text))
        assert where in message, message
    db.session.rollback()
    assert table_counts(db) == before


LAT, LON = to_latlon(351_000, 241_000)  # in the test county's Cityton Centre
# One Open Referral (HSDS 3) service as another council's directory might send it:
# no yvm: extensions but the cost model, nested objects and lists everywhere.
HSDS_SERVICE = {
    "id": "svc-1", "name": "Cityton Youth Club", "status": "active", "description": "Games",
    "minimum_age": 11, "maximum_age": 18, "assured_date": "2026-01-05",
    "organization": {"id": "org-1", "name": "Cityton Youth Trust", "description": "A charity",
                     "website": "https://cityton.example/club"},
    "cost_options": [{"amount": 2.5, "yvm:cost_model": "per_session"}],
    "schedules": [{"byday": "MO,TH", "opens_at": "18:00", "closes_at": "20:00",
                   "notes": "Term time only"}],
    "funding": [{"source": "Council grant", "yvm:funding_end": "2027-03-31"}],
    "attributes": [{"taxonomy_term": {"taxonomy": "yvm-service-type", "code": "open_access"}}],
    "contacts": [{"name": "Sam", "phones": [{"number": "01234 567890"}]}],
    "service_at_locations": [{"location": {
        "name": "Cityton Hall", "latitude": LAT, "longitude": LON, "transportation": "Bus 1",
        "accessibility": [{"description": "Step-free"}],
        "addresses": [{"address_1": "1 High Street", "city": "Cityton",
                       "postal_code": "ZZ1 1AA"}]}}],
}
LOCATION = ("service_at_locations", 0, "location")
WHERE = "service_at_locations[0].location"


def hsds_with(path: tuple, value) -> dict:
    """HSDS_SERVICE with the value at ``path`` replaced (``None`` deletes a key)."""
    doc = copy.deepcopy(HSDS_SERVICE)
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if value is None and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


# case: (path, value, the field named); each used to give a 500 (AttributeError,
# OverflowError, PostgreSQL's DataError) or store a link the organisation form refuses.
OPEN_REFERRAL = {
    "organization is text": (("organization",), "Cityton Youth Trust", "organization"),
    "organization is a number": (("organization",), 7, "organization"),
    "organization is a list": (("organization",), [{"name": "A"}], "organization"),
    "cost_options is text": (("cost_options",), "free", "cost_options"),
    "a cost option is a number": (("cost_options", 0), 0, "cost_options[0]"),
    "schedules is an object": (("schedules",), {"byday": "MO"}, "schedules"),
    "a schedule is text": (("schedules", 0), "Mondays", "schedules[0]"),
    "byday is a list": (("schedules", 0, "byday"), ["MO"], "schedules[0].byday"),
    "byday is not a day": (("schedules", 0, "byday"), "Monday", "schedules[0].byday"),
    "opens_at is missing": (("schedules", 0, "opens_at"), None, "schedules[0].opens_at"),
    "funding is a number": (("funding",), 500, "funding"),
    "taxonomy_term is text": (("attributes", 0, "taxonomy_term"), "open_access",
                              "attributes[0].taxonomy_term"),
    "service_at_locations is text": (("service_at_locations",), "Hall", "service_at_locations"),
    "a service_at_location is a list": (("service_at_locations", 0), [], "service_at_locations[0]"),
    "location is text": (LOCATION, "Cityton Hall", WHERE),
    "addresses is an object": ((*LOCATION, "addresses"), {"city": "Cityton"}, WHERE + ".addresses"),
    "an address is text": ((*LOCATION, "addresses", 0), "1 High St", WHERE + ".addresses[0]"),
    "accessibility is text": ((*LOCATION, "accessibility"), "Step-free", WHERE + ".accessibility"),
    "latitude is a list": ((*LOCATION, "latitude"), [52, 0], WHERE + ".latitude"),
    "latitude is text": ((*LOCATION, "latitude"), "north", WHERE + ".latitude"),
    "latitude 400 digits": ((*LOCATION, "latitude"), 10**400, "32 digits"),
    "name is an object": (("name",), {"en": "Club"}, "name"),
    "website is javascript:": (("organization", "website"), "javascript:alert(document.domain)",
                               "organization.website: must start with https://"),
    "website longer than its column": (("organization", "website"),
                                       "https://cityton.example/" + "a" * 300,
                                       "organization.website: must be at most 300 characters"),
    "organisation description too long": (("organization", "description"), "d" * 2001,
                                          "organization.description"),
}


def test_the_open_referral_corpus_starts_from_a_service_that_imports(db):
    """So each refusal below is the mutation's doing."""
    make_geography(db.session)
    result = import_openreferral(db.session, json.dumps(HSDS_SERVICE))
    assert result.ok, _problems(result)
    service = db.session.query(Service).one()
    assert (service.organisation.website, service.lsoa_code, service.cost_model,
            len(service.sessions)) == ("https://cityton.example/club", "E01000001",
                                       "per_session", 2)


@pytest.mark.parametrize("case", sorted(OPEN_REFERRAL))
def test_open_referral_corpus(db, case):
    """A value of the wrong shape anywhere the importer reads is refused, naming the
    service (number and id) and the field."""
    make_geography(db.session)
    path, value, field = OPEN_REFERRAL[case]
    before = table_counts(db)
    message = _problems(import_openreferral(db.session, json.dumps(hsds_with(path, value))))
    db.session.rollback()
    if "digits" not in field:  # refused while parsing: no service to name
        assert "row service 1 (id 'svc-1'), column " + field in message, message
    assert field in message, message
    assert table_counts(db) == before


def test_an_open_referral_page_whose_contents_is_not_a_list_is_refused(db):
    message = _problems(import_openreferral(db.session, '{"contents": "lots"}'))
    assert "column contents: must be a list of services, not text" in message


PARTNER_CSVS = {
    "400-digit capacity": ("name,service_type,cost_model,postcode,capacity\nCityton Boxing,sport,"
                           "free,ZZ1 1AA," + "9" * 400 + "\n", "row 2, column capacity"),
    "venue longer than its column": ("name,service_type,cost_model,postcode,venue_name\nNew Club,"
                                     "sport,free,ZZ1 1AA," + "v" * 201 + "\n",
                                     "row 2, column venue_name"),
    "1e400 easting": ("name,service_type,cost_model,easting,northing\nNew Club,sport,free,1e400,"
                      "241000\n", "row 2, column easting"),
}


@pytest.mark.parametrize("case", sorted(PARTNER_CSVS))
def test_partner_csv_corpus(db, case):
    """A partner's own CSV goes through the same checks: nothing proposed, nothing live."""
    from app.partners.listings import import_file
    from tests.conftest import make_user
    from tests.partners.helpers import two_organisations

    ours, *_ = two_organisations(db, trusted=True)
    user = make_user(db, "partner", organisation=ours)
    text, where = PARTNER_CSVS[case]
    before = table_counts(db)
    result = import_file(db.session, ours, text.encode(), "mine.csv", user=user)
    message = _problems(result)
    db.session.rollback()
    assert where in message and result.source == "mine.csv", message
    assert table_counts(db) == before


def test_non_utf8_file_is_refused_with_the_byte(db):
    message = _problems(import_services_csv(db.session, (SVC + "Caf\xe9,open_access,free,,11,"
                                                         "ZZ1 1AA\n").encode("latin-1")))
    assert "not UTF-8" in message


TRAVEL = "from_code,to_kind,to_id,minutes,mode\n"


@pytest.mark.parametrize("body, where", [
    ("E01,service,1,1e308,bus\n", "row 2, column minutes"),
    ("E01,service,1,nan,bus\n", "row 2, column minutes"),
    (f'"{BIG}",service,1,10,bus\n', "row 2"),
    ("E01,service,1,1\x000,bus\n", "row 2"),
])
def test_travel_time_corpus(db, body, where):
    before = table_counts(db)
    with pytest.raises(MatrixError, match=where):
        import_matrix(db.session, io.BytesIO((TRAVEL + body).encode()), name="times.csv",
                      default_mode=None)
    db.session.rollback()
    assert table_counts(db) == before


GIAS = "URN,EstablishmentName,PhaseOfEducation (name),NumberOfPupils,Easting,Northing\n"


@pytest.mark.parametrize("body, where", [
    ("123456,Hill School,Secondary,1e999,350000,250000\n", "row 2, column number_of_pupils"),
    ("123456,Hill School,Secondary,-5,350000,250000\n", "row 2, column number_of_pupils"),
    ("123456," + "S" * 300 + ",Secondary,900,350000,250000\n", "row 2, column establishment_name"),
    ("123456,Hill School,Secondary,900,inf,250000\n", "row 2, column easting"),
    ("123456,Hill \x00School,Secondary,900,350000,250000\n", "row 2"),
])
def test_gias_corpus(body, where):
    with pytest.raises(GiasError, match=where):
        read_gias(io.StringIO(GIAS + body), "schools.csv", ("Secondary",))


BOUNDARIES = {
    "script in a code": ("E01000001</script><script>x=1//", "Testshire 001A", "LSOA21CD"),
    "template literal in a code": ("${window.__pwned=1}", "Testshire 001A", "LSOA21CD"),
    "code longer than its column": ("E" + "0" * 40, "Testshire 001A", "LSOA21CD"),
    "name longer than its column": ("E01000001", "N" * 10_000, "LSOA21NM"),
    "control character in a name": ("E01000001", "Test\x1bshire", "LSOA21NM"),
}


@pytest.mark.parametrize("case", sorted(BOUNDARIES))
def test_boundary_corpus(db, tmp_path, case):
    """Area codes go into URLs and joins, names into every map: a boundary file with a
    hostile code or an over-long name is refused before anything is written, and the
    levels already imported stay as they were."""
    from app.geodata.boundaries import import_areas
    from app.geodata.errors import GeodataError
    from tests.geodata.helpers import geojson, lsoa_file, square

    import_areas(db.session, lsoa_file(tmp_path), level="lsoa", code_field="LSOA21CD",
                 name_field="LSOA21NM")
    db.session.commit()
    before = table_counts(db)
    code, name, column = BOUNDARIES[case]
    bad = geojson(tmp_path / "bad.geojson", [
        ({"LSOA21CD": "E01000009", "LSOA21NM": "Fine"}, square(0, 0)),
        ({"LSOA21CD": code, "LSOA21NM": name}, square(1, 0))])
    with pytest.raises(GeodataError) as caught:
        import_areas(db.session, bad, level="lsoa", code_field="LSOA21CD",
                     name_field="LSOA21NM")
    db.session.rollback()
    message = str(caught.value)
    assert "bad.geojson" in message and "feature 2" in message and column in message, message
    assert table_counts(db) == before
