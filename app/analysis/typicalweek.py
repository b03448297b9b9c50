"""A typical week of a bus timetable: one date per weekday with normal service.

Journeys by bus are worked out on one date for each weekday.  Taking "the next
Monday from the day the job runs" (as before issue 23) made the figures change
with the day the job ran and, in a week with a bank holiday or a timetable
exception, showed Monday sessions with no bus at all.  :func:`typical_week`
instead chooses, from the reference date's week onward and within the feed's
dates, a whole week (Monday to Sunday) in which

* no day is an England and Wales bank holiday (:func:`bank_holidays`), and
* no day has a ``calendar_dates.txt`` removal, nor an addition of a service that
  ``calendar.txt`` already runs by weekday (both mark a special day; a feed
  written wholly as ``calendar_dates`` additions is not special for that);

and, of those weeks, the one whose services (day by day) are the most common,
then the one with the most trips, then the earliest.  The reference date only
bounds the search (weeks that have already ended are not used): any day of the
same week gives the same dates.  If no whole week qualifies, each weekday is
chosen alone by the same rules, and a weekday with no normal date at all takes
its most common date (special or not).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Protocol

from dateutil.easter import easter

from .gtfscheck import WEEKDAYS

if TYPE_CHECKING:
    import pandas as pd


class FeedCalendar(Protocol):
    """What this module reads of a :class:`app.analysis.gtfs.Feed`.

    Not imported: ``gtfs`` imports this module.
    """

    calendar: pd.DataFrame
    calendar_dates: pd.DataFrame
    trips: pd.DataFrame

    def dates(self) -> list[date]:
        """Every date the feed covers."""

__all__ = ["bank_holidays", "dates_sentence", "typical_week"]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Bank holidays moved or added by proclamation (GOV.UK's list of past bank holidays).
_MOVED = {  # year: {the usual date: the date it moved to}
    1995: {"may_early": date(1995, 5, 8)},
    2002: {"spring": date(2002, 6, 4)},
    2012: {"spring": date(2012, 6, 4)},
    2020: {"may_early": date(2020, 5, 8)},
    2022: {"spring": date(2022, 6, 2)},
}
_EXTRA = {date(1999, 12, 31), date(2002, 6, 3), date(2011, 4, 29), date(2012, 6, 5),
          date(2022, 6, 3), date(2022, 9, 19), date(2023, 5, 8)}


def _nth_monday(year: int, month: int, n: int) -> date:
    """The ``n``-th Monday of a month (``n = -1``: the last)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(1)
    return last - timedelta(days=last.weekday())


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of ``year``, with substitute days.

    Why our own: the ``holidays`` package is not installed here, and the rules
    are short (Banking and Financial Dealings Act 1971 and the yearly
    proclamations, as GOV.UK lists them): New Year's Day, Good Friday, Easter
    Monday, the first and last Mondays of May, the last Monday of August,
    Christmas Day and Boxing Day.  One falling on a Saturday or Sunday is
    replaced by the next weekday that is not already a holiday (so Christmas on
    a Saturday gives Monday 27 and Tuesday 28 December).  Moved days (the May
    day of 1995 and 2020, the spring bank holiday of 2002, 2012 and 2022) and
    one-off days (royal weddings, jubilees, the 2022 state funeral, the 2023
    coronation) are listed by hand.
    """
    moved = _MOVED.get(year, {})
    easter_day = easter(year)
    days = {easter_day - timedelta(days=2), easter_day + timedelta(days=1),
            moved.get("may_early", _nth_monday(year, 5, 1)),
            moved.get("spring", _nth_monday(year, 5, -1)), _nth_monday(year, 8, -1)}
    for fixed in (date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)):
        day = fixed
        while day.weekday() >= 5 or day in days:
            day += timedelta(days=1)
        days.add(day)
    days |= {d for d in _EXTRA if d.year == year}
    return frozenset(days)


def is_bank_holiday(day: date) -> bool:
    """Whether ``day`` is an England and Wales bank holiday."""
    return day in bank_holidays(day.year)


def _special_days(feed: FeedCalendar) -> set[str]:
    """``YYYYMMDD`` dates the feed marks as exceptions to its usual weekly pattern."""
    extra = feed.calendar_dates
    weekly = set(feed.calendar["service_id"])
    special = (extra["exception_type"] == "2") | (
        (extra["exception_type"] == "1") & extra["service_id"].isin(weekly))
    return set(extra.loc[special, "date"])


def _services_by_day(feed: FeedCalendar, days: list[date]) -> dict[date, frozenset[str]]:
    """:meth:`~app.analysis.gtfs.Feed.active_services` of many days at once (the same rules)."""
    cal = feed.calendar
    rows = list(zip(cal["service_id"], cal["start_date"], cal["end_date"],
                    zip(*(cal[d] == "1" for d in WEEKDAYS), strict=True), strict=True)) \
        if len(cal) else []
    changes: dict[str, tuple[set[str], set[str]]] = {}
    extra = feed.calendar_dates
    for service, on, kind in zip(extra["service_id"], extra["date"], extra["exception_type"],
                                 strict=True):
        changes.setdefault(on, (set(), set()))[kind == "2"].add(service)
    out = {}
    for d in days:
        key = d.strftime("%Y%m%d")
        on = {s for s, first, last, week in rows if week[d.weekday()] and first <= key <= last}
        added, removed = changes.get(key, (set(), set()))
        out[d] = frozenset((on | added) - removed)
    return out


def typical_week(feed: FeedCalendar, reference: date) -> dict[int, date]:
    """Weekday (0 = Monday) -> the date whose timetable stands for it (see the module)."""
    every = feed.dates()
    if not every:
        return {}
    monday = reference - timedelta(days=reference.weekday())
    days = [d for d in every if d >= monday] or every  # a feed wholly past: all of it
    special = _special_days(feed)
    trips = feed.trips["service_id"].value_counts().to_dict()
    services = _services_by_day(feed, days)
    count = {d: sum(trips.get(s, 0) for s in services[d]) for d in days}
    normal = {d for d in days
              if d.strftime("%Y%m%d") not in special and not is_bank_holiday(d)}
    weeks: dict[date, list[date]] = {}
    for d in days:
        weeks.setdefault(d - timedelta(days=d.weekday()), []).append(d)
    whole = [w for w, ds in weeks.items() if len(ds) == 7 and all(d in normal for d in ds)]
    if whole:
        pattern = {w: tuple(services[d] for d in weeks[w]) for w in whole}
        often = Counter(pattern.values())
        best = min(whole, key=lambda w: (-often[pattern[w]],
                                         -sum(count[d] for d in weeks[w]), w))
        return {d.weekday(): d for d in weeks[best]}
    chosen = {}
    for weekday in range(7):
        same = [d for d in days if d.weekday() == weekday]
        pool = [d for d in same if d in normal] or same
        if pool:
            usual = Counter(services[d] for d in pool)
            chosen[weekday] = min(pool, key=lambda d: (-usual[services[d]], -count[d], d))
    return chosen


def dates_sentence(session_dates: Mapping[int, str]) -> str:
    """Which dates' bus timetables the journeys used, in one sentence for a page.

    ``session_dates``: weekday (0 = Monday, int or text) -> ISO date, as
    :attr:`~app.analysis.journeys.JourneyResult.session_dates` and a stored
    run's summary hold them.  Empty when there are none (no timetable).
    """
    if not session_dates:
        return ""
    parts = []
    for day, on in sorted(((int(k), v) for k, v in session_dates.items())):
        when = date.fromisoformat(str(on))
        parts.append(f"{WEEKDAY_NAMES[day]} {when.day} {when:%B %Y}")
    return ("Bus journeys use a typical week's timetable (no bank holiday or timetable "
            "exception): " + ", ".join(parts) + ".")
