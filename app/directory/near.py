"""Time, not distance, for the public directory: how long it takes a young person
to get from the searched postcode to each activity's next session, from the same
stored journeys as the gap pages (:mod:`app.analysis.near_times`), said in plain
words (:mod:`.near_words`).  Part of the directory's service layer."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ..analysis.near_times import NearTimes, ServiceTimes, near_times
from ..cache import cached
from ..extensions import db
from ..models import Service
from . import near_words as w
from .places import normalise_postcode, place_postcode

# Sessions and timetables are in the county's own time.
LOCAL_TIME = ZoneInfo("Europe/London")


def local_now() -> datetime:
    """The time now where the activities are (tests replace this to fix the clock)."""
    return datetime.now(LOCAL_TIME).replace(tzinfo=None)


@dataclass(frozen=True)
class TimeLine:
    """One result's line: each part is plain text (``None`` when not said)."""

    next: str | None = None  # "Next: Tuesday 18:00"
    travel: str | None = None  # "25 min by bus", "12 min walk", "No bus at that time — ..."
    no_bus: bool = False
    home: str | None = None  # "bus home after"
    home_ok: bool | None = None
    distance: str | None = None  # "2.1 miles (3.4 km)", or "... away" alone
    bus_min: int | None = None  # the minutes said "by bus" (for tests and the page's data)

    @property
    def home_answer(self) -> str:
        """"yes" or "no" in words, for those who cannot see the tick or cross."""
        return w.YES if self.home_ok else w.NO

    def text(self) -> str:
        """The whole line as text (a map mark's name): symbols for yes and no."""
        home = None if self.home is None else f"{self.home} {'✓' if self.home_ok else '✗'}"
        return " · ".join(p for p in (self.next, self.travel, home, self.distance) if p)


@dataclass(frozen=True)
class NearInfo:
    """Times for one search (or one service page) near a place."""

    note: str | None
    lines: dict[int, TimeLine]
    postcode: str | None = None

    @property
    def heading(self) -> str | None:
        """"From DM1 1AX", for the service page."""
        return None if self.postcode is None else w.FROM_HERE.format(postcode=self.postcode)


def _whole(minutes: float) -> int:
    """Whole minutes, rounded up (a journey is never said shorter than it is; the
    0.01 forgives float32 storage)."""
    return max(1, math.ceil(minutes - 0.01))


def distance_text(km: float | None, miles: float | None, *, away: bool = False) -> str | None:
    if km is None or miles is None:
        return None
    text = w.DISTANCE.format(miles=f"{miles:.1f}", km=f"{km:.1f}")
    return w.AWAY.format(distance=text) if away else text


def when_text(day: int, start_s: int, starts_in_s: int, now: datetime) -> str:
    ahead = (day - now.weekday()) % 7
    if ahead == 0 and starts_in_s < 86_400:
        when = w.TODAY
    elif ahead == 1:
        when = w.TOMORROW
    elif ahead == 0:
        when = w.NEXT_WEEK_DAY.format(day=w.DAYS[day])
    else:
        when = w.DAYS[day]
    return w.NEXT.format(when=when, time=f"{start_s // 3600:02d}:{start_s % 3600 // 60:02d}")


def describe(times: ServiceTimes, now: datetime, *, known: bool) -> TimeLine:
    """The words for one service's times (see docs/DIRECTORY.md, "Time, not distance")."""
    session = times.next_session
    if not known or session is None:
        return TimeLine(distance=distance_text(times.distance_km, times.distance_miles,
                                               away=True))
    distance = distance_text(times.distance_km, times.distance_miles)
    line = {"next": when_text(session.day, session.start_s, session.starts_in_s, now),
            "distance": distance}
    if times.bus_rides:
        way = times.way_home
        line.update(travel=w.BY_BUS.format(minutes=_whole(times.bus_there_min)),
                    bus_min=_whole(times.bus_there_min), home_ok=way != "none",
                    home={"bus": w.BUS_HOME, "walk": w.WALK_HOME}.get(way, w.NO_BUS_HOME))
    elif times.walkable:
        line["travel"] = w.WALK.format(minutes=_whole(times.walk_min))
    else:
        other = (w.BY_BIKE.format(minutes=_whole(times.cycle_min))
                 if times.cycle_min is not None else
                 w.WALK.format(minutes=_whole(times.walk_min))
                 if times.walk_min is not None else w.TOO_FAR)
        line.update(travel=w.NO_BUS_BUT.format(other=other), no_bus=True)
    return TimeLine(**line)


def _stored_run():
    """The stored journeys while they match the data (cached as the gap pages cache
    them), with what the pages say about travel times."""
    from ..geodata.journeys import current_journeys, journey_status

    status = journey_status(db.session)
    if status["basis"] != "network":
        return None, status
    run = cached("journeys", db.session, {"run": status["computed_at"],
                                          "id": status.get("run")},
                 lambda: current_journeys(db.session), responses=False)
    return run, status


def _place(service: Service) -> tuple[float, float] | None:
    if service.no_fixed_place or service.x is None or service.y is None:
        return None
    return float(service.x), float(service.y)


def times_near(near_text: str, origin: tuple[float, float] | None,
               services: list[Service]) -> NearInfo | None:
    """Times from the postcode ``near_text`` (at ``origin``) to ``services``;
    ``None`` when nothing was searched near a place."""
    if origin is None or not (near_text or "").strip():
        return None
    postcode = normalise_postcode(near_text)
    places = {s.id: _place(s) for s in services}
    if postcode is None:  # a town or ward: distances from its middle, no times
        found = near_times(None, origin, places, local_now())
        return NearInfo(w.TIMES_NEED_POSTCODE, _lines(found, local_now()))
    run, _status = _stored_run()
    now = local_now()
    found = near_times(run, origin, places, now)
    if run is None:  # plain words: the staff sentence names commands and pages
        note = w.TIMES_NOT_YET
    elif not found.known:
        note = w.TIMES_NOT_HERE.format(postcode=postcode)
    else:
        note = w.TIMES_FROM.format(postcode=postcode, limit=f"{found.limit_min:.0f}")
    return NearInfo(note, _lines(found, now), postcode)


def _lines(found: NearTimes, now: datetime) -> dict[int, TimeLine]:
    """Each service's line; none for one with nothing to say (no fixed place)."""
    lines = {sid: describe(t, now, known=found.known) for sid, t in found.services.items()}
    return {sid: line for sid, line in lines.items() if line.text()}


def times_for_service(service: Service, near_text: str | None) -> NearInfo | None:
    """The service page's times from the search's postcode (``near``), if it was one."""
    placed = place_postcode(db.session, near_text) if normalise_postcode(near_text) else None
    if placed is None or _place(service) is None:
        return None
    return times_near(near_text, (placed[1], placed[2]), [service])
