"""A length limit checked before a form field's costlier validators.

WTForms runs every validator of a field even after one has failed, so a
100,000-character value sent to an email field was first parsed by
``email_validator`` (about 0.1 s of CPU each, for an answer that can only be
refused for its length).  :class:`LengthFirst` is WTForms' ``Length`` that stops
the chain: put it before ``Email`` and an over-long value is refused with the
length message alone, at once.  The page's ``maxlength`` attribute is the same.
"""

from __future__ import annotations

from typing import Any

from wtforms.validators import Length, StopValidation, ValidationError

__all__ = ["LengthFirst"]


class LengthFirst:
    """``Length(max=...)`` that stops validation when the value is too long."""

    def __init__(self, max: int, message: str | None = None) -> None:
        self._length = Length(max=max, message=message)
        self.field_flags = dict(self._length.field_flags)

    def __call__(self, form: Any, field: Any) -> None:
        try:
            self._length(form, field)
        except ValidationError as e:
            raise StopValidation(e.args[0]) from None
