"""A comparable monthly cost for a youth service.  Pure: no Flask, no database.

Services charge in different ways (per session, weekly, termly, yearly...), so
to compare them (and to find "cost under £X a month") every price is turned
into an average monthly figure over a year.  The assumptions, which the
docs/DIRECTORY.md repeats:

* a year has 52 weeks; a service that runs in term time only runs for
  ``TERM_WEEKS`` = 39 weeks (the English school year is 190 days, 38 weeks,
  plus a little slack); the charge is spread over 12 months;
* ``per_session``: amount x sessions a week x weeks a year / 12;
* ``weekly``: amount x weeks a year / 12 (39 weeks for term-time-only
  services, which do not charge in the holidays);
* ``monthly``: amount;
* ``termly``: three terms a year, so amount x 3 / 12;
* ``yearly``: amount / 12;
* ``free``: 0.

The result is ``None`` when the figure cannot be worked out honestly: an
unknown cost model, no amount for a paid model, or a per-session price with
no regular sessions listed.
"""

from __future__ import annotations

from decimal import Decimal

WEEKS_PER_YEAR = 52
TERM_WEEKS = 39
TERMS_PER_YEAR = 3


def _weeks(term_time_only: bool) -> int:
    return TERM_WEEKS if term_time_only else WEEKS_PER_YEAR


def monthly_cost(cost_model: str | None, amount: float | Decimal | None,
                 sessions_per_week: float | None, term_time_only: bool = False) -> float | None:
    """The average monthly cost in pounds, rounded to the penny, or ``None``."""
    if cost_model == "free":
        return 0.0
    if amount is None:
        return None
    amount = float(amount)
    if amount < 0:
        return None
    if cost_model == "per_session":
        if not sessions_per_week:
            return None
        value = amount * float(sessions_per_week) * _weeks(term_time_only) / 12
    elif cost_model == "weekly":
        value = amount * _weeks(term_time_only) / 12
    elif cost_model == "monthly":
        value = amount
    elif cost_model == "termly":
        value = amount * TERMS_PER_YEAR / 12
    elif cost_model == "yearly":
        value = amount / 12
    else:
        return None
    return round(value, 2)


def service_monthly_cost(service) -> float | None:
    """:func:`monthly_cost` for a ``Service`` (or anything shaped like one).

    Sessions are counted one by one, so a service with one all-year and one
    term-time session is priced as exactly that.  A weekly charge counts as
    term-time only when every session is.
    """
    sessions = list(getattr(service, "sessions", None) or [])
    model = service.cost_model
    if model == "per_session":
        if not sessions:
            return None
        total = 0.0
        for s in sessions:
            part = monthly_cost(model, service.cost_amount, 1, bool(s.term_time_only))
            if part is None:
                return None
            total += part
        return round(total, 2)
    term_only = bool(sessions) and all(s.term_time_only for s in sessions)
    return monthly_cost(model, service.cost_amount, len(sessions) or None, term_only)


def describe_cost(service) -> str:
    """Plain-English price: 'Free', '£3.00 a session', '£45.00 a term'."""
    model = service.cost_model
    if model == "free":
        return "Free"
    if service.cost_amount is None:
        return "Price not known"
    amount = f"£{float(service.cost_amount):,.2f}"
    unit = {
        "per_session": "a session",
        "weekly": "a week",
        "monthly": "a month",
        "termly": "a term",
        "yearly": "a year",
    }.get(model, "")
    return f"{amount} {unit}".strip()
