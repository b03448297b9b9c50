"""GTFS bus timetables: check a feed, and turn one service day into a :class:`~app.analysis.transit.Timetable`.

Reading (column names, types, which services run on a date) is gtfs-kit's
(a kept library).  gtfs-kit 13 no longer ships a validator, so
:func:`validate_feed` checks what routing depends on and names the file,
table, row and column of every problem, before anything is stored.

Rows are numbered as in the file: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd
from pyproj import Transformer

from .transit import DEFAULT_CHANGE_S, Timetable

REQUIRED = {
    "agency": ("agency_name", "agency_url", "agency_timezone"),
    "stops": ("stop_id", "stop_lat", "stop_lon"),
    "routes": ("route_id", "route_type"),
    "trips": ("route_id", "service_id", "trip_id"),
    "stop_times": ("trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"),
}
CALENDAR = ("service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
            "sunday", "start_date", "end_date")
CALENDAR_DATES = ("service_id", "date", "exception_type")
WEEKDAYS = CALENDAR[1:8]
TIME = re.compile(r"^\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*$")
MAX_ERRORS = 25
TRANSFER_M = 400.0
WALK_M_PER_S = 4.8 * 1000 / 3600
CIRCUITY = 1.3
_TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


class TimetableError(ValueError):
    """A GTFS feed cannot be used; ``problems`` lists every one found."""

    def __init__(self, name: str, problems: list[str]):
        self.problems = problems
        more = "" if len(problems) < MAX_ERRORS else f"\n(first {MAX_ERRORS} problems shown)"
        super().__init__(f"{name} is not a usable GTFS feed:\n  " + "\n  ".join(problems) + more)


def seconds(text: str) -> int | None:
    """``HH:MM:SS`` (hours may pass 24) -> seconds after midnight; None if not a time."""
    m = TIME.match(text or "")
    if not m:
        return None
    h, mi, s = (int(g) for g in m.groups())
    return h * 3600 + mi * 60 + s


def _yyyymmdd(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%Y%m%d").date()
    except ValueError:
        return None


def _tables(data: bytes, name: str) -> dict[str, list[dict]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TimetableError(name, [f"{name}: not a zip file (a GTFS feed is a zip of .txt "
                                    "tables)"]) from None
    out = {}
    with archive:
        for info in archive.infolist():
            stem = info.filename.rsplit("/", 1)[-1]
            if not stem.endswith(".txt"):
                continue
            try:
                text = archive.read(info).decode("utf-8-sig")
            except UnicodeDecodeError:
                raise TimetableError(name, [f"{stem}: not UTF-8 text"]) from None
            reader = csv.DictReader(io.StringIO(text))
            reader.fieldnames = [f.strip() for f in (reader.fieldnames or [])]
            out[stem[:-4]] = [{k: (v or "").strip() for k, v in row.items() if k}
                              for row in reader]
            out[stem[:-4] + ".columns"] = reader.fieldnames
    return out


class _Problems(list):
    def add(self, table: str, row: int | None, column: str | None, message: str) -> None:
        if len(self) >= MAX_ERRORS:
            return
        where = f"{table}.txt (table {table})"
        if row is not None:
            where += f", row {row}"
        if column:
            where += f", column {column}"
        self.append(f"{where}: {message}")


def validate_feed(data: bytes, *, name: str = "GTFS feed") -> dict:
    """Check a GTFS zip; return a summary, or raise :class:`TimetableError` listing every problem (up to 25) with file, table, row and column."""
    tables = _tables(data, name)
    problems = _Problems()
    for table, columns in REQUIRED.items():
        if table not in tables:
            problems.add(table, None, None, "missing from the feed")
            continue
        missing = [c for c in columns if c not in tables[table + ".columns"]]
        if missing:
            problems.add(table, 1, None, f"header lacks required column(s) {', '.join(missing)}")
    if "calendar" not in tables and "calendar_dates" not in tables:
        problems.add("calendar", None, None, "missing: a feed needs calendar.txt or "
                     "calendar_dates.txt to say which days each service runs")
    for table, columns in (("calendar", CALENDAR), ("calendar_dates", CALENDAR_DATES)):
        if table in tables:
            missing = [c for c in columns if c not in tables[table + ".columns"]]
            if missing:
                problems.add(table, 1, None, f"header lacks required column(s) "
                             f"{', '.join(missing)}")
    if problems:
        raise TimetableError(name, problems)
    if tables.get("frequencies"):
        problems.add("frequencies", 2, None, "frequency-based trips are not supported; "
                     "give every trip its own stop times")

    stops = _unique_ids(tables, "stops", "stop_id", problems)
    for n, row in enumerate(tables["stops"], start=2):
        for col, lo, hi in (("stop_lat", 49.0, 61.5), ("stop_lon", -9.0, 4.0)):
            try:
                value = float(row[col])
            except ValueError:
                problems.add("stops", n, col, f"{row[col]!r} is not a number")
                continue
            if not lo <= value <= hi:
                problems.add("stops", n, col, f"{value} is outside Great Britain and its "
                             "waters (the British National Grid)")
    routes = _unique_ids(tables, "routes", "route_id", problems)
    services = set()
    for n, row in enumerate(tables.get("calendar", []), start=2):
        services.add(row["service_id"])
        for col in WEEKDAYS:
            if row[col] not in ("0", "1"):
                problems.add("calendar", n, col, f"{row[col]!r} is not 0 or 1")
        start, end = _yyyymmdd(row["start_date"]), _yyyymmdd(row["end_date"])
        for col, value in (("start_date", start), ("end_date", end)):
            if value is None:
                problems.add("calendar", n, col, f"{row[col]!r} is not a date YYYYMMDD")
        if start and end and end < start:
            problems.add("calendar", n, "end_date", "is before start_date")
    for n, row in enumerate(tables.get("calendar_dates", []), start=2):
        services.add(row["service_id"])
        if _yyyymmdd(row["date"]) is None:
            problems.add("calendar_dates", n, "date", f"{row['date']!r} is not a date YYYYMMDD")
        if row["exception_type"] not in ("1", "2"):
            problems.add("calendar_dates", n, "exception_type",
                         f"{row['exception_type']!r} is not 1 (added) or 2 (removed)")
    trips = _unique_ids(tables, "trips", "trip_id", problems)
    for n, row in enumerate(tables["trips"], start=2):
        if row["route_id"] not in routes:
            problems.add("trips", n, "route_id", f"{row['route_id']!r} is not in routes.txt")
        if row["service_id"] not in services:
            problems.add("trips", n, "service_id",
                         f"{row['service_id']!r} is not in calendar.txt or calendar_dates.txt")
    _check_stop_times(tables["stop_times"], trips, stops, problems)
    if problems:
        raise TimetableError(name, problems)
    return {"stops": len(stops), "routes": len(routes), "trips": len(trips),
            "stop_times": len(tables["stop_times"]), "first_date": _span(tables)[0],
            "last_date": _span(tables)[1]}


def _unique_ids(tables, table: str, column: str, problems: _Problems) -> set:
    seen: set = set()
    for n, row in enumerate(tables[table], start=2):
        value = row[column]
        if not value:
            problems.add(table, n, column, "empty")
        elif value in seen:
            problems.add(table, n, column, f"{value!r} appears twice")
        seen.add(value)
    return seen


def _check_stop_times(rows, trips, stops, problems: _Problems) -> None:
    last: dict[str, tuple[int, int | None]] = {}
    for n, row in enumerate(rows, start=2):
        trip = row["trip_id"]
        if trip not in trips:
            problems.add("stop_times", n, "trip_id", f"{trip!r} is not in trips.txt")
        if row["stop_id"] not in stops:
            problems.add("stop_times", n, "stop_id", f"{row['stop_id']!r} is not in stops.txt")
        try:
            seq = int(row["stop_sequence"])
        except ValueError:
            problems.add("stop_times", n, "stop_sequence", f"{row['stop_sequence']!r} is not a "
                         "whole number")
            continue
        times = []
        for col in ("arrival_time", "departure_time"):
            if row[col] == "":
                times.append(None)
                continue
            value = seconds(row[col])
            if value is None:
                problems.add("stop_times", n, col, f"{row[col]!r} is not a time HH:MM:SS")
            times.append(value)
        arr, dep = times
        if arr is not None and dep is not None and dep < arr:
            problems.add("stop_times", n, "departure_time", "is before arrival_time")
        before = last.get(trip)
        if before is not None:
            if seq <= before[0]:
                problems.add("stop_times", n, "stop_sequence",
                             f"{seq} does not follow {before[0]} in trip {trip!r} "
                             "(rows of a trip must be in stop_sequence order)")
            if arr is not None and before[1] is not None and arr < before[1]:
                problems.add("stop_times", n, "arrival_time",
                             f"is earlier than the previous stop's departure in trip {trip!r}")
        elif arr is None or dep is None:
            problems.add("stop_times", n, "arrival_time", "the first stop of a trip needs times")
        last[trip] = (seq, dep if dep is not None else (before[1] if before else None))


def _span(tables) -> tuple[str | None, str | None]:
    dates = [d for row in tables.get("calendar", []) for d in (row["start_date"], row["end_date"])]
    dates += [row["date"] for row in tables.get("calendar_dates", [])]
    dates = sorted(d for d in dates if _yyyymmdd(d))
    if not dates:
        return None, None
    return (_yyyymmdd(dates[0]).isoformat(), _yyyymmdd(dates[-1]).isoformat())


# -- one service day ------------------------------------------------------------------

@dataclass
class Feed:
    """A validated feed's stops (in EPSG:27700), its stop times as arrays (seconds, untimed stops interpolated) and the gtfs-kit tables."""

    stops: pd.DataFrame  # stop_id, stop_name, x, y (index = stop position)
    kit: object  # gtfs_kit.Feed
    calls: pd.DataFrame | None = None  # trip, stop, seq, arr, dep; sorted by trip, seq
    _days: dict = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, data: bytes) -> Feed:
        """Read a validated GTFS zip (bytes) into a :class:`Feed`."""
        import tempfile

        import gtfs_kit

        with tempfile.NamedTemporaryFile(suffix=".zip") as tmp:
            tmp.write(data)
            tmp.flush()
            kit = gtfs_kit.read_feed(tmp.name, dist_units="km")
        stops = kit.stops[["stop_id"]].copy()
        stops["stop_name"] = kit.stops.get("stop_name", pd.Series("", index=stops.index))
        x, y = _TO_BNG.transform(kit.stops["stop_lon"].to_numpy(float),
                                 kit.stops["stop_lat"].to_numpy(float))
        stops["x"], stops["y"] = x, y
        stops = stops.reset_index(drop=True)
        st = kit.stop_times[["trip_id", "stop_id", "stop_sequence", "arrival_time",
                             "departure_time"]]
        st = st.sort_values(["trip_id", "stop_sequence"], kind="stable").reset_index(drop=True)
        arr = _interpolated(st, "arrival_time")
        dep = _interpolated(st, "departure_time")
        dep = np.where(np.isnan(dep), arr, dep)
        arr = np.where(np.isnan(arr), dep, arr)
        stop_pos = pd.Series(stops.index, index=stops["stop_id"].astype(str))
        calls = pd.DataFrame({"trip": st["trip_id"].astype(str).to_numpy(),
                              "stop": stop_pos.loc[st["stop_id"].astype(str)].to_numpy(),
                              "seq": st["stop_sequence"].to_numpy(dtype=np.int64),
                              "arr": arr, "dep": dep})
        return cls(stops, kit, calls)

    def service_date(self, weekday: int, on_or_after: date) -> date | None:
        """The first date on or after ``on_or_after`` falling on ``weekday`` (0 = Monday) and inside the feed's dates, else the feed's last such date."""
        import gtfs_kit

        dates = [datetime.strptime(d, "%Y%m%d").date() for d in gtfs_kit.get_dates(self.kit)]
        days = [d for d in dates if d.weekday() == weekday]
        if not days:
            return None
        later = [d for d in days if d >= on_or_after]
        return later[0] if later else days[-1]

    def day_timetable(self, day: date, *, change_s: float = DEFAULT_CHANGE_S,
                      transfer_m: float = TRANSFER_M) -> Timetable:
        """Every connection of the trips running on ``day``; footpaths join stops within ``transfer_m`` metres (straight line x 1.3 at 4.8 km/h).

        Days running the same services share one timetable.
        """
        import gtfs_kit

        services = frozenset(gtfs_kit.get_active_services(self.kit, day.strftime("%Y%m%d")))
        key = (services, change_s, transfer_m)
        if key in self._days:
            return self._days[key]
        trips = set(self.kit.trips.loc[self.kit.trips["service_id"].isin(services),
                                       "trip_id"].astype(str))
        st = self.calls[self.calls["trip"].isin(trips)]
        trip_codes, trip_idx = np.unique(st["trip"].to_numpy(), return_inverse=True)
        stop_idx = st["stop"].to_numpy()
        arr, dep = st["arr"].to_numpy(), st["dep"].to_numpy()
        a = np.flatnonzero(trip_idx[1:] == trip_idx[:-1])
        fp_from, fp_to, fp_s = transfer_links(self.stops[["x", "y"]].to_numpy(float),
                                              transfer_m)
        tt = Timetable.from_connections(
            len(self.stops), stop_idx[a], stop_idx[a + 1], dep[a], arr[a + 1], trip_idx[a],
            seq=st["seq"].to_numpy()[a], footpath_from=fp_from, footpath_to=fp_to,
            footpath_s=fp_s, change_s=change_s)
        self._days[key] = tt
        return tt


def _interpolated(st: pd.DataFrame, column: str) -> np.ndarray:
    """Seconds, with missing times of untimed stops interpolated along each trip by stop order (GTFS lets timetables time only some stops)."""
    values = pd.Series([np.nan if not isinstance(v, str) or seconds(v) is None else seconds(v)
                        for v in st[column].tolist()], dtype=float)
    if values.isna().any():
        values = values.groupby(st["trip_id"].to_numpy()).transform(
            lambda s: s.interpolate(limit_area="inside"))
    return values.to_numpy(dtype=float)


def transfer_links(xy: np.ndarray, within_m: float):
    """Both-way walking links between points within ``within_m`` (straight line x 1.3 at 4.8 km/h).

    Arrays (from, to, seconds).
    """
    from scipy.spatial import cKDTree

    if len(xy) < 2:
        return np.array([], int), np.array([], int), np.array([], float)
    pairs = cKDTree(xy).query_pairs(within_m, output_type="ndarray")
    d = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T)
    s = d * CIRCUITY / WALK_M_PER_S
    return (np.concatenate([pairs[:, 0], pairs[:, 1]]), np.concatenate([pairs[:, 1], pairs[:, 0]]),
            np.concatenate([s, s]))

