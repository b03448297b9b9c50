"""Roads and buses for the hand-built planning county (:mod:`.county`), written
in the official formats and imported through the same code as the commands.

* One A road (``maxspeed=60 mph``, 96.56 km/h) along northing 240,000 from
  easting 299,000 to 341,000, a node every kilometre.  Ashby's, Brook's and
  Colwall's centres and Ashby Youth Club lie on it; Colwall Boxing is 1 km
  north of it, Dunmore 6 km north.
* Bus X1 (GTFS): westbound Monday to Friday, Colwall 17:35, Brook 17:46,
  Ashby Youth Club 17:58; eastbound on Tuesdays only, Ashby Youth Club 20:02,
  Colwall 20:25, not calling at Brook.

What follows by hand (the tests' independent answers; today's reference week
starts Monday 30 November 2026):

* By car, Colwall to Ashby Youth Club is 39 km of A road: 39,000 m at
  96.56 km/h = 24.2 minutes (straight line at 40 km/h x 1.3: 76 minutes);
  Brook to it 19 km: 11.8 minutes (37 by straight line); Ashby to Colwall
  Boxing 40 km plus 1 km off the road at 20 km/h: 24.9 + 3.0 = 27.9 minutes.
* By bus, Colwall reaches the club's Tuesday 18:00-20:00 session there and
  back (25 minutes each way: the 17:35 and the 20:02), but not Thursday's
  (no bus home).  Brook has a bus there (14 minutes) and never one home: its
  50 young people have "no way home by bus".  Dunmore's nearest road is 6 km
  away (75 minutes on foot, 18 by car to the road).
"""

from __future__ import annotations

from pathlib import Path

from app.demo.gtfsfile import write_gtfs
from app.demo.osmfile import write_osm

Y = 240_000
CLUB_X, BROOK_X, COLWALL_X = 301_000, 320_000, 340_000
A_ROAD_KMH = 60 * 1.609344


def lonlat(x: float, y: float) -> tuple[float, float]:
    from app.geodata.crs import BNG, WGS84, transformer

    # The thread's one transformer: making one per point was 28 s of a run's CPU.
    lon, lat = transformer(BNG, WGS84).transform(x, y)
    return round(lon, 8), round(lat, 8)


def road_file(tmp_path: Path) -> Path:
    nodes = {i + 1: lonlat(299_000 + 1_000 * i, Y) for i in range(43)}
    ways = [(100, sorted(nodes), {"highway": "primary", "maxspeed": "60 mph", "ref": "A1"})]
    return write_osm(tmp_path / "county-latest.osm.pbf", nodes, ways,
                     timestamp="2026-11-20T20:00:00Z")


def bus_file(tmp_path: Path) -> Path:
    def stop(stop_id, name, x):
        lon, lat = lonlat(x, Y)
        return {"stop_id": stop_id, "stop_name": name, "stop_lat": f"{lat:.8f}",
                "stop_lon": f"{lon:.8f}"}

    def times(trip, calls):
        return [{"trip_id": trip, "stop_id": s, "stop_sequence": str(k + 1),
                 "arrival_time": t, "departure_time": t} for k, (s, t) in enumerate(calls)]

    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    span = {"start_date": "20260101", "end_date": "20301231"}
    tables = {
        "agency": [{"agency_id": "W", "agency_name": "Wyvern Buses",
                    "agency_url": "https://example.org", "agency_timezone": "Europe/London"}],
        "stops": [stop("C", "Colwall", COLWALL_X), stop("B", "Brook", BROOK_X),
                  stop("A", "Ashby Youth Club", CLUB_X)],
        "routes": [{"route_id": "X1", "agency_id": "W", "route_short_name": "X1",
                    "route_type": "3"}],
        "calendar": [{"service_id": "WK", **{d: "1" if d in days[:5] else "0" for d in days},
                      **span},
                     {"service_id": "TU", **{d: "1" if d == "tuesday" else "0" for d in days},
                      **span}],
        "trips": [{"route_id": "X1", "service_id": "WK", "trip_id": "west"},
                  {"route_id": "X1", "service_id": "TU", "trip_id": "east"}],
        "stop_times": times("west", [("C", "17:35:00"), ("B", "17:46:00"),
                                     ("A", "17:58:00")])
        + times("east", [("A", "20:02:00"), ("C", "20:25:00")]),
    }
    path = tmp_path / "county-bus-gtfs.zip"
    path.write_bytes(write_gtfs(tables))
    return path


def add_transport(session, tmp_path: Path) -> None:
    """Import the roads and buses (committed, as the commands do)."""
    from app.geodata.transport import import_network, import_timetable

    import_network(session, road_file(tmp_path))
    import_timetable(session, bus_file(tmp_path))
    session.commit()
