"""The demo county's roads and buses, written in the official formats and
imported through ``flask geodata import-network`` / ``import-timetable``'s code.

Roads (an OpenStreetMap ``.osm.pbf``): A roads from Marlbridge to each
market town, B roads joining every village to its nearest neighbours, a mesh
of country lanes across the county, street grids in the city and towns, and
footpaths between close villages.

Buses (a GTFS zip, as the Bus Open Data Service publishes):

* town services: Marlbridge to each market town every 30 minutes and two
  city routes every 20 minutes, 06:30 to 23:00 Monday to Saturday;
* village routes: a few buses a day into the nearest town on weekdays, the
  last one home at about 17:40 and none in the evening;
* market-day buses: some villages only have a Saturday bus;
* the most remote villages have no bus at all.

So evening sessions in the towns can be reached by car from most villages
but not by bus -- the county's real problem, made visible.
"""

from __future__ import annotations

import math
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from pyproj import Transformer
from scipy.spatial import Delaunay

from ..geodata.crs import BNG, WGS84
from .gtfsfile import write_gtfs
from .osmfile import write_osm

TO_LL = Transformer.from_crs(BNG, WGS84, always_xy=True)
SEGMENT_M = 250.0
LANE_SPACING_M = 1000.0
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


class _Roads:
    """Ways as drawn (polylines with tags), turned into OSM nodes and ways by
    :meth:`finish`: wherever two ways cross they share a node there, as junctions do
    (a street grid, an A road through it and the footpaths across it are one
    network), and long lines are cut into nodes about ``SEGMENT_M`` apart."""

    def __init__(self):
        self.nodes: dict[int, tuple[float, float]] = {}
        self.ways: list[tuple[int, list, dict]] = []
        self.drawn: list[tuple[list, dict]] = []
        self._at: dict[tuple[int, int], int] = {}

    def node(self, x: float, y: float) -> int:
        key = (round(x), round(y))
        if key not in self._at:
            node_id = len(self.nodes) + 1
            self._at[key] = node_id
            self.nodes[node_id] = TO_LL.transform(x, y)
        return self._at[key]

    def way(self, points, tags: dict) -> None:
        self.drawn.append(([tuple(map(float, p)) for p in points], tags))

    def finish(self) -> _Roads:
        import shapely
        from shapely import STRtree, line_locate_point
        from shapely.geometry import LineString

        lines = [LineString(points) for points, _ in self.drawn]
        tree = STRtree(lines)
        crossings: list[list[tuple[float, float]]] = [[] for _ in lines]
        a_idx, b_idx = tree.query(lines, predicate="intersects")
        for a, b in zip(a_idx.tolist(), b_idx.tolist(), strict=True):
            if a >= b:
                continue
            hit = lines[a].intersection(lines[b])
            points = [g for g in getattr(hit, "geoms", [hit]) if g.geom_type == "Point"]
            for pt in points:
                crossings[a].append((pt.x, pt.y))
                crossings[b].append((pt.x, pt.y))
        for (points, tags), line, extra in zip(self.drawn, lines, crossings, strict=True):
            along = list({*points, *extra})
            # How far along the line each point lies, for all of them in one call.
            where = line_locate_point(line, shapely.points(along)).tolist()
            order = sorted(range(len(along)), key=where.__getitem__)
            self._add([along[k] for k in order], tags)
        return self

    def _add(self, points, tags: dict) -> None:
        refs = []
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            steps = max(1, math.ceil(math.hypot(x2 - x1, y2 - y1) / SEGMENT_M))
            for k in range(steps):
                refs.append(self.node(x1 + (x2 - x1) * k / steps, y1 + (y2 - y1) * k / steps))
        refs.append(self.node(*points[-1]))
        refs = [r for i, r in enumerate(refs) if i == 0 or r != refs[i - 1]]
        if len(refs) > 1:
            self.ways.append((len(self.ways) + 1000, refs, tags))


def _grid(roads: _Roads, x, y, radius, spacing, outline) -> None:
    """A street grid: every street passes through every crossing as a vertex, so
    crossing streets share a node (a street that only passed over another would
    not join it, and walks between neighbouring streets would go the long way)."""
    from shapely.geometry import Point

    n = int(radius // spacing)
    offsets = [k * spacing for k in range(-n, n + 1)]
    for k in offsets:
        for horizontal in (True, False):
            line = [(x + t, y + k) if horizontal else (x + k, y + t) for t in offsets]
            inside = [p for p in line if outline.contains(Point(*p))]
            # the longest run of consecutive crossings inside the county
            runs, run = [], []
            for p in line:
                if p in inside:
                    run.append(p)
                else:
                    runs.append(run)
                    run = []
            runs.append(run)
            best = max(runs, key=len)
            if len(best) > 1:
                roads.way(best, {"highway": "residential", "maxspeed": "20 mph"})


def road_network(geo: dict) -> _Roads:
    """Every road and path of the demo county (deterministic)."""
    from shapely import wkt

    outline = wkt.loads(geo["outline_wkt"])
    roads = _Roads()
    centres = geo["town_centres"]
    city, towns = centres[0], centres[1:]
    for town in towns:
        roads.way([(city["x"], city["y"]), (town["x"], town["y"])],
                  {"highway": "primary", "ref": f"A{1000 + len(roads.drawn)}"})
    for place, radius, spacing in ([(city, 4200, 350)] + [(t, 1700, 300) for t in towns]
                                   + [(v, 900, 300) for v in geo["villages"]]):
        _grid(roads, place["x"], place["y"], radius, spacing, outline)
    places = centres + geo["villages"]
    xy = np.array([(p["x"], p["y"]) for p in places])
    tri = Delaunay(xy)
    edges = {tuple(sorted((int(a), int(b)))) for s in tri.simplices
             for a, b in ((s[0], s[1]), (s[1], s[2]), (s[0], s[2]))}
    for a, b in sorted(edges):
        d = math.dist(xy[a], xy[b])
        if d > 15000:
            continue
        kind = "tertiary" if d < 9000 else "unclassified"
        roads.way([tuple(xy[a]), tuple(xy[b])], {"highway": kind})
        if d < 4500:  # a field path too: shorter on foot than the road's bends
            mid = ((xy[a][0] + xy[b][0]) / 2 + 300, (xy[a][1] + xy[b][1]) / 2 - 300)
            roads.way([tuple(xy[a]), mid, tuple(xy[b])], {"highway": "footway"})
    minx, miny, maxx, maxy = outline.bounds
    from shapely.geometry import Point

    xs = np.arange(minx, maxx, LANE_SPACING_M)
    ys = np.arange(miny, maxy, LANE_SPACING_M)
    for x in xs:
        for y in ys:
            here = Point(x, y)
            if not outline.contains(here):
                continue
            for dx, dy in ((LANE_SPACING_M, 0), (0, LANE_SPACING_M)):
                if outline.contains(Point(x + dx, y + dy)):
                    roads.way([(x, y), (x + dx, y + dy)], {"highway": "unclassified",
                                                           "surface": "asphalt"})
    # Tie each village and town centre to the lane mesh.
    lane = np.array([(x, y) for x in xs for y in ys if outline.contains(Point(x, y))])
    for p in places:
        k = int(np.argmin(np.hypot(*(lane - [p["x"], p["y"]]).T)))
        roads.way([(p["x"], p["y"]), tuple(lane[k])], {"highway": "unclassified"})
    return roads.finish()


# -- buses ----------------------------------------------------------------------------

def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


class _Feed:
    def __init__(self, today: date):
        start, end = today - timedelta(days=30), today + timedelta(days=400)
        week = {d: "1" for d in WEEKDAYS}
        self.tables = {
            "agency": [{"agency_id": "WYV", "agency_name": "Wyvern Buses (demo)",
                        "agency_url": "https://example.org/wyvern-buses",
                        "agency_timezone": "Europe/London"}],
            "stops": [], "routes": [], "trips": [], "stop_times": [],
            "calendar": [
                {"service_id": "MF", **week, "saturday": "0", "sunday": "0",
                 "start_date": start.strftime("%Y%m%d"), "end_date": end.strftime("%Y%m%d")},
                {"service_id": "MS", **week, "saturday": "1", "sunday": "0",
                 "start_date": start.strftime("%Y%m%d"), "end_date": end.strftime("%Y%m%d")},
                {"service_id": "SA", **{d: "0" for d in WEEKDAYS}, "saturday": "1",
                 "sunday": "0", "start_date": start.strftime("%Y%m%d"),
                 "end_date": end.strftime("%Y%m%d")},
            ],
            "feed_info": [{"feed_publisher_name": "Youth Voice Map demo",
                           "feed_publisher_url": "https://example.org", "feed_lang": "en",
                           "feed_start_date": start.strftime("%Y%m%d"),
                           "feed_end_date": end.strftime("%Y%m%d"),
                           "feed_version": today.isoformat()}],
        }
        self._stops: dict[tuple[int, int], str] = {}

    def stop(self, x: float, y: float, name: str) -> str:
        key = (round(x / 50), round(y / 50))
        if key not in self._stops:
            stop_id = f"WYV{len(self._stops) + 1:04d}"
            lon, lat = TO_LL.transform(x, y)
            self._stops[key] = stop_id
            self.tables["stops"].append({"stop_id": stop_id, "stop_name": name,
                                         "stop_lat": f"{lat:.6f}", "stop_lon": f"{lon:.6f}"})
        return self._stops[key]

    def route(self, name: str, long_name: str, stops: list[tuple[str, float]], *,
              departures: dict[str, list[float]], kmh: float) -> None:
        """``stops``: (stop id, metres from the start); trips both ways."""
        route_id = f"R{len(self.tables['routes']) + 1}"
        self.tables["routes"].append({"route_id": route_id, "agency_id": "WYV",
                                      "route_short_name": name, "route_long_name": long_name,
                                      "route_type": "3"})
        total = stops[-1][1]
        for direction, calls in (("0", stops), ("1", [(s, total - d) for s, d in stops[::-1]])):
            for service, times in departures.items():
                for start in times:
                    trip_id = f"{route_id}-{direction}-{service}-{int(start)}"
                    self.tables["trips"].append({"route_id": route_id, "service_id": service,
                                                 "trip_id": trip_id, "direction_id": direction})
                    for seq, (stop_id, metres) in enumerate(calls, start=1):
                        t = _hms(start + metres / (kmh / 3.6) + 30 * (seq - 1))
                        self.tables["stop_times"].append(
                            {"trip_id": trip_id, "stop_id": stop_id, "stop_sequence": str(seq),
                             "arrival_time": t, "departure_time": t})


def _every(first: str, last: str, minutes: int) -> list[float]:
    h1, m1 = map(int, first.split(":"))
    h2, m2 = map(int, last.split(":"))
    return [float(t) for t in range(h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60 + 1, minutes * 60)]


def _line(feed: _Feed, points: list[tuple[float, float, str]], spacing: float):
    """Stops every ``spacing`` metres along a polyline, named after the nearest point."""
    out, run = [], 0.0
    for (x1, y1, n1), (x2, y2, n2) in zip(points, points[1:], strict=False):
        d = math.hypot(x2 - x1, y2 - y1)
        steps = max(1, round(d / spacing))
        for k in range(steps):
            f = k / steps
            name = n1 if f < 0.5 else n2
            out.append((feed.stop(x1 + (x2 - x1) * f, y1 + (y2 - y1) * f, name), run + d * f))
        run += d
    x, y, name = points[-1]
    out.append((feed.stop(x, y, name), run))
    return out


def bus_feed(geo: dict, today: date, seed: int) -> dict[str, list[dict]]:
    rng = random.Random(seed + 14)
    feed = _Feed(today)
    centres = geo["town_centres"]
    city, towns = centres[0], centres[1:]
    town_days = {"MS": _every("06:30", "22:30", 30)}
    for number, town in enumerate(towns, start=1):
        pts = [(city["x"], city["y"], f"{city['name']} Bus Station"),
               (town["x"], town["y"], f"{town['name']} Market Place")]
        feed.route(str(number), f"{city['name']} - {town['name']}",
                   _line(feed, pts, 1500), departures=town_days, kmh=35)
    estate = geo["estate"]
    for name, a, b in (("C1", (city["x"] - 4000, city["y"]), (estate["x"] + 1200, estate["y"])),
                       ("C2", (city["x"], city["y"] + 4000), (city["x"], city["y"] - 4000))):
        pts = [(a[0], a[1], f"{city['name']} West" if name == "C1" else f"{city['name']} North"),
               (city["x"], city["y"], f"{city['name']} Bus Station"),
               (b[0], b[1], estate["name"] if name == "C1" else f"{city['name']} South")]
        feed.route(name, f"{city['name']} city service {name}", _line(feed, pts, 400),
                   departures={"MS": _every("06:30", "23:00", 20)}, kmh=18)
    # Village routes: villages by their nearest town, chained outwards.
    groups: dict[str, list[dict]] = {}
    for village in geo["villages"]:
        hub = min(centres, key=lambda c: math.hypot(c["x"] - village["x"], c["y"] - village["y"]))
        d = math.hypot(hub["x"] - village["x"], hub["y"] - village["y"])
        if d < 13000:  # the remotest have no bus at all
            groups.setdefault(hub["name"], []).append(village)
    number = 400
    for hub_name, villages in sorted(groups.items()):
        hub = next(c for c in centres if c["name"] == hub_name)
        villages.sort(key=lambda v: math.atan2(v["y"] - hub["y"], v["x"] - hub["x"]))
        for k in range(0, len(villages), 3):
            chain = sorted(villages[k:k + 3], key=lambda v: -math.hypot(v["x"] - hub["x"],
                                                                         v["y"] - hub["y"]))
            pts = [(v["x"], v["y"], v["name"]) for v in chain]
            pts.append((hub["x"], hub["y"], f"{hub['name']} Bus Station" if hub is city
                        else f"{hub['name']} Market Place"))
            stops = _line(feed, pts, 100000)
            number += 1
            if rng.random() < 0.3:  # market-day bus only
                departures = {"SA": [9.5 * 3600, 13.5 * 3600]}
                label = "Saturday market bus"
            else:
                departures = {"MF": [7.25 * 3600, 9.5 * 3600, 13 * 3600, 15.5 * 3600,
                                     17.6 * 3600]}
                label = "village bus"
            feed.route(str(number), f"{' - '.join(v['name'] for v in chain)} - {hub_name} "
                       f"({label})", stops, departures=departures, kmh=30)
    return feed.tables


def build(session, ctx) -> None:
    """Write the demo county's OSM extract and GTFS feed; import both."""
    from ..geodata.transport import import_network, import_timetable

    geo = ctx.info["geography"]
    with tempfile.TemporaryDirectory(prefix="yvm-demo-transport-") as tmp:
        roads = road_network(geo)
        pbf = write_osm(Path(tmp) / "wyvernshire-latest.osm.pbf", roads.nodes, roads.ways,
                        timestamp=f"{date.today().isoformat()}T00:00:00Z")
        gtfs = Path(tmp) / "wyvernshire-bus-gtfs.zip"
        gtfs.write_bytes(write_gtfs(bus_feed(geo, date.today(), ctx.seed)))
        reports = [import_network(session, pbf), import_timetable(session, gtfs)]
    session.flush()
    ctx.info["transport"] = {"reports": [str(r) for r in reports]}
