"""Postcode and point look-ups, including the spatial index's invalidation."""

from __future__ import annotations

from datetime import date

from app.geodata.boundaries import import_areas
from app.geodata.lookup import (
    area_containing,
    area_for_postcode,
    areas_containing,
    normalise_postcode,
)
from app.models import Postcode

from .helpers import X0, Y0, geojson, import_small, square


def test_points_and_postcodes_find_their_area(db, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    assert area_containing(db.session, X0 + 500, Y0 + 500, "lsoa").code == "E01000001"
    assert area_containing(db.session, X0 + 1500, Y0 + 1500, "ward").code == "E05000002"
    # Just outside the county: the nearest area within 250 m, else nothing.
    assert area_containing(db.session, X0 - 200, Y0 + 500, "lsoa").code == "E01000001"
    assert area_containing(db.session, X0 - 400, Y0 + 500, "lsoa") is None
    assert area_containing(db.session, X0 + 500, Y0 + 500, "parish") is None  # no parishes
    db.session.add_all([
        Postcode(postcode="ZZ1 1AA", x=X0 + 1500, y=Y0 + 500, lsoa_code="E01000002"),
        Postcode(postcode="ZZ1 1AB", x=X0 + 500, y=Y0 + 500, terminated=date(2020, 1, 1)),
    ])
    db.session.commit()
    assert normalise_postcode(" zz11aa ") == "ZZ1 1AA"
    assert area_for_postcode(db.session, "zz11aa", "lsoa").code == "E01000002"
    assert area_for_postcode(db.session, "ZZ1 1AB", "lsoa") is None  # terminated
    assert area_for_postcode(db.session, "not a postcode", "lsoa") is None


def test_reimported_areas_are_used_at_once(db, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    assert area_containing(db.session, X0 + 500, Y0 + 500, "ward").code == "E05000001"
    moved = geojson(tmp_path / "moved.geojson", [
        ({"code": "E05000001", "name": "West"}, square(1, 0, 1, 2)),
        ({"code": "E05000002", "name": "East"}, square(0, 0, 1, 2)),
    ])
    import_areas(db.session, moved, level="ward", code_field="code", name_field="name")
    db.session.commit()
    assert area_containing(db.session, X0 + 500, Y0 + 500, "ward").code == "E05000002"


def test_many_points_are_placed_with_two_queries_in_the_order_given(db, tmp_path):
    """A page that places every listing (the partners overview) asks once for all of
    them: the answers are each point's own, in order, and the queries do not grow with
    the number of points."""
    from sqlalchemy import event

    import_small(db.session, tmp_path, indicators=False)
    points = [(X0 + 1500, Y0 + 1500), (X0 - 400, Y0 + 500), (X0 + 500, Y0 + 500),
              (X0 - 200, Y0 + 500), (X0 + 1500, Y0 + 1500)] * 20
    one_by_one = [area_containing(db.session, x, y, "lsoa") for x, y in points]
    db.session.expunge_all()  # nothing already loaded answers for the batch
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        together = areas_containing(db.session, points, "lsoa")
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert [a.code if a else None for a in together] == \
        [a.code if a else None for a in one_by_one]
    assert [a.code if a else None for a in together][:5] == \
        ["E01000004", None, "E01000001", "E01000001", "E01000004"]
    assert len(statements) == 2  # the index's check, then the areas found
    assert areas_containing(db.session, [], "lsoa") == []
    assert areas_containing(db.session, points[:2], "parish") == [None, None]  # no parishes
