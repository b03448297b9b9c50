"""Every number a person types or puts in a link is parsed here, once.

A number from a query string, a form or a path is refused with a plain
message unless it is short, finite and inside its range: ``1e309``, ``inf``,
``nan``, forty digits and ``%`` never reach the analysis or the database
(SQLite and PostgreSQL both fail on integers past 64 bits; ``Decimal('nan')``
cannot even be compared).  Three ways in, one parser:

* :func:`parse_int` / :func:`parse_float` for hand-read query strings;
* :class:`IntField`, :class:`NumberField` (``Decimal``) and
  :class:`FloatNumberField`, WTForms fields built on them;
* :class:`BoundedIntConverter`, the app's ``<int:...>`` path converter, which
  answers 404 for an id no table can hold.

WTForms' own ``IntegerField``/``DecimalField`` accept all of the above, and its
``NumberRange`` formats its message with ``%``; hence these few lines of ours.
"""

from __future__ import annotations

import math
from decimal import Decimal

from werkzeug.routing import IntegerConverter
from wtforms import DecimalField, FloatField, IntegerField
from wtforms.validators import StopValidation

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


class _Bounded:
    """Parse the submitted text with the range checks above; a bad number stops
    validation with its message (no ``%`` formatting anywhere)."""

    def __init__(self, label=None, validators=None, *, lo, hi, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.lo, self.hi, self.message = lo, hi, message
        self._problem = None

    def process_formdata(self, valuelist):
        self._problem = None
        if not valuelist or str(valuelist[0]).strip() == "":
            # Only spaces is no number: the same as an empty box, so the field's
            # own "give a ..." (InputRequired, which does not strip) or its
            # default applies, never a ``None`` handed on as if it were valid.
            self.data = None
            if valuelist:
                self.raw_data = [""]
            return
        try:
            self.data = self._parse(valuelist[0])
        except ParamError as exc:
            self.data = None
            self._problem = str(exc)

    def pre_validate(self, form):
        if self._problem:
            raise StopValidation(self._problem)


class IntField(_Bounded, IntegerField):
    """An ``IntegerField`` taking only whole numbers from ``lo`` to ``hi``."""

    def _parse(self, raw):
        return parse_int(raw, self.lo, self.hi, self.message)


class NumberField(_Bounded, DecimalField):
    """A ``DecimalField`` taking only finite numbers from ``lo`` to ``hi``."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("places", None)
        super().__init__(label, validators, **kwargs)

    def _parse(self, raw):
        return Decimal(str(parse_float(raw, self.lo, self.hi, self.message)))


class FloatNumberField(_Bounded, FloatField):
    """A ``FloatField`` taking only finite numbers from ``lo`` to ``hi``."""

    def _parse(self, raw):
        return parse_float(raw, self.lo, self.hi, self.message)


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in a URL: a path with an id past ``MAX_ID`` does not match (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
