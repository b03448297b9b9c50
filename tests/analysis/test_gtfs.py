"""GTFS feeds: validation names file, table, row and column; one service day
becomes a timetable (weekday and Saturday services, untimed stops)."""

from __future__ import annotations

from datetime import date

import pytest

from app.analysis.gtfs import Feed, TimetableError, validate_feed
from app.demo.gtfsfile import write_gtfs


def hm(text):
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def feed_tables():
    return {
        "agency": [{"agency_id": "A", "agency_name": "Wyvern Buses",
                    "agency_url": "https://example.org", "agency_timezone": "Europe/London"}],
        "stops": [
            {"stop_id": "V", "stop_name": "Village green", "stop_lat": "52.10", "stop_lon": "-2.80"},
            {"stop_id": "T", "stop_name": "Town square", "stop_lat": "52.06", "stop_lon": "-2.72"},
            {"stop_id": "T2", "stop_name": "Town square (opp)", "stop_lat": "52.0601",
             "stop_lon": "-2.7201"},
            {"stop_id": "L", "stop_name": "Leisure centre", "stop_lat": "52.05", "stop_lon": "-2.70"},
        ],
        "routes": [{"route_id": "R1", "agency_id": "A", "route_short_name": "41",
                    "route_type": "3"},
                   {"route_id": "R2", "agency_id": "A", "route_short_name": "S1",
                    "route_type": "3"}],
        "calendar": [
            {"service_id": "WK", **{d: "1" for d in ("monday", "tuesday", "wednesday",
                                                      "thursday", "friday")},
             "saturday": "0", "sunday": "0", "start_date": "20260907", "end_date": "20270725"},
            {"service_id": "SA", **{d: "0" for d in ("monday", "tuesday", "wednesday",
                                                      "thursday", "friday")},
             "saturday": "1", "sunday": "0", "start_date": "20260907", "end_date": "20270725"},
        ],
        "calendar_dates": [{"service_id": "WK", "date": "20261225", "exception_type": "2"}],
        "trips": [{"route_id": "R1", "service_id": "WK", "trip_id": "wk1"},
                  {"route_id": "R2", "service_id": "SA", "trip_id": "sa1"}],
        "stop_times": [
            {"trip_id": "wk1", "stop_id": "V", "stop_sequence": "1",
             "arrival_time": "17:45:00", "departure_time": "17:45:00"},
            {"trip_id": "wk1", "stop_id": "T", "stop_sequence": "2",
             "arrival_time": "", "departure_time": ""},  # untimed: interpolated
            {"trip_id": "wk1", "stop_id": "L", "stop_sequence": "3",
             "arrival_time": "18:15:00", "departure_time": "18:15:00"},
            {"trip_id": "sa1", "stop_id": "V", "stop_sequence": "1",
             "arrival_time": "10:00:00", "departure_time": "10:00:00"},
            {"trip_id": "sa1", "stop_id": "L", "stop_sequence": "2",
             "arrival_time": "10:30:00", "departure_time": "10:30:00"},
        ],
    }


def test_valid_feed_summary():
    summary = validate_feed(write_gtfs(feed_tables()))
    assert summary["stops"] == 4 and summary["trips"] == 2 and summary["stop_times"] == 5
    assert summary["first_date"] == "2026-09-07" and summary["last_date"] == "2027-07-25"


def test_saturday_only_service_runs_only_on_saturdays():
    feed = Feed.read(write_gtfs(feed_tables()))
    stop = {s: i for i, s in enumerate(feed.stops["stop_id"])}
    saturday = feed.service_date(5, date(2026, 11, 30))
    assert saturday == date(2026, 12, 5)
    sat = feed.day_timetable(saturday)
    assert sat.earliest_arrival({stop["V"]: 0}, hm("09:00"))[stop["L"]] == hm("10:30")
    tuesday = feed.day_timetable(feed.service_date(1, date(2026, 11, 30)))
    assert tuesday.earliest_arrival({stop["V"]: 0}, hm("09:00"))[stop["L"]] == hm("18:15")
    # The untimed middle stop is interpolated halfway: 18:00.
    assert tuesday.earliest_arrival({stop["V"]: 0}, hm("09:00"))[stop["T"]] == hm("18:00")
    # Christmas Day is removed by calendar_dates: no buses that day; only Boxing
    # Day's (a Saturday) 10:00, as 34:00, in case a journey runs past midnight.
    assert feed.day_timetable(date(2026, 12, 25)).dep_time == [hm("34:00")]
    # Sunday: nothing runs.
    assert len(feed.day_timetable(date(2026, 12, 6))) == 0


def test_a_feed_with_calendar_dates_only_runs_on_those_dates():
    tables = feed_tables()
    tables.pop("calendar")
    tables["calendar_dates"] = [{"service_id": "WK", "date": "20261201", "exception_type": "1"},
                                {"service_id": "SA", "date": "20261205", "exception_type": "1"}]
    feed = Feed.read(write_gtfs(tables))
    stop = {s: i for i, s in enumerate(feed.stops["stop_id"])}
    assert feed.service_date(1, date(2026, 11, 30)) == date(2026, 12, 1)
    tuesday = feed.day_timetable(date(2026, 12, 1))
    assert tuesday.earliest_arrival({stop["V"]: 0}, hm("09:00"))[stop["L"]] == hm("18:15")
    assert len(feed.day_timetable(date(2026, 12, 2))) == 0


def test_nearby_stops_are_joined_by_footpaths():
    feed = Feed.read(write_gtfs(feed_tables()))
    stop = {s: i for i, s in enumerate(feed.stops["stop_id"])}
    tt = feed.day_timetable(date(2026, 12, 1))
    walk = tt.footpaths[stop["T"], stop["T2"]]
    assert 0 < walk < 60  # about 13 m apart
    assert tt.footpaths[stop["T"], stop["V"]] == 0  # kilometres apart


@pytest.mark.parametrize("change, expected", [
    (lambda t: t["stop_times"][0].update(arrival_time="17:4x:00"),
     "stop_times.txt (table stop_times), row 2, column arrival_time: '17:4x:00' is not a time"),
    (lambda t: t["stop_times"][4].update(stop_id="NOPE"),
     "stop_times.txt (table stop_times), row 6, column stop_id: 'NOPE' is not in stops.txt"),
    (lambda t: t["stop_times"][2].update(arrival_time="17:00:00", departure_time="17:00:00"),
     "stop_times.txt (table stop_times), row 4, column arrival_time: is earlier than the previous"),
    (lambda t: t["stops"][1].update(stop_lat="north"),
     "stops.txt (table stops), row 3, column stop_lat: 'north' is not a number"),
    (lambda t: t["stops"][1].update(stop_lon="12.5"),
     "stops.txt (table stops), row 3, column stop_lon: 12.5 is outside Great Britain"),
    (lambda t: t["trips"][1].update(service_id="SU"),
     "trips.txt (table trips), row 3, column service_id: 'SU' is not in calendar.txt"),
    (lambda t: t["calendar"][0].update(end_date="2027-07-25"),
     "calendar.txt (table calendar), row 2, column end_date: '2027-07-25' is not a date"),
    (lambda t: t["stops"].append(dict(t["stops"][0])),
     "stops.txt (table stops), row 6, column stop_id: 'V' appears twice"),
    (lambda t: t.pop("stop_times"), "stop_times.txt (table stop_times): missing from the feed"),
    (lambda t: [r.pop("route_type") for r in t["routes"]],
     "routes.txt (table routes), row 1: header lacks required column(s) route_type"),
])
def test_every_problem_names_file_table_row_and_column(change, expected):
    tables = feed_tables()
    change(tables)
    with pytest.raises(TimetableError) as info:
        validate_feed(write_gtfs(tables), name="buses.zip")
    assert expected in str(info.value)
    assert str(info.value).startswith("buses.zip is not a usable GTFS feed")


def test_several_problems_are_all_listed():
    tables = feed_tables()
    tables["stop_times"][0]["stop_id"] = "X1"
    tables["stop_times"][3]["stop_id"] = "X2"
    with pytest.raises(TimetableError) as info:
        validate_feed(write_gtfs(tables))
    assert len(info.value.problems) == 2


def test_not_a_zip():
    with pytest.raises(TimetableError, match="not a zip file"):
        validate_feed(b"stop_id,stop_lat\n")
