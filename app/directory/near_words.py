"""The words a young person reads about getting to an activity, in one place.

Each string goes through :func:`_`, Flask-Babel's ``lazy_gettext``: it is translated
into the reader's language when it is shown (:mod:`app.i18n`).  They are whole phrases
with named placeholders (``str.format``), so a translation can reorder them.  The
directory's own names (types of activity, how to join), kept in English in
:mod:`app.models.directory`, are marked here too, so the public pages can show them
translated (``_(label)`` in the templates).
"""

from __future__ import annotations

from datetime import date

from ..i18n import N_, ngettext
from ..i18n import gettext as now_
from ..i18n import lazy_gettext as _
from .values import STALE_AFTER_DAYS

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
NO_POSTCODE = _("We could not find the postcode {postcode}. Check it, or type the name of "
                "your town or village.")
NO_PLACE = _("We could not find a place called '{place}'. Try a postcode, or the name of a "
             "town, village or ward.")

# Marked for the catalogue: names the public pages show, from app.models.directory.
SHOWN_NAMES = (
    N_("Open-access youth club"), N_("Drop-in"), N_("Uniformed (Scouts, Guides, cadets)"),
    N_("Sport"), N_("Boxing and martial arts"), N_("Arts and music"), N_("Outdoor"),
    N_("Faith-based"), N_("Detached or outreach youth work"), N_("Online"), N_("Other"),
    N_("Volunteer-run"), N_("Council"), N_("Charity"), N_("Police"), N_("NHS"), N_("School"),
    N_("Private"), N_("Book a place first"), N_("Drop in: just turn up"),
)

# A listing's price and its "call before you go" warning, in the reader's language (the
# public pages' ``describe_cost`` and ``stale_warning`` filters; the Open Referral export
# keeps the English of app.directory.costs / app.directory.values).
COST_UNITS = {
    "per_session": _("%(amount)s a session"),
    "weekly": _("%(amount)s a week"),
    "monthly": _("%(amount)s a month"),
    "termly": _("%(amount)s a term"),
    "yearly": _("%(amount)s a year"),
}


def describe_cost(service) -> str:
    """'Free', '£3.00 a session', '£45.00 a term', in the reader's language."""
    if service.cost_model == "free":
        return now_("Free")
    if service.cost_amount is None:
        return now_("Price not known")
    amount = f"£{float(service.cost_amount):,.2f}"
    unit = COST_UNITS.get(service.cost_model)
    return str(unit) % {"amount": amount} if unit is not None else amount


def stale_warning(last_checked: date | None, today: date | None = None) -> str | None:
    """The warning on a listing not checked for a year, or ``None``."""
    today = today or date.today()
    if last_checked is None:
        return now_("Not checked yet: call before you go.")
    if (today - last_checked).days < STALE_AFTER_DAYS:
        return None
    months = (today.year - last_checked.year) * 12 + today.month - last_checked.month \
        - (today.day < last_checked.day)
    if months >= 24:
        return ngettext("Last checked %(num)d year ago: call before you go.",
                        "Last checked %(num)d years ago: call before you go.", months // 12)
    return ngettext("Last checked %(num)d month ago: call before you go.",
                    "Last checked %(num)d months ago: call before you go.", months)
