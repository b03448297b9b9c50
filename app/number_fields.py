"""WTForms fields for numbers, built on the one parser (:mod:`app.number_input`).

:class:`IntField`, :class:`NumberField` (``Decimal``) and
:class:`FloatNumberField` refuse a number unless it is short, finite and inside
its range, with the parser's plain message: ``1e309``, ``inf``, ``nan``, forty
digits and ``%`` never reach the analysis or the database.  WTForms' own
``IntegerField``/``DecimalField`` accept all of those, and its ``NumberRange``
formats its message with ``%``; hence these few lines of ours.

The parsers themselves (``parse_int``, ``arg_int``, ``ParamError``, ...) are
imported from :mod:`app.number_input`; the ``<int:...>`` path converter is
:mod:`app.url_converters`.
"""

from __future__ import annotations

from decimal import Decimal

from wtforms import DecimalField, FloatField, IntegerField
from wtforms.validators import StopValidation

from .number_input import ParamError, parse_float, parse_int

__all__ = ["FloatNumberField", "IntField", "NumberField"]


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
