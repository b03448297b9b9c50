"""Statistical disclosure control for published counts.  Pure: no Flask.

The default is the NHS England small-area rule: counts from 1 to 7 are
suppressed and every other count is rounded to the nearest 5.  Zero is
published as zero (it reveals no individual).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config_values import setting_value


@dataclass(frozen=True)
class DisclosureRule:
    min_suppressed: int = 1
    max_suppressed: int = 7
    round_to: int = 5

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DisclosureRule:
        return cls(
            int(setting_value(config, "DISCLOSURE_MIN")),
            int(setting_value(config, "DISCLOSURE_MAX_SUPPRESSED")),
            int(setting_value(config, "DISCLOSURE_ROUND_TO")),
        )

    def is_suppressed(self, count: int | float | None) -> bool:
        if count is None:
            return True
        return self.min_suppressed <= count <= self.max_suppressed

    def apply(self, count: int | float | None) -> int | None:
        """The publishable value of ``count``: ``None`` when suppressed."""
        if count is None or self.is_suppressed(count):
            return None
        if self.round_to <= 1:
            return int(round(count))
        # Round half up, so 2.5 fives -> 15 not 10 (Python's round is banker's).
        return int((count + self.round_to / 2) // self.round_to * self.round_to)

    def label(self, count: int | float | None) -> str:
        value = self.apply(count)
        return "[c]" if value is None else f"{value:,}"


DEFAULT_RULE = DisclosureRule()
