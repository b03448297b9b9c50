"""Every number a person types or puts in a link is parsed by one parser.

A number from a query string, a form or a path is refused with a plain
message unless it is short, finite and inside its range: ``1e309``, ``inf``,
``nan``, forty digits and ``%`` never reach the analysis or the database
(SQLite and PostgreSQL both fail on integers past 64 bits; ``Decimal('nan')``
cannot even be compared).  Three ways in, one parser:

* :func:`parse_int` / :func:`parse_float` for hand-read query strings (defined
  in :mod:`app.number_input`, which domain code imports without Flask; re-exported
  here);
* :class:`IntField`, :class:`NumberField` (``Decimal``) and
  :class:`FloatNumberField`, WTForms fields built on them;
* :class:`BoundedIntConverter`, the app's ``<int:...>`` path converter, which
  answers 404 for an id no table can hold.

WTForms' own ``IntegerField``/``DecimalField`` accept all of the above, and its
``NumberRange`` formats its message with ``%``; hence these few lines of ours.
"""

from __future__ import annotations

from decimal import Decimal

from werkzeug.routing import IntegerConverter
from wtforms import DecimalField, FloatField, IntegerField
from wtforms.validators import StopValidation

# The parsers are Flask-free (domain code imports them); re-exported for web code.
from .number_input import (  # noqa: F401
    MAX_CHARS,
    MAX_ID,
    ParamError,
    arg_float,
    arg_int,
    parse_float,
    parse_int,
)


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
