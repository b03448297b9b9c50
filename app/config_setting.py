"""The shape of one setting (:class:`Setting`); the settings themselves, every one of
them, are the table in :mod:`app.config`.  Kept apart so that table has room."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config_checks import parse_value


@dataclass(frozen=True)
class Setting:
    """One environment setting.

    ``default`` is a value, or a function of ``(testing, development)`` when it
    depends on the environment; ``shown_default`` is how the documentation
    writes it when that is clearer than the value.
    """

    name: str
    type: type
    default: Any
    doc: str
    env: str | None = None
    shown_default: str | None = None

    @property
    def variable(self) -> str:
        return self.env or self.name

    def default_for(self, testing: bool, development: bool) -> Any:
        return self.default(testing, development) if callable(self.default) else self.default

    def parse(self, raw: str) -> Any:
        return parse_value(self.variable, self.type, raw)
