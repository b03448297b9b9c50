"""app/inputs: each table is queried once per data version, and its analysis table
and planning records are two views of that one cached query (issue 28)."""

from __future__ import annotations

import re

from sqlalchemy import event

from app.inputs import buildings as building_inputs
from app.inputs import services as service_inputs
from tests.county import County


def _selects_from(db, table: str):
    seen: list[str] = []

    def listen(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and re.search(
                rf"\bFROM {table}\b", statement):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", listen)


def test_services_and_their_records_share_one_query(db):
    county = County(db.session)
    county.service("Youth club", 100, 100, sessions=[(1, "18:00", "20:00")])
    county.service("Closed club", 200, 200, status="closed")
    county.commit()
    seen, stop = _selects_from(db, "service")
    try:
        table = service_inputs.services(db.session)
        every = service_inputs.services(db.session, include_inactive=True)
        records = service_inputs.service_records(db.session)
    finally:
        stop()
    assert len(seen) == 1, seen
    assert list(table["name"]) == ["Youth club"] and len(every) == 2
    assert [r["name"] for r in records] == ["Closed club", "Youth club"]
    # A record is a copy: changing it (as a scenario does) leaves the cache alone.
    records[1]["name"] = "changed"
    assert service_inputs.service_records(db.session)[1]["name"] == "Youth club"


def test_buildings_and_their_records_share_one_query(db):
    county = County(db.session)
    county.building("Library", 100, 100, kind="library")
    county.building("Hall", 200, 200, kind="hall")
    county.commit()
    seen, stop = _selects_from(db, "building")
    try:
        table = building_inputs.buildings(db.session)
        records = building_inputs.building_records(db.session)
    finally:
        stop()
    assert len(seen) == 1, seen
    assert list(table["name"]) == ["Library", "Hall"]
    assert [b["name"] for b in records.values()] == ["Hall", "Library"]
    next(iter(records.values()))["name"] = "changed"
    again = building_inputs.building_records(db.session)
    assert [b["name"] for b in again.values()] == ["Hall", "Library"]
