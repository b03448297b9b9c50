"""`flask geodata import-network` and `import-timetable`: stored whole, dated,
audited; a bad file names its problem and leaves the database as it was."""

from __future__ import annotations

from sqlalchemy import select

from app.demo.gtfsfile import write_gtfs
from app.demo.osmfile import write_osm
from app.geodata.transport import load_network, load_timetable
from app.models import AuditEvent, TransportData
from tests.analysis.test_gtfs import feed_tables


def square(tmp_path, name="roads.osm.pbf"):
    nodes = {1: (-2.70, 52.05), 2: (-2.69, 52.05), 3: (-2.69, 52.06)}
    ways = [(10, [1, 2, 3], {"highway": "residential"}), (11, [1, 3], {"highway": "footway"})]
    return write_osm(tmp_path / name, nodes, ways, timestamp="2026-11-20T20:00:00Z")


def test_network_import_is_stored_dated_and_audited(db, runner, tmp_path):
    result = runner.invoke(args=["geodata", "import-network", str(square(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "3 nodes" in result.output and "as of 2026-11-20" in result.output
    network, row = load_network(db.session)
    assert row.source_date == "2026-11-20" and row.file_name == "roads.osm.pbf"
    assert len(network.node_xy) == 3 and row.summary["drive_km"] > 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import roads"))
    assert event.after["source_date"] == "2026-11-20" and event.before is None


def test_bad_network_leaves_the_previous_one(db, runner, tmp_path):
    assert runner.invoke(args=["geodata", "import-network", str(square(tmp_path))]).exit_code == 0
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"\x00\x01 not osm")
    result = runner.invoke(args=["geodata", "import-network", str(bad)])
    assert result.exit_code != 0
    assert "broken.osm.pbf: cannot be read as an OpenStreetMap file" in result.output
    assert "Nothing was imported" in result.output
    rows = db.session.scalars(select(TransportData)).all()
    assert [r.file_name for r in rows] == ["roads.osm.pbf"]


def test_timetable_import_and_replacement(db, runner, tmp_path):
    path = tmp_path / "buses.zip"
    path.write_bytes(write_gtfs(feed_tables()))
    result = runner.invoke(args=["geodata", "import-timetable", str(path)])
    assert result.exit_code == 0, result.output
    assert "4 stops, 2 routes, 2 trips" in result.output
    feed, row = load_timetable(db.session)
    assert row.source_date == "2026-09-07" and len(feed.stops) == 4

    tables = feed_tables()
    tables["stop_times"][1]["departure_time"] = "18:61:00"
    bad = tmp_path / "bad.zip"
    bad.write_bytes(write_gtfs(tables))
    result = runner.invoke(args=["geodata", "import-timetable", str(bad)])
    assert result.exit_code != 0
    assert ("stop_times.txt (table stop_times), row 3, column departure_time: '18:61:00' is "
            "not a time HH:MM:SS") in result.output
    db.session.expire_all()
    assert db.session.scalar(select(TransportData.file_name)) == "buses.zip"
    assert db.session.scalar(select(TransportData.sha256)) == row.sha256
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert events == ["import timetable"]
