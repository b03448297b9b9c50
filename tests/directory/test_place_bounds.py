"""Where an imported service or building may be (issue 15): the demo county lies
off East Anglia (eastings 700-760 km), outside the old 0-700 km bound, and its own
coordinates used to be refused as 'not in Great Britain'.  Now a point is checked
against the council's area when boundaries are imported (within 50 km of it),
else against the national grid widened to 800 km east."""

from __future__ import annotations

import csv
import io

from app.directory.io import import_buildings_csv, import_services_csv
from app.directory.places import place_problem
from app.directory.records import COLUMNS
from tests.county import County

ROW = {"name": "Seaside Youth Club", "organisation": "Seaside Hall",
       "service_type": "open_access", "cost_model": "free",
       "sessions": "Mon 18:00-20:00", "age_min": "11", "age_max": "18"}


def _services(*points) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for n, (x, y) in enumerate(points, start=1):
        writer.writerow({**ROW, "name": f"Club {n}", "easting": str(x), "northing": str(y)})
    return out.getvalue()


def _demo_like_county(session):
    """Two small areas where the demo county is (off East Anglia)."""
    county = County(session, source="demo-like test county")
    county.lsoa("E01090001", "Wyvernshire 001A", centre=(728_000, 318_000), size=4_000)
    county.lsoa("E01090002", "Wyvernshire 001B", centre=(732_000, 318_000), size=4_000)
    county.commit()


def test_the_demo_county_s_own_points_import(db):
    _demo_like_county(db.session)
    result = import_services_csv(db.session, _services((728_500, 318_200), (741_000, 330_000)))
    assert result.ok and result.created == 2, result.problems
    result = import_buildings_csv(db.session, "name,easting,northing\nMarlbridge Library,"
                                              "728000,318000\n")
    assert result.ok and result.created == 1, result.problems


def test_a_point_far_from_the_council_s_area_is_refused_naming_row_and_column(db):
    _demo_like_county(db.session)
    # Hereford, and a swapped easting and northing: hundreds of km away.
    result = import_services_csv(db.session, _services((728_500, 318_200), (351_000, 240_000),
                                                        (318_000, 728_000)))
    assert not result.ok and result.created == 0
    assert [(p.row, p.column) for p in result.problems] == [(3, "easting"), (4, "easting")]
    assert "km from the council's area" in result.problems[0].message
    result = import_buildings_csv(db.session, "name,easting,northing\nHall,351000,240000\n")
    assert [(p.row, p.column) for p in result.problems] == [(2, "easting")]


def test_without_boundaries_the_national_grid_to_800_km_east_is_used(db):
    assert place_problem(db.session, 730_000, 320_000) is None      # the demo county
    assert place_problem(db.session, 351_000, 240_000) is None      # Hereford
    assert "not a place in Great Britain" in place_problem(db.session, 900_000, 240_000)
    assert "not a place in Great Britain" in place_problem(db.session, float("nan"), 1)
    result = import_services_csv(db.session, _services((730_000, 320_000), (900_000, 1)))
    assert [(p.row, p.column) for p in result.problems] == [(3, "easting")]
