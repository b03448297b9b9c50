"""Check a GTFS feed before it is stored.

Every problem (up to :data:`~app.analysis.gtfszip.MAX_ERRORS`) names the file,
table, row and column.

gtfs-kit 13 no longer ships a validator, so this checks what routing depends
on.  It reads each table once, a row at a time, through
:class:`~app.analysis.gtfszip.GtfsArchive` (the zip is checked against the
size limits first), keeping only the ids later tables refer to and, for
``stop_times.txt``, the last call of each trip: memory grows with the number
of stops and trips, not with the size of the file.

Rows are numbered as in the file: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from .filelimits import TransportLimits
from .gtfszip import MAX_ERRORS, GtfsArchive, TimetableError

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


def seconds(text: str) -> int | None:
    """``HH:MM:SS`` (hours may pass 24) -> seconds after midnight; None if not a time."""
    m = TIME.match(text or "")
    if not m:
        return None
    h, mi, s = (int(g) for g in m.groups())
    return h * 3600 + mi * 60 + s


def yyyymmdd(text: str) -> date | None:
    """``20261201`` -> the date; None if not a date."""
    try:
        return datetime.strptime(text.strip(), "%Y%m%d").date()
    except ValueError:
        return None


class _Enough(Exception):
    """Raised when :data:`MAX_ERRORS` problems are listed.

    Reading on would add nothing shown, and a hostile file full of errors would
    cost time for nothing.
    """


class _Problems(list[str]):
    def add(self, table: str, row: int | None, column: str | None, message: str) -> None:
        if len(self) >= MAX_ERRORS:
            raise _Enough
        where = f"{table}.txt (table {table})"
        if row is not None:
            where += f", row {row}"
        if column:
            where += f", column {column}"
        self.append(f"{where}: {message}")


def _headers(archive: GtfsArchive, problems: _Problems) -> None:
    for table, columns in (*REQUIRED.items(), ("calendar", CALENDAR),
                           ("calendar_dates", CALENDAR_DATES)):
        if not archive.has(table):
            if table in REQUIRED:
                problems.add(table, None, None, "missing from the feed")
            continue
        header = archive.header(table)
        missing = [c for c in columns if c not in header]
        if missing:
            problems.add(table, 1, None, f"header lacks required column(s) {', '.join(missing)}")
    if not archive.has("calendar") and not archive.has("calendar_dates"):
        problems.add("calendar", None, None, "missing: a feed needs calendar.txt or "
                     "calendar_dates.txt to say which days each service runs")


def _has_rows(archive: GtfsArchive, table: str) -> bool:
    if not archive.has(table):
        return False
    rows = archive.rows(table)
    try:
        return next(rows, None) is not None
    finally:
        rows.close()


def validate_feed(data: bytes, *, name: str = "GTFS feed",
                  limits: TransportLimits | None = None) -> dict[str, Any]:
    """Check a GTFS zip and return a summary.

    Raises :class:`TimetableError` listing every problem (up to 25) with file,
    table, row and column, or the limit it is over.
    """
    archive = GtfsArchive(data, name, limits)
    problems = _Problems()
    try:
        summary = _check(archive, problems)
    except _Enough:
        summary = None
    if problems:
        raise TimetableError(name, problems)
    assert summary is not None  # _check stops early (None) only with problems
    return summary


def _check(archive: GtfsArchive, problems: _Problems) -> dict[str, Any] | None:
    """Every check, in the order of the tables; the summary, or None with problems."""
    _headers(archive, problems)
    if problems:
        return None
    if _has_rows(archive, "frequencies"):
        problems.add("frequencies", 2, None, "frequency-based trips are not supported; "
                     "give every trip its own stop times")
    stops = _stops(archive, problems)
    routes = _unique_ids(archive, "routes", "route_id", problems)
    services, dates = _calendars(archive, problems)
    trips: set[str] = set()
    for n, row in archive.rows("trips", REQUIRED["trips"]):
        _unique(trips, "trips", n, "trip_id", row["trip_id"], problems)
        if row["route_id"] not in routes:
            problems.add("trips", n, "route_id", f"{row['route_id']!r} is not in routes.txt")
        if row["service_id"] not in services:
            problems.add("trips", n, "service_id",
                         f"{row['service_id']!r} is not in calendar.txt or calendar_dates.txt")
    calls = _check_stop_times(archive, trips, stops, problems)
    if problems:
        return None
    first, last = (min(dates).isoformat(), max(dates).isoformat()) if dates else (None, None)
    return {"stops": len(stops), "routes": len(routes), "trips": len(trips),
            "stop_times": calls, "first_date": first, "last_date": last}


def _unique(seen: set[str], table: str, n: int, column: str, value: str,
            problems: _Problems) -> None:
    if not value:
        problems.add(table, n, column, "empty")
    elif value in seen:
        problems.add(table, n, column, f"{value!r} appears twice")
    seen.add(value)


def _unique_ids(archive: GtfsArchive, table: str, column: str,
                problems: _Problems) -> set[str]:
    seen: set[str] = set()
    for n, row in archive.rows(table):
        _unique(seen, table, n, column, row[column], problems)
    return seen


def _stops(archive: GtfsArchive, problems: _Problems) -> set[str]:
    seen: set[str] = set()
    for n, row in archive.rows("stops"):
        _unique(seen, "stops", n, "stop_id", row["stop_id"], problems)
        for col, lo, hi in (("stop_lat", 49.0, 61.5), ("stop_lon", -9.0, 4.0)):
            try:
                value = float(row[col])
            except ValueError:
                problems.add("stops", n, col, f"{row[col]!r} is not a number")
                continue
            if not lo <= value <= hi:
                problems.add("stops", n, col, f"{value} is outside Great Britain and its "
                             "waters (the British National Grid)")
    return seen


def _calendars(archive: GtfsArchive, problems: _Problems) -> tuple[set[str], list[date]]:
    """(service ids, the feed's first and last dates) from calendar and calendar_dates."""
    services: set[str] = set()
    dates: list[date] = []
    if archive.has("calendar"):
        for n, row in archive.rows("calendar"):
            services.add(row["service_id"])
            for col in WEEKDAYS:
                if row[col] not in ("0", "1"):
                    problems.add("calendar", n, col, f"{row[col]!r} is not 0 or 1")
            start, end = yyyymmdd(row["start_date"]), yyyymmdd(row["end_date"])
            for col, value in (("start_date", start), ("end_date", end)):
                if value is None:
                    problems.add("calendar", n, col, f"{row[col]!r} is not a date YYYYMMDD")
            if start and end and end < start:
                problems.add("calendar", n, "end_date", "is before start_date")
            dates = _span(dates, start, end)
    if archive.has("calendar_dates"):
        for n, row in archive.rows("calendar_dates"):
            services.add(row["service_id"])
            day = yyyymmdd(row["date"])
            if day is None:
                problems.add("calendar_dates", n, "date",
                             f"{row['date']!r} is not a date YYYYMMDD")
            if row["exception_type"] not in ("1", "2"):
                problems.add("calendar_dates", n, "exception_type",
                             f"{row['exception_type']!r} is not 1 (added) or 2 (removed)")
            dates = _span(dates, day)
    return services, dates


def _span(dates: list[date], *more: date | None) -> list[date]:
    """The earliest and latest of ``dates`` and ``more`` (Nones left out)."""
    kept = [d for d in (*dates, *more) if d is not None]
    return [min(kept), max(kept)] if kept else []


def _check_stop_times(archive: GtfsArchive, trips: set[str], stops: set[str],
                      problems: _Problems) -> int:
    """Check every call; the number of rows."""
    last: dict[str, tuple[int, int | None]] = {}
    known: dict[str, int | None] = {}  # each time text read once (a feed repeats them)
    n = 1
    for n, row in archive.rows("stop_times", REQUIRED["stop_times"]):
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
        times: list[int | None] = []
        for col in ("arrival_time", "departure_time"):
            if row[col] == "":
                times.append(None)
                continue
            value = known.get(row[col], -1)
            if value == -1:
                value = seconds(row[col])
                if len(known) < 500_000:
                    known[row[col]] = value
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
    return n - 1
