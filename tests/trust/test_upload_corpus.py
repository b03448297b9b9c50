"""A corpus of malformed files (generated here) thrown at every import (issue 12).

Each file used to crash its import (``csv.Error``, ``RecursionError``,
``OverflowError``, a PostgreSQL error half-way) or be stored with an impossible
value.  Each must now be refused with a message naming the file, the row and the
column, and leave every table exactly as it was.  Runs on SQLite and, with
``TEST_DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

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
from app.gaps.travel_import import import_matrix
from app.survey.campaigns import GiasError, read_gias

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
}
BUILDING_CSVS = {
    "latitude 91": ("name,latitude,longitude\nHall,91,-2.7\n", "latitude"),
    "text coordinates": ("name,easting,northing\nHall,east,north\n", "easting"),
    "infinite easting": ("name,easting,northing\nHall,inf,250000\n", "easting"),
    "1e400 northing": ("name,easting,northing\nHall,350000,1e400\n", "northing"),
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
    if case in ("nested 100,000 deep", "NaN"):
        message = _problems(import_openreferral(db.session, text))
        assert where in message, message
    db.session.rollback()
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
