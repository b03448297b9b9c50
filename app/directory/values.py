"""The values of one directory record, parsed from text and written back.  No Flask.

Each ``parse_*`` turns one cell (a string from a file or a form) into a clean value
or raises :class:`RecordError` with what to fix; :func:`contact_problem` is the one
rule for a service's phone, email and website.
"""

from __future__ import annotations

import math
import re
from datetime import date, time
from decimal import Decimal, InvalidOperation

from ..ingest import column_length, email_address_problem, web_address_problem
from ..models import Service
from ..models.directory import DAYS

_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]*$")
AGE_LIMITS = (0, 30)
MAX_AMOUNT = Decimal("10000")
DAY_CODES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SESSION = re.compile(
    r"^(?P<day>[A-Za-z]+)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})"
    r"(?P<term>\s+term(?:[- ]time(?: only)?)?)?$",
    re.IGNORECASE,
)
TRUE = {"yes", "y", "true", "1", "t"}
FALSE = {"no", "n", "false", "0", "f", ""}


class RecordError(ValueError):
    pass


def clean_text(value) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def clean_address(value) -> str | None:
    """Comma-separated parts, each trimmed, joined by ", " (so exports round-trip)."""
    text = clean_text(value)
    if text is None:
        return None
    parts = [p.strip() for p in text.replace("\n", ",").split(",")]
    return ", ".join(p for p in parts if p) or None


def phone_problem(value: str, max_len: int) -> str | None:
    """Why ``value`` is not a phone number people can dial, or ``None``: digits, spaces,
    brackets and dashes, an optional leading +, 7 to 15 digits."""
    if len(value) > max_len:
        return f"must be at most {max_len:,} characters (it has {len(value):,})"
    digits = sum(c.isdigit() for c in value)
    if not _PHONE.match(value) or not 7 <= digits <= 15:
        return "must be a phone number like 01432 260000 (digits, spaces and an optional +)"
    return None


def contact_problem(column: str, value: str | None) -> str | None:
    """The one rule for a phone, email or website, wherever it comes from (the forms,
    CSV, GeoJSON, Open Referral); web addresses and emails by :mod:`app.ingest`."""
    if not value:
        return None
    rule = {"phone": phone_problem, "email": email_address_problem,
            "website": web_address_problem}[column]
    return rule(value, column_length(Service, column))


def parse_bool(value) -> bool:
    text = ("" if value is None else str(value)).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise RecordError("must be yes or no")


def parse_choice(value, choices: dict[str, str]) -> str | None:
    """Accept the code ('per_session') or its label ('Per session'), any case."""
    text = clean_text(value)
    if text is None:
        return None
    key = text.lower().replace(" ", "_").replace("-", "_")
    if key in choices:
        return key
    for code, label in choices.items():
        if text.lower() == label.lower():
            return code
    raise RecordError("must be one of: " + ", ".join(choices))


def parse_date(value) -> date | None:
    text = clean_text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RecordError("must be a date written YYYY-MM-DD, for example 2027-03-31") from None


def parse_int(value, low: int, high: int) -> int | None:
    text = clean_text(value)
    if text is None:
        return None
    try:
        number = float(text)  # 400 digits give inf: refused by the range, never int()
    except ValueError:
        raise RecordError("must be a whole number") from None
    if math.isnan(number):
        raise RecordError("must be a whole number")
    if not low <= number <= high:
        raise RecordError(f"must be between {low} and {high}")
    if number != int(number):
        raise RecordError("must be a whole number")
    return int(number)


def parse_amount(value) -> Decimal | None:
    text = clean_text(value)
    if text is None:
        return None
    text = text.lstrip("£").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RecordError("must be an amount in pounds, for example 3.50") from None
    if not amount.is_finite() or amount < 0:
        raise RecordError("must be zero or more")
    if amount > MAX_AMOUNT:
        raise RecordError(f"must be at most £{MAX_AMOUNT:,}")
    if amount != amount.quantize(Decimal("0.01")):
        raise RecordError("must have at most two decimal places (pence)")
    return amount.quantize(Decimal("0.01"))


def parse_float(value) -> float | None:
    text = clean_text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        raise RecordError("must be a number") from None
    if not math.isfinite(number):  # nan, inf, or too many digits for a float
        raise RecordError("must be a finite number")
    return number


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def parse_sessions(value) -> list[tuple[int, time, time, bool]]:
    """'Mon 18:00-20:00; Thu 19:00-21:00 term-time' -> [(day, start, end, term_only)]."""
    text = clean_text(value)
    if text is None:
        return []
    out = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        match = _SESSION.match(part)
        if not match:
            raise RecordError(
                f"'{part}' is not a session; write DAY HH:MM-HH:MM, add 'term-time' for "
                "term time only, and separate sessions with ';' (e.g. 'Mon 18:00-20:00; "
                "Sat 10:00-12:00 term-time')")
        day_word = match["day"].title()
        day_index = next((i for i, d in enumerate(DAYS)
                          if len(day_word) >= 3 and d.startswith(day_word)), None)
        if day_index is None:
            raise RecordError(f"'{match['day']}' is not a day of the week")
        try:
            start, end = _hhmm(match["start"]), _hhmm(match["end"])
        except ValueError:
            raise RecordError(f"'{part}' has a time that does not exist") from None
        if end <= start:
            raise RecordError(f"'{part}' ends before it starts")
        out.append((day_index, start, end, bool(match["term"])))
    return out


def format_sessions(sessions) -> str:
    """The inverse of :func:`parse_sessions`."""
    parts = []
    for s in sorted(sessions, key=lambda s: (s.day, s.start)):
        text = f"{DAY_CODES[s.day]} {s.start:%H:%M}-{s.end:%H:%M}"
        if s.term_time_only:
            text += " term-time"
        parts.append(text)
    return "; ".join(parts)


STALE_AFTER_DAYS = 365


def stale_warning(last_checked: date | None, today: date | None = None) -> str | None:
    """The public warning on a listing not checked for a year, or ``None``:
    "Last checked 16 months ago: call before you go." """
    today = today or date.today()
    if last_checked is None:
        return "Not checked yet: call before you go."
    if (today - last_checked).days < STALE_AFTER_DAYS:
        return None
    months = (today.year - last_checked.year) * 12 + today.month - last_checked.month \
        - (today.day < last_checked.day)
    if months >= 24:
        return f"Last checked {months // 12} years ago: call before you go."
    return f"Last checked {months} months ago: call before you go."
