"""Bus timetables (GTFS zips) and road networks (OSM extracts) within a memory bound
(issue 30: a 501 KB zip expanding to 200 MB took 4.8 GB).  A zip bomb, a lying
header, too many members, a member named outside the zip, an over-size or
over-full extract: each is refused with a message naming the file and member,
before the member is read, and nothing is stored; the journeys job lists a
stored timetable over the limits instead of retrying.  Normal feeds still
import.  Time and memory are measured in bench/bench_transit_memory.py, not here."""

from __future__ import annotations

import os
import re
import zipfile

import pytest
from sqlalchemy import func, select

from app.analysis.filelimits import TransportLimits
from app.analysis.gtfs import TimetableError, validate_feed
from app.analysis.roads import NetworkError, read_osm
from app.config import load_config
from app.demo.gtfsfile import write_gtfs
from app.models import AuditEvent, JourneyRun, TransportData
from tests.geodata.test_transport_import import square
from tests.planning.county import build_county
from tests.planning.journey_county import add_transport, bus_file
from tests.planning.test_journeys_job import follow, start, text

from .transit_files import bomb, declare_size, feed_with, small_feed


@pytest.fixture
def app_config():
    return {"GTFS_MAX_UNCOMPRESSED_MB": 2, "OSM_MAX_FILE_MB": 1, "JOBS_WAIT_SECONDS": 0}


@pytest.fixture
def imported(db, runner, tmp_path):
    """A good timetable and road network already imported: what a refusal must keep."""
    good = tmp_path / "buses.zip"
    good.write_bytes(write_gtfs(small_feed()))
    for command, path in (("import-timetable", good), ("import-network", square(tmp_path))):
        result = runner.invoke(args=["geodata", command, str(path)])
        assert result.exit_code == 0, result.output
    return stored(db)


def stored(db) -> dict:
    db.session.expire_all()
    rows = {r.kind: (r.file_name, r.sha256) for r in db.session.scalars(select(TransportData))}
    return {"rows": rows, "audit": db.session.scalar(select(func.count(AuditEvent.id)))}


def refused(runner, db, before, tmp_path, name: str, data: bytes,
            command: str = "import-timetable") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(args=["geodata", command, str(path)])
    assert result.exit_code == 1, result.output
    assert "Nothing was imported; the database is unchanged." in result.output
    assert stored(db) == before
    return re.sub(r"\s+", " ", result.output)


@pytest.fixture
def forbid_reading(monkeypatch):
    """Call it once the test's files are built: from then on, opening any member of a
    zip fails the test (the refusal must come before reading)."""
    def opened(self, *args, **kwargs):
        raise AssertionError("a member of the zip was read before the refusal")
    return lambda: monkeypatch.setattr(zipfile.ZipFile, "open", opened)


def test_the_limits_default_to_the_settings():
    config = load_config({"APP_ENV": "testing"})
    assert TransportLimits.from_config(config) == TransportLimits()
    assert TransportLimits().gtfs_max_mb * 1024 * 1024 == TransportLimits().gtfs_max_bytes


def test_a_zip_bomb_is_refused_before_any_member_is_read(runner, db, imported, tmp_path,
                                                         forbid_reading):
    small, large = bomb(1), bomb(3)  # 1 MB (3 MB) of stop_times in a few KB
    assert len(small) < 10_000
    forbid_reading()
    said = refused(runner, db, imported, tmp_path, "bomb.zip", small)
    assert "bomb.zip is not a usable GTFS feed" in said
    assert re.search(r"stop_times\.txt: expands \d+ times \([\d,]+ bytes to 1\.0 MB\), more "
                     r"than the 100 times allowed \(GTFS_MAX_COMPRESSION_RATIO\): a zip bomb",
                     said)
    big = refused(runner, db, imported, tmp_path, "bomb3.zip", large)
    assert ("stop_times.txt: declares 3.0 MB uncompressed, over the 2 MB allowed "
            "(GTFS_MAX_UNCOMPRESSED_MB)") in big
    assert "the files in the zip expand to 3.0 MB in all, over the 2 MB allowed" in big


def test_a_zip_file_over_the_limit_is_not_even_opened(runner, db, imported, tmp_path):
    said = refused(runner, db, imported, tmp_path, "huge.zip", os.urandom(2_200_000))
    assert "huge.zip: the zip file is 2.1 MB, over the 2 MB allowed" in said


def test_a_lying_header_is_stopped_at_the_size_it_declares(runner, db, imported, tmp_path):
    # Declared 50 bytes, holds about 250: stopped when byte 51 arrives.
    said = refused(runner, db, imported, tmp_path, "liar.zip",
                   declare_size(feed_with([]), "stop_times.txt", 50))
    assert ("liar.zip is not a usable GTFS feed: stop_times.txt: expands past the 50 bytes "
            "its zip header declares (a zip bomb or a damaged file)") in said
    # The same with a megabyte behind the lie (under the ratio check's 1 MB floor as declared).
    with pytest.raises(TimetableError, match="expands past the 1,000 bytes"):
        validate_feed(declare_size(bomb(1), "stop_times.txt", 1000))


def test_a_row_longer_than_any_timetable_row_is_refused_as_it_is_read():
    tables = small_feed()
    tables["stops"][1]["stop_name"] = "x" * 150_000  # one line, no newline to stop at
    with pytest.raises(TimetableError) as info:
        validate_feed(write_gtfs(tables), name="long.zip")
    assert info.value.problems == [
        "stops.txt: line 3 is longer than 100,000 bytes (not a GTFS table)"]


def test_too_many_members_are_refused_before_the_directory_is_read(monkeypatch):
    crowded = feed_with([(f"notes{k}.txt", b"note\n") for k in range(40)])

    def parsed(*args, **kwargs):
        raise AssertionError("the zip's directory was parsed before the refusal")
    monkeypatch.setattr(zipfile, "ZipFile", parsed)
    with pytest.raises(TimetableError) as info:
        validate_feed(crowded, name="crowded.zip")
    assert info.value.problems == [
        "the zip holds 47 files, more than the 40 files allowed (GTFS_MAX_MEMBERS); a GTFS "
        "feed has about 10 to 20"]


@pytest.mark.parametrize("member, problem", [
    ("../../etc/cron.d/evil.txt", "member '../../etc/cron.d/evil.txt': points outside the zip"),
    ("stops/../../evil.txt", "member 'stops/../../evil.txt': points outside the zip"),
    ("/etc/evil.txt", "member '/etc/evil.txt': is an absolute path"),
    ("C:\\Windows\\evil.txt", "member 'C:\\\\Windows\\\\evil.txt': is an absolute path"),
    ("gtfs/stops.txt", "member 'gtfs/stops.txt': is in a folder; GTFS tables must sit at "
                       "the zip's root"),
    ("stop\x1b[31m.txt", "member 'stop\\x1b[31m.txt': has a control character"),
    ("stops.txt", "member 'stops.txt': appears twice in the zip"),
])
def test_members_named_outside_the_root_are_refused(member, problem, forbid_reading):
    data = feed_with([(member, b"stop_id,stop_lat,stop_lon\n")])
    forbid_reading()
    with pytest.raises(TimetableError) as info:
        validate_feed(data, name="slip.zip")
    assert [p for p in info.value.problems if problem in p], info.value.problems


def test_path_traversal_on_the_command_line_stores_nothing(runner, db, imported, tmp_path):
    said = refused(runner, db, imported, tmp_path, "slip.zip",
                   feed_with([("../../../tmp/evil.txt", b"x\n")]))
    assert "slip.zip is not a usable GTFS feed: member '../../../tmp/evil.txt': points " \
           "outside the zip" in said
    assert not (tmp_path.parent.parent / "tmp" / "evil.txt").exists()


def test_an_over_size_extract_is_refused_before_osmium_opens_it(runner, db, imported,
                                                                tmp_path):
    said = refused(runner, db, imported, tmp_path, "england-latest.osm.pbf",
                   os.urandom(1_600_000), command="import-network")
    assert ("england-latest.osm.pbf: the file is 1.5 MB, over the 1 MB allowed for a road "
            "network (OSM_MAX_FILE_MB)") in said
    assert "cannot be read" not in said  # osmium never saw it


@pytest.mark.parametrize("limits, message", [
    (TransportLimits(osm_max_nodes=2),
     "roads.osm.pbf: holds more than the 2 road junctions and bends allowed (OSM_MAX_NODES)"),
    (TransportLimits(osm_max_ways=1),
     "roads.osm.pbf: holds more than the 1 roads and paths allowed (OSM_MAX_WAYS)"),
])
def test_an_extract_with_too_many_roads_is_refused(tmp_path, limits, message):
    path = square(tmp_path)  # 3 nodes, 2 ways
    assert len(read_osm(path).node_xy) == 3
    with pytest.raises(NetworkError) as info:
        read_osm(path, name="roads.osm.pbf", limits=limits)
    assert str(info.value).startswith(message)


def test_normal_timetables_still_import_within_the_limits(runner, db, tmp_path):
    path = bus_file(tmp_path)
    result = runner.invoke(args=["geodata", "import-timetable", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 stops, 1 routes, 2 trips" in result.output
    assert db.session.scalar(select(TransportData.file_name)) == "county-bus-gtfs.zip"


def test_a_stored_timetable_over_lowered_limits_is_a_listed_problem_not_a_retry(
        app, client, auth, db, tmp_path):
    build_county(db.session)
    add_transport(db.session, tmp_path)
    app.config["GTFS_MAX_MEMBERS"] = 3  # lowered after the import
    try:
        auth.login_as("commissioner")
        job_url = start(client)
        state = follow(client, job_url)
        assert state["state"] == "finished", state
        page = text(client.get("/planning/travel"))
    finally:
        app.extensions["yvm_jobs"].stop()
    assert 'id="journeys-problems"' in page and 'id="journeys-failed"' not in page
    assert ("county-bus-gtfs.zip: the zip holds 6 files, more than the 3 files allowed "
            "(GTFS_MAX_MEMBERS)") in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count(JourneyRun.id))) == 0
    assert not db.session.scalars(select(AuditEvent.action)
                                  .where(AuditEvent.action == "compute journeys")).all()


def test_the_command_line_computation_says_so_too(app, runner, db, tmp_path):
    build_county(db.session)
    add_transport(db.session, tmp_path)
    app.config["GTFS_MAX_MEMBERS"] = 3
    result = runner.invoke(args=["geodata", "compute-journeys"])
    assert result.exit_code == 1
    assert "county-bus-gtfs.zip is not a usable GTFS feed" in result.output
    assert "No journeys were computed; the database is unchanged." in result.output
    assert db.session.scalar(select(func.count(JourneyRun.id))) == 0
