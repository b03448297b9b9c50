"""The release model: published figures that hold over time.  No Flask.

The cell key method (:mod:`.cellkey`) protects one snapshot.  Figures published
again and again from a table anyone can add rows to need more: comparing two
snapshots must never isolate a few young people, and adding answers must not
re-draw a cell's noise so often that it averages away.  So each published cell
keeps the value it had at its last release until at least
``PUBLISH_CELL_MIN_CHANGED`` (K, default 10) *independent* people have joined or
left it since then:

* a person who answered through a campaign link (a school, club or event
  session), or whose answer the council loaded, or whose held answer a person
  released, counts as one;
* answers through the open survey link count too, but at most
  ``PUBLISH_CELL_MAX_OPEN`` (H, default 5) of them per cell between releases:
  one outsider with only the open link can never make a cell change on their
  own, and every change includes at least K - H people they did not make.

Only then is the cell's value worked out again (cell key method, suppression,
rounding) from everyone in it.  A cell first seen after the first snapshot (a new
area level, campaign or survey version) shows ``[c]`` until its first K people.
A true 0 is published as 0 only when the cell's
margin (the group it is part of: the page's answers, the area's answers) holds
at least ``DISCLOSURE_ZERO_MIN_MARGIN`` answers; otherwise it is ``[c]`` like
1-7.  The first snapshot releases every cell.

The bookkeeping (each cell's count, highest response id and value at its last
release) is stored in ``release_state``, never shown.

A kept value always passes the *current* rule: when a council raises its
threshold (app.disclosure), a kept value that is now at or below it is hidden.
That is decided from the value already published, never from the true count, so
the new release is worked out from what the last one showed and nobody can learn
from the pair whether a count is above or below the new threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from ..config_values import setting_value
from .cellkey import CellKeyMethod, cell_key
from .cohort import Selection


class Member(NamedTuple):
    """One person in a cell: response id, record key, and whether the answer came
    through the open link (and so counts for at most H per cell)."""

    id: int
    record_key: int
    open: bool = False


@dataclass(frozen=True)
class ReleaseRule:
    min_changed: int = 10
    max_open: int = 5
    zero_margin: int = 20
    breakdown_min: int = 50

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ReleaseRule:
        rule = cls(int(setting_value(config, "PUBLISH_CELL_MIN_CHANGED")),
                   int(setting_value(config, "PUBLISH_CELL_MAX_OPEN")),
                   int(setting_value(config, "DISCLOSURE_ZERO_MIN_MARGIN")),
                   int(setting_value(config, "PUBLISH_BREAKDOWN_MIN")))
        if rule.min_changed < 0 or rule.max_open < 0 or rule.zero_margin < 0:
            raise ValueError("PUBLISH_CELL_MIN_CHANGED, PUBLISH_CELL_MAX_OPEN and "
                             "DISCLOSURE_ZERO_MIN_MARGIN must be 0 or more")
        if rule.min_changed and rule.max_open >= rule.min_changed:
            raise ValueError("PUBLISH_CELL_MAX_OPEN must be below PUBLISH_CELL_MIN_CHANGED, "
                             "so open-link answers alone never change a published figure")
        return rule

    def describe(self) -> dict[str, Any]:
        return {"min_changed": self.min_changed, "max_open": self.max_open,
                "zero_margin": self.zero_margin, "breakdown_min": self.breakdown_min}


@dataclass
class Releaser:
    """Decides every cell's published value in one snapshot.

    ``previous``: the cells of the last snapshot's release state (``None`` for the
    first snapshot: every cell is released); ``top``: the highest response id
    read for this snapshot.  A cell is named by the people it holds (survey, area,
    age, answer...), so two tables showing the same people show one value.
    """

    method: CellKeyMethod
    rule: ReleaseRule
    previous: dict[str, Any] | None
    top: int
    state: dict[str, list[Any]] = field(default_factory=dict)
    kept: int = 0  # cells that kept their last value (for the snapshot record)

    def cell(self, cid: str, members: Iterable[Member] | Selection,
             margin: int | None = None) -> int | None:
        """The published value of cell ``cid`` holding ``members`` (a list of people, or
        a :class:`.cohort.Selection` of a survey's people).  ``margin``: how many answers
        the group the cell belongs to holds (``None``: a 0 may always be shown, as for a
        whole survey)."""
        if cid in self.state:
            return cast("int | None", self.state[cid][2])
        group = members if isinstance(members, Selection) else _Listed(list(members))
        n = group.count()
        prev = None if self.previous is None else self.previous.get(cid)
        if prev is None and self.previous is not None and n:
            # A cell new since the last snapshot (a new area level, campaign or survey
            # version): hidden until its first K people, like a small count.
            prev = [0, 0, None]
        if prev is not None:
            n_before, through, value = prev
            fresh, opened = group.joined(through)
            stayed = n - fresh
            changed = (fresh - opened + min(opened, self.rule.max_open)
                       + abs(n_before - stayed))
            if changed < self.rule.min_changed:
                if value and self.method.rule.apply(value) is None:
                    value = None  # shown before, at or below a threshold raised since
                self.state[cid] = [n_before, through, value]
                self.kept += 1
                return cast("int | None", value)
        value = self._value(n, group.cell_key(), margin)
        self.state[cid] = [n, self.top, value]
        return value

    def _value(self, n: int, ckey: int, margin: int | None) -> int | None:
        if n == 0:
            return 0 if margin is None or margin >= self.rule.zero_margin else None
        return self.method.publish(n, ckey)


class _Listed:
    """A cell's people as a list of members (what :class:`.cohort.Selection` does
    with arrays)."""

    def __init__(self, members: list[Member]) -> None:
        self.members = members

    def count(self) -> int:
        return len(self.members)

    def joined(self, through: int) -> tuple[int, int]:
        fresh = [m for m in self.members if m.id > through]
        return len(fresh), sum(1 for m in fresh if m.open)

    def cell_key(self) -> int:
        return cell_key(m.record_key for m in self.members)


def cid(*parts: object) -> str:
    """A cell's name from the parts that say who is in it (``None`` becomes ``*``)."""
    return "|".join("*" if p is None else str(p) for p in parts)


__all__ = ["Member", "ReleaseRule", "Releaser", "cid"]
