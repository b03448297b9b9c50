"""Every number a person types or puts in a link is parsed here, once (no Flask).

A number from a query string, a form, a path or an imported file is refused
with a plain message unless it is short, finite and inside its range:
``1e309``, ``inf``, ``nan``, forty digits and ``%`` never reach the analysis or
the database (SQLite and PostgreSQL both fail on integers past 64 bits;
``Decimal('nan')`` cannot even be compared).

:func:`parse_int` / :func:`parse_float` read one value; :func:`arg_int` /
:func:`arg_float` read a query string.  The WTForms fields built on them are in
:mod:`app.number_fields` and the ``<int:...>`` URL converter in
:mod:`app.url_converters` (web code); every module, web or domain (the
travel-time import in :mod:`app.analysis.travel`, through :mod:`app.ingest`),
imports the parsers from here, which loads neither Flask, WTForms nor werkzeug.
"""

from __future__ import annotations

import math

MAX_ID = 2**31 - 1  # a PostgreSQL integer column: the smallest id column we have
MAX_CHARS = 32  # no number we take needs more characters than this


class ParamError(ValueError):
    """A bad number; ``str(error)`` is the message to show beside the field."""


def _clean(raw) -> str:
    text = str(raw).strip().replace(",", "").replace("£", "").replace(" ", "")
    if len(text) > MAX_CHARS:
        raise ParamError("That number is too long.")
    return text


def parse_float(raw, lo: float, hi: float, message: str | None = None) -> float:
    """``raw`` as a finite float from ``lo`` to ``hi`` or :class:`ParamError`."""
    message = message or f"Enter a number from {lo:g} to {hi:g}."
    try:
        value = float(_clean(raw))
    except ParamError:
        raise ParamError(message) from None
    except (TypeError, ValueError):
        raise ParamError(message) from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise ParamError(message)
    return value


def parse_int(raw, lo: int, hi: int, message: str | None = None) -> int:
    """``raw`` as a whole number from ``lo`` to ``hi`` or :class:`ParamError`.

    ``"3.0"`` is taken as 3; ``"3.5"`` and anything not finite are refused.
    """
    message = message or f"Enter a whole number from {lo} to {hi}."
    value = parse_float(raw, lo, hi, message)
    if value != int(value):
        raise ParamError(message)
    return int(value)


def arg_int(args, name: str, default: int, lo: int, hi: int, message: str | None = None,
            errors: dict | None = None) -> int:
    """``args[name]`` through :func:`parse_int`; missing or empty gives ``default``.

    A bad value gives ``default`` and, when ``errors`` is passed, an entry in it
    (otherwise :class:`ParamError` is raised)."""
    return _arg(parse_int, args, name, default, lo, hi, message, errors)


def arg_float(args, name: str, default, lo: float, hi: float, message: str | None = None,
              errors: dict | None = None):
    """As :func:`arg_int`, for a number that may have a fraction."""
    return _arg(parse_float, args, name, default, lo, hi, message, errors)


def _arg(parse, args, name, default, lo, hi, message, errors):
    raw = args.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    try:
        return parse(raw, lo, hi, message)
    except ParamError as exc:
        if errors is None:
            raise
        errors[name] = str(exc)
        return default
