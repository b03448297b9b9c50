"""The words a young person reads about getting to an activity, in one place.

Each string goes through :func:`_`, which does nothing yet: when the app gains
gettext, ``_`` becomes it and these strings are the ones to translate (they are
whole phrases with named placeholders, so a translation can reorder them).
"""

from __future__ import annotations


def _(text: str) -> str:
    """Mark ``text`` for translation (gettext later; as it is for now)."""
    return text


DAYS = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
        _("Saturday"), _("Sunday"))
TODAY = _("today")
TOMORROW = _("tomorrow")
NEXT_WEEK_DAY = _("next {day}")
NEXT = _("Next: {when} {time}")
BY_BUS = _("{minutes} min by bus")
WALK = _("{minutes} min walk")
BY_BIKE = _("{minutes} min by bike")
NO_BUS = _("No bus at that time")
NO_BUS_BUT = _("No bus at that time — {other}")
TOO_FAR = _("too far to walk or cycle")
BUS_HOME = _("bus home after")
WALK_HOME = _("walk home after")
NO_BUS_HOME = _("no bus home after")
YES, NO = _("yes"), _("no")
DISTANCE = _("{miles} miles ({km} km)")
AWAY = _("{distance} away")
TIMES_FROM = _("Times are door to door from {postcode} to the next session, waiting for the "
               "bus included; “bus home after” means a bus gets you back within {limit} "
               "minutes of the end.")
TIMES_NOT_HERE = _("We do not have bus times from {postcode} (it is outside the area we "
                   "work times out for), so these are distances in a straight line.")
TIMES_NEED_POSTCODE = _("Type your postcode to see how long it takes to get to each one "
                        "by bus, on foot or by bike.")
FROM_HERE = _("Getting there from {postcode}")
TIMES_NOT_YET = _("Bus, walking and cycling times are not ready yet, so these are distances "
                  "in a straight line.")
