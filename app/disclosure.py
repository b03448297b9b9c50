"""Statistical disclosure control for published counts.  Pure: no Flask.

The default is the NHS England small-area rule: counts from 1 to 7 are
suppressed and every other count is rounded to the nearest 5.  Zero is
published as zero (it reveals no individual).

A council may raise the largest hidden count (``DISCLOSURE_MAX_SUPPRESSED``)
for its own figures, never below the deployment's (docs/DISCLOSURE.md,
"Per-council thresholds").  This module is the one place the threshold is read:

* :meth:`DisclosureRule.from_config` gives a rule that follows the *current
  council*: each time it is used it asks the source registered with
  :func:`follow_council` (the web layer registers the current council's own
  settings) and takes the larger of the deployment's value and the council's;
* :meth:`DisclosureRule.for_settings` fixes a rule for one council's settings
  (the snapshot does this once, from the council row it reads).

A rule made directly (``DisclosureRule(1, 7, 5)``) is fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .config_values import setting_value

# Settings a council may raise above the deployment's own value (never lower).
COUNCIL_RAISABLE = ("DISCLOSURE_MAX_SUPPRESSED",)

_source: list[Callable[[], Mapping[str, Any]]] = []


def follow_council(source: Callable[[], Mapping[str, Any]] | None) -> None:
    """Register where the current council's own settings come from (``None``:
    nowhere; every rule is then the deployment's)."""
    _source.clear()
    if source is not None:
        _source.append(source)


def council_max(deployment_max: int, settings: Mapping[str, Any] | None) -> int:
    """The largest hidden count for a council with ``settings``: its own value when
    that is higher than the deployment's, else the deployment's."""
    own = (settings or {}).get("DISCLOSURE_MAX_SUPPRESSED")
    if isinstance(own, int) and not isinstance(own, bool) and own > deployment_max:
        return own
    return deployment_max


class DisclosureRule:
    """Hide counts from ``min_suppressed`` to ``max_suppressed``; round the rest to
    ``round_to``.  ``council_aware``: ``max_suppressed`` is the current council's."""

    __slots__ = ("_max", "council_aware", "min_suppressed", "round_to")

    def __init__(self, min_suppressed: int = 1, max_suppressed: int = 7, round_to: int = 5,
                 *, council_aware: bool = False) -> None:
        self.min_suppressed = int(min_suppressed)
        self._max = int(max_suppressed)
        self.round_to = int(round_to)
        self.council_aware = council_aware

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DisclosureRule:
        """The deployment's rule, following the current council's own threshold."""
        return cls(
            int(setting_value(config, "DISCLOSURE_MIN")),
            int(setting_value(config, "DISCLOSURE_MAX_SUPPRESSED")),
            int(setting_value(config, "DISCLOSURE_ROUND_TO")),
            council_aware=True,
        )

    @property
    def deployment_max(self) -> int:
        """The deployment's own largest hidden count (a council may only raise it)."""
        return self._max

    @property
    def max_suppressed(self) -> int:
        if self.council_aware and _source:
            return council_max(self._max, _source[0]())
        return self._max

    def for_settings(self, settings: Mapping[str, Any] | None) -> DisclosureRule:
        """A fixed rule for a council with ``settings`` (its raised threshold, if any)."""
        return DisclosureRule(self.min_suppressed, council_max(self._max, settings),
                              self.round_to)

    def fixed(self) -> DisclosureRule:
        """This rule as it is now, for the current council (no further look-ups)."""
        return DisclosureRule(self.min_suppressed, self.max_suppressed, self.round_to)

    def is_suppressed(self, count: int | float | None) -> bool:
        if count is None:
            return True
        return self.min_suppressed <= count <= self.max_suppressed

    def apply(self, count: int | float | None) -> int | None:
        """The publishable value of ``count``: ``None`` when suppressed (a count from
        ``min_suppressed`` to ``max_suppressed``, or one that would be shown as a
        number in that range once rounded)."""
        if count is None:
            return None
        top = self.max_suppressed  # one look-up of the current council's threshold
        if self.min_suppressed <= count <= top:
            return None
        if self.round_to <= 1:
            value = int(round(count))
        else:
            # Round half up, so 2.5 fives -> 15 not 10 (Python's round is banker's).
            value = int((count + self.round_to / 2) // self.round_to * self.round_to)
        # A raised threshold (10) would otherwise publish 11 and 12 as "10": every
        # shown count is above the threshold, so applying the rule again to a
        # published figure (the |sdc filter) never changes it.
        if 0 < value <= top:
            return None
        return value

    def label(self, count: int | float | None) -> str:
        value = self.apply(count)
        return "[c]" if value is None else f"{value:,}"

    def _parts(self) -> tuple[int, int, int, bool]:
        return (self.min_suppressed, self._max, self.round_to, self.council_aware)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DisclosureRule) and self._parts() == other._parts()

    def __hash__(self) -> int:
        return hash(self._parts())

    def __repr__(self) -> str:
        return (f"DisclosureRule(min_suppressed={self.min_suppressed}, "
                f"max_suppressed={self._max}, round_to={self.round_to}, "
                f"council_aware={self.council_aware})")

    def __getstate__(self) -> tuple[int, int, int, bool]:
        return self._parts()

    def __setstate__(self, state: tuple[int, int, int, bool]) -> None:
        self.min_suppressed, self._max, self.round_to, self.council_aware = state


DEFAULT_RULE = DisclosureRule()
