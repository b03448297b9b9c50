"""GTFS bus timetables: check a feed, and turn one service day into a :class:`~app.analysis.transit.Timetable`.

Checking is :mod:`.gtfscheck`'s (file, table, row and column of every problem);
opening the zip within the size limits is :mod:`.gtfszip`'s.  This module reads
a checked feed for routing.

Why not gtfs-kit (still pinned, and kept for the tests' independent reading):
``gtfs_kit.read_feed`` reads every table of the zip whole, every column, into
pandas frames of Python strings, with no limit on size, so its memory grows
with the file (bench/bench_transit_memory.py: 262 MB for 1.2 million stop
times, 88 MB of text).  :meth:`Feed.read` reads the small tables (stops,
trips, calendars) with only the columns routing uses, and reads
``stop_times.txt`` in chunks of rows only when a day is asked for, keeping the
calls of the trips that run on the days asked (as numbers: about 32 bytes a
call), so memory is bounded by what is kept, not by the file (103 MB for the
same feed, two days' calls kept).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from ..geodata.crs import BNG, WGS84, transformer
from .filelimits import TransportLimits
from .gtfscheck import WEEKDAYS, seconds, validate_feed, yyyymmdd
from .gtfszip import GtfsArchive, TimetableError
from .transit import DEFAULT_CHANGE_S, Timetable

__all__ = ["Feed", "TimetableError", "seconds", "transfer_links", "validate_feed"]

TRANSFER_M = 400.0
WALK_M_PER_S = 4.8 * 1000 / 3600
CIRCUITY = 1.3
STOP_TIMES = ("trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time")
CHUNK_ROWS = 50_000  # rows of stop_times.txt read at a time (a few MB of text)
DAY_S = 24 * 3600
NEXT_DAY_UNTIL_S = 12 * 3600  # the next day's trips leaving before noon join a day's timetable
CALL_TYPES = {"trip": np.int32, "stop": np.int32, "seq": np.int64, "arr": np.float64,
              "dep": np.float64}


def _table(archive: GtfsArchive, table: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """``columns`` of a small table as text (missing ones empty); empty if the feed lacks it."""
    chunks = list(archive.chunks(table, columns)) if archive.has(table) else []
    frame = (pd.concat(chunks, ignore_index=True) if chunks
             else pd.DataFrame(columns=list(columns), dtype=str))
    frame = frame.reindex(columns=list(columns), fill_value="").astype(str)
    return pd.DataFrame({c: frame[c].str.strip() for c in columns}, index=frame.index)


def _each_once(column: pd.Series, read: Callable[[str], float]) -> np.ndarray:
    """``read(text)`` of every cell (stripped), called once per distinct text.

    A timetable repeats its times, sequence numbers and ids, so this is far
    quicker than pandas' string methods.
    """
    codes, uniques = pd.factorize(column.to_numpy(object))
    return np.asarray([read(u.strip()) for u in uniques], dtype=float)[codes] \
        if len(uniques) else np.array([], dtype=float)


def _seconds(text: str) -> float:
    value = seconds(text)
    return np.nan if value is None else float(value)


def _position(ids: pd.Series) -> Callable[[str], float]:
    """A function: an id -> its row in ``ids`` (the first if repeated), -1 if absent."""
    lookup: dict[str, int] = {}
    for k, value in enumerate(ids):
        lookup.setdefault(value, k)
    return lambda text: lookup.get(text, -1)


def _remembered(read: Callable[[str], float], most: int = 500_000) -> Callable[[str], float]:
    """``read`` remembering up to ``most`` answers across chunks (times repeat)."""
    known: dict[str, float] = {}

    def once(text: str) -> float:
        if text not in known:
            if len(known) >= most:
                return read(text)
            known[text] = read(text)
        return known[text]
    return once


@dataclass
class Feed:
    """A checked feed's stops (in EPSG:27700), trips and calendars.

    Its stop times are read by day (:meth:`keep_days`), untimed stops interpolated.
    """

    stops: pd.DataFrame  # stop_id, stop_name, x, y (index = stop position)
    trips: pd.DataFrame  # trip_id, service_id (index = trip code)
    calendar: pd.DataFrame  # service_id, monday..sunday, start_date, end_date (text)
    calendar_dates: pd.DataFrame  # service_id, date, exception_type (text)
    archive: GtfsArchive = field(repr=False)
    calls: dict[str, np.ndarray] | None = None  # arrays trip (code), stop, seq, arr, dep; by trip, seq
    loaded: frozenset[str] = frozenset()  # the services whose calls are in ``calls``
    _days: dict[tuple[object, ...], Timetable] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, data: bytes, *, name: str = "GTFS feed",
             limits: TransportLimits | None = None) -> Feed:
        """Read a checked GTFS zip (bytes) within ``limits``.

        :class:`TimetableError` if it is over them (a feed stored before they were lowered).
        """
        archive = GtfsArchive(data, name, limits)
        raw = _table(archive, "stops", ("stop_id", "stop_name", "stop_lat", "stop_lon"))
        raw = raw.drop_duplicates("stop_id").reset_index(drop=True)
        x, y = transformer(WGS84, BNG).transform(pd.to_numeric(raw["stop_lon"]).to_numpy(float),
                                 pd.to_numeric(raw["stop_lat"]).to_numpy(float))
        stops = pd.DataFrame({"stop_id": raw["stop_id"], "stop_name": raw["stop_name"],
                              "x": x, "y": y})
        trips = _table(archive, "trips", ("trip_id", "service_id"))
        return cls(stops, trips.drop_duplicates("trip_id").reset_index(drop=True),
                   _table(archive, "calendar", ("service_id", *WEEKDAYS, "start_date",
                                                "end_date")),
                   _table(archive, "calendar_dates", ("service_id", "date", "exception_type")),
                   archive)

    def dates(self) -> list[date]:
        """Every date from the feed's first to its last (as gtfs-kit's ``get_dates``)."""
        read = [yyyymmdd(d) for d in (*self.calendar["start_date"], *self.calendar["end_date"],
                                      *self.calendar_dates["date"])]
        days = [d for d in read if d]
        if not days:
            return []
        first, last = min(days), max(days)
        return [first + timedelta(days=k) for k in range((last - first).days + 1)]

    def active_services(self, day: date) -> frozenset[str]:
        """Services running on ``day``.

        calendar.txt's weekdays and dates, then calendar_dates.txt's additions (1) and
        removals (2).
        """
        key, cal, extra = day.strftime("%Y%m%d"), self.calendar, self.calendar_dates
        on = set(cal.loc[(cal["start_date"] <= key) & (cal["end_date"] >= key)
                         & (cal[WEEKDAYS[day.weekday()]] == "1"), "service_id"])
        that_day = extra[extra["date"] == key]
        on |= set(that_day.loc[that_day["exception_type"] == "1", "service_id"])
        return frozenset(on - set(that_day.loc[that_day["exception_type"] == "2",
                                               "service_id"]))

    def service_date(self, weekday: int, on_or_after: date) -> date | None:
        """The first date on or after ``on_or_after`` falling on ``weekday`` (0 = Monday) and inside the feed's dates, else the feed's last such date.

        Journeys use :meth:`typical_week` instead (no bank holidays or exceptions).
        """
        days = [d for d in self.dates() if d.weekday() == weekday]
        if not days:
            return None
        later = [d for d in days if d >= on_or_after]
        return later[0] if later else days[-1]

    def typical_week(self, reference: date) -> dict[int, date]:
        """Weekday -> a date of normal service (:func:`app.analysis.typicalweek.typical_week`)."""
        from .typicalweek import typical_week

        return typical_week(self, reference)

    def keep_days(self, days: Iterable[date]) -> None:
        """Read the calls of every trip running on any of ``days``, unless held already.

        One pass over ``stop_times.txt``, in chunks of rows.
        """
        services = frozenset().union(*(self.active_services(d) for d in days))
        if services <= self.loaded:
            return
        services |= self.loaded
        trip_code = _position(self.trips["trip_id"])
        wanted = self.trips["service_id"].isin(services).to_numpy()
        stop_pos = _position(self.stops["stop_id"])
        seq, time = _remembered(int), _remembered(_seconds)
        parts: dict[str, list[np.ndarray]] = {k: [] for k in CALL_TYPES}
        for chunk in self.archive.chunks("stop_times", STOP_TIMES, rows=CHUNK_ROWS):
            trip = _each_once(chunk["trip_id"], trip_code).astype(np.int64)
            keep = trip >= 0
            keep[keep] = wanted[trip[keep]]
            if not keep.any():
                continue
            kept = chunk[keep]
            stop = _each_once(kept["stop_id"], stop_pos).astype(np.int64)
            ok = stop >= 0
            for column, values in (
                    ("trip", trip[keep]), ("stop", stop),
                    ("seq", _each_once(kept["stop_sequence"], seq)),
                    ("arr", _each_once(kept["arrival_time"], time)),
                    ("dep", _each_once(kept["departure_time"], time))):
                parts[column].append(values[ok].astype(CALL_TYPES[column]))
            del chunk, kept
        calls = {k: np.concatenate(v) if v else np.array([], CALL_TYPES[k])
                 for k, v in parts.items()}
        del parts
        order = np.lexsort((calls["seq"], calls["trip"]))
        for column in calls:  # one column at a time: the peak is one column over the kept
            calls[column] = calls[column][order]
        del order
        arr = _interpolated(calls["trip"], calls["arr"])
        dep = _interpolated(calls["trip"], calls["dep"])
        calls["dep"] = np.where(np.isnan(dep), arr, dep)
        calls["arr"] = np.where(np.isnan(arr), dep, arr)
        self.calls, self.loaded = calls, services

    def day_timetable(self, day: date, *, change_s: float = DEFAULT_CHANGE_S,
                      transfer_m: float = TRANSFER_M) -> Timetable:
        """Every connection one can ride on ``day``; footpaths join stops within ``transfer_m`` metres (straight line x 1.3 at 4.8 km/h).

        The trips of ``day``'s services (times past 24:00:00 included), and, so
        that a journey home after a late session sees the buses after midnight,
        the next day's trips leaving before :data:`NEXT_DAY_UNTIL_S` (their times
        + 24 h: the 00:05 is 24:05) and the previous day's calls after its
        midnight (times - 24 h).  Each run is its own trip: a trip running on
        both days is two vehicles.  Days whose three days run the same services
        share one timetable.
        """
        parts = ((day - timedelta(days=1), -DAY_S), (day, 0.0),
                 (day + timedelta(days=1), DAY_S))
        services = [self.active_services(on) for on, _ in parts]
        key = (*services, change_s, transfer_m)
        if key in self._days:
            return self._days[key]
        self.keep_days([on for on, _ in parts])
        cols: dict[str, list[np.ndarray]] = {k: [] for k in ("u", "v", "dep", "arr", "trip",
                                                              "seq")}
        trips_so_far = 0
        for (_, shift), running in zip(parts, services, strict=True):
            codes = np.flatnonzero(self.trips["service_id"].isin(running).to_numpy())
            calls = self.calls
            assert calls is not None  # loaded by keep_days above
            runs = np.isin(calls["trip"], codes)
            st = {k: v[runs] for k, v in calls.items()}
            _, trip_idx = np.unique(st["trip"], return_inverse=True)
            a = np.flatnonzero(trip_idx[1:] == trip_idx[:-1])
            dep = st["dep"][a] + shift
            keep = (dep >= 0) if shift < 0 else (dep < DAY_S + NEXT_DAY_UNTIL_S) if shift > 0 \
                else np.ones(len(a), bool)
            a = a[keep]
            for column, values in (("u", st["stop"][a]), ("v", st["stop"][a + 1]),
                                   ("dep", st["dep"][a] + shift),
                                   ("arr", st["arr"][a + 1] + shift),
                                   ("trip", trip_idx[a] + trips_so_far), ("seq", st["seq"][a])):
                cols[column].append(values)
            trips_so_far += int(trip_idx.max()) + 1 if len(trip_idx) else 0
        c = {k: np.concatenate(v) for k, v in cols.items()}
        fp_from, fp_to, fp_s = transfer_links(self.stops[["x", "y"]].to_numpy(float),
                                              transfer_m)
        tt = Timetable.from_connections(
            len(self.stops), c["u"], c["v"], c["dep"], c["arr"], c["trip"], seq=c["seq"],
            footpath_from=fp_from, footpath_to=fp_to, footpath_s=fp_s, change_s=change_s)
        self._days[key] = tt
        return tt


def _interpolated(trip: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Missing times of untimed stops interpolated along each trip by stop order.

    Only between two timed stops of the same trip (GTFS lets timetables time only
    some stops); rows sorted by trip, then stop_sequence.
    """
    gaps = np.isnan(values)
    if not gaps.any():
        return values
    values = values.copy()
    n = len(values)
    pos = np.arange(n)
    before = np.maximum.accumulate(np.where(gaps, -1, pos))
    after = np.minimum.accumulate(np.where(gaps, n, pos)[::-1])[::-1]
    inside = gaps & (before >= 0) & (after < n)
    inside[inside] = ((trip[before[inside]] == trip[inside])
                      & (trip[after[inside]] == trip[inside]))
    p, q, k = before[inside], after[inside], pos[inside]
    values[inside] = values[p] + (values[q] - values[p]) * (k - p) / (q - p)
    return values


def transfer_links(xy: np.ndarray, within_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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

