"""Journeys on a typical week (issue 23): never a bank holiday or a timetable
exception, the same dates whatever day the job runs; the bus after midnight
home from a late session; a margin for changing buses.  Every expected figure
is worked out by hand from the hand-made timetable below (bank holidays from
GOV.UK's published list)."""

from __future__ import annotations

import math
from datetime import date, time, timedelta

import numpy as np
import pytest

from app.analysis.gtfs import Feed
from app.analysis.journeys import compute, dates_sentence, session_frame
from app.analysis.typicalweek import bank_holidays
from app.demo.gtfsfile import write_gtfs

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# GOV.UK, "UK bank holidays", England and Wales.
GOV_UK = {
    2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25",
           "2026-08-31", "2026-12-25", "2026-12-28"],
    2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31",
           "2027-08-30", "2027-12-27", "2027-12-28"],
    2022: ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02",
           "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"],
    2023: ["2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08",
           "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"],
}


def hm(text):
    parts = [int(p) for p in text.split(":")]
    return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) > 2 else 0)


def stop(stop_id, lat, lon):
    return {"stop_id": stop_id, "stop_name": stop_id, "stop_lat": lat, "stop_lon": lon}


def calls(trip, *pairs):
    return [{"trip_id": trip, "stop_id": s, "stop_sequence": str(k + 1), "arrival_time": t,
             "departure_time": t} for k, (s, t) in enumerate(pairs)]


def tables(*, trips, stop_times, exceptions=(), start="20260907", end="20270725"):
    """Village V, town square T (and T2 across the road), leisure centre L;
    weekday service WK, Saturday SA."""
    return {
        "agency": [{"agency_id": "A", "agency_name": "Wyvern Buses",
                    "agency_url": "https://example.org", "agency_timezone": "Europe/London"}],
        "stops": [stop("V", "52.10", "-2.80"), stop("T", "52.06", "-2.72"),
                  stop("T2", "52.0605", "-2.72"), stop("L", "52.05", "-2.70")],
        "routes": [{"route_id": "R", "agency_id": "A", "route_short_name": "41",
                    "route_type": "3"}],
        "calendar": [
            {"service_id": "WK", **{d: "1" if d in DAYS[:5] else "0" for d in DAYS},
             "start_date": start, "end_date": end},
            {"service_id": "SA", **{d: "1" if d == "saturday" else "0" for d in DAYS},
             "start_date": start, "end_date": end}],
        "calendar_dates": [{"service_id": s, "date": d, "exception_type": "2"}
                           for s, d in exceptions] or [
            {"service_id": "WK", "date": "20261225", "exception_type": "2"}],
        "trips": [{"route_id": "R", "service_id": s, "trip_id": t} for t, s in trips],
        "stop_times": stop_times,
    }


def feed_of(**kw) -> Feed:
    return Feed.read(write_gtfs(tables(**kw)))


def at(feed, stop_id):
    row = feed.stops.set_index("stop_id").loc[stop_id]
    return (float(row["x"]), float(row["y"]))


MORNING = dict(trips=[("wk", "WK"), ("sa", "SA")],
               stop_times=calls("wk", ("V", "17:45:00"), ("L", "18:15:00"))
               + calls("sa", ("V", "10:00:00"), ("L", "10:30:00")))


# -- bank holidays and the typical week ----------------------------------------------

@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_bank_holidays_match_gov_uk(year):
    assert sorted(d.isoformat() for d in bank_holidays(year)) == GOV_UK[year]


def week_of(monday: date) -> dict[int, date]:
    return {k: monday + timedelta(days=k) for k in range(7)}


def test_a_bank_holiday_week_is_never_used_whichever_day_the_job_runs():
    # The spring bank holiday, Monday 31 May 2027; the operator also removed the
    # weekday service that day, as the Bus Open Data Service's feeds do.
    feed = feed_of(**MORNING, exceptions=[("WK", "20270531")])
    expected = week_of(date(2027, 6, 7))  # the next week: no holiday, no exception
    for k in range(7):  # the job run on any day of the holiday week
        assert feed.typical_week(date(2027, 5, 31) + timedelta(days=k)) == expected
    # A Monday session still has its bus: the 17:45, 30 minutes to the leisure centre.
    result = compute([at(feed, "V")], [at(feed, "L")],
                     session_frame([(0, 0, time(18, 30), time(20, 0))]), network=None,
                     feed=feed, threshold_min=90, reference_date=date(2027, 6, 2))
    assert result.session_dates[0] == "2027-06-07"
    assert result.pt_there_min[0, 0] == pytest.approx(45)  # leave 17:45, start 18:30


def test_the_same_week_for_every_day_of_an_ordinary_week():
    feed = feed_of(**MORNING)
    for k in range(7):  # Monday 30 November to Sunday 6 December 2026
        assert feed.typical_week(date(2026, 11, 30) + timedelta(days=k)) == week_of(
            date(2026, 11, 30))


def test_a_calendar_dates_removal_is_avoided():
    # No 41 on Wednesday 2 December 2026 (not a bank holiday): that week is skipped.
    feed = feed_of(**MORNING, exceptions=[("WK", "20261202")])
    week = feed.typical_week(date(2026, 11, 30))
    assert week == week_of(date(2026, 12, 7))
    result = compute([at(feed, "V")], [at(feed, "L")],
                     session_frame([(0, 2, time(18, 30), time(20, 0))]), network=None,
                     feed=feed, threshold_min=90, reference_date=date(2026, 11, 30))
    assert result.session_dates[2] == "2026-12-09"
    assert result.pt_there_min[0, 0] == pytest.approx(45)


def test_christmas_weeks_are_skipped_and_the_sentence_names_the_dates():
    feed = feed_of(**MORNING)  # 25 December removed; 25 and 28 December bank holidays
    week = feed.typical_week(date(2026, 12, 23))
    assert week == week_of(date(2027, 1, 4))  # not 21 Dec, 28 Dec (nor 1 January)
    text = dates_sentence({str(k): d.isoformat() for k, d in week.items()})
    assert "Monday 4 January 2027" in text and "Sunday 10 January 2027" in text
    assert dates_sentence({}) == ""


# -- after midnight -------------------------------------------------------------------

LATE = dict(trips=[("wk", "WK"), ("late", "WK")],
            stop_times=calls("wk", ("V", "17:45:00"), ("L", "18:15:00"))
            + calls("late", ("L", "00:05:00"), ("V", "00:35:00")))


def test_a_session_ending_at_2330_sees_the_0005_bus_home():
    feed = feed_of(**LATE)
    sessions = session_frame([(0, 0, time(21, 30), time(23, 30)),   # Monday
                              (0, 4, time(21, 30), time(23, 30)),   # Friday
                              (0, 0, time(22, 0), time(0, 10))])    # Monday, ends 00:10
    result = compute([at(feed, "V")], [at(feed, "L")], sessions, network=None, feed=feed,
                     threshold_min=90, reference_date=date(2026, 11, 30))
    # Tuesday's 00:05 (a weekday service) is home at 00:35: 65 minutes after 23:30.
    assert result.pt_home_min[0, 0] == pytest.approx(65)
    # Friday night's next day is Saturday: the 00:05 does not run, no way home.
    assert math.isinf(result.pt_home_min[0, 1])
    # Ending at 00:10 (after midnight): the 00:05 has gone, and nothing else runs.
    assert math.isinf(result.pt_home_min[0, 2])


def test_times_past_2400_on_the_same_service_day_count():
    feed = feed_of(trips=[("late", "WK")],
                   stop_times=calls("late", ("L", "24:05:00"), ("V", "24:35:00")))
    sessions = session_frame([(0, 0, time(21, 30), time(23, 30)),   # Monday: runs
                              (0, 6, time(21, 30), time(23, 30))])  # Sunday: no WK
    result = compute([at(feed, "V")], [at(feed, "L")], sessions, network=None, feed=feed,
                     threshold_min=90, reference_date=date(2026, 11, 30))
    assert result.pt_home_min[0, 0] == pytest.approx(65)
    assert math.isinf(result.pt_home_min[0, 1])


# -- the change margin ----------------------------------------------------------------

def change_feed(second_stop: str, second_departs: str) -> Feed:
    return feed_of(trips=[("in", "WK"), ("on", "WK")],
                   stop_times=calls("in", ("V", "18:00:00"), ("T", "18:20:00"))
                   + calls("on", (second_stop, second_departs), ("L", "18:30:00")))


def there(feed, margin):
    sessions = session_frame([(0, 1, time(18, 35), time(20, 0))])  # Tuesday 18:35
    result = compute([at(feed, "V")], [at(feed, "L")], sessions, network=None, feed=feed,
                     threshold_min=90, reference_date=date(2026, 11, 30),
                     min_change_min=margin)
    return float(result.pt_there_min[0, 0])


def test_a_two_minute_change_needs_a_margin_of_at_most_two():
    feed = change_feed("T", "18:22:00")  # arrive 18:20, the connection leaves 18:22
    assert math.isinf(there(feed, 3))  # no way there (V to L is 9 km: no walking it)
    assert there(feed, 1) == pytest.approx(35)  # leave on the 18:00, start 18:35
    assert there(feed, 2) == pytest.approx(35)


def test_a_walked_change_needs_the_walk_plus_the_margin():
    feed = change_feed("T2", "18:23:30")  # T2 is across the road from T
    t, t2 = np.array(at(feed, "T")), np.array(at(feed, "T2"))
    walk_s = np.hypot(*(t - t2)) * 1.3 / (4.8 / 3.6)  # 55.6 m: 54 seconds
    assert 30 < walk_s < 90
    # 18:20 + walk + 3 minutes is after 18:23:30: missed (the walk alone, or the
    # margin alone, would have fitted); with 2 minutes it is caught.
    assert math.isinf(there(feed, 3))
    assert there(feed, 2) == pytest.approx(35)
