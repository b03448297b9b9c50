"""A survey's published people as arrays, and the cells of its tables as masks over
them.  No Flask.

The survey tables of one snapshot (:mod:`.survey_tables`, every page, area, age band
and wave) are some thousands of cells over the same people.  Each cell used to be a
list of :class:`.release.Member` made by walking the page's records again for every
question; here the survey's records are read once into arrays (response id, record
key, open link) with one boolean mask per area, age band, campaign and answer, and a
cell is the page's mask and'ed with those.  A cell's count, cell key and the release
model's "how many joined since" come from the mask (:class:`Selection`): the same
people, so the same published value, bit for bit.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .cellkey import cell_key

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


class Selection:
    """The people of one cell: ``mask`` over a :class:`Cohort`'s arrays."""

    __slots__ = ("cohort", "mask")

    def __init__(self, cohort: Cohort, mask: BoolArray) -> None:
        self.cohort = cohort
        self.mask = mask

    def count(self) -> int:
        return int(np.count_nonzero(self.mask))

    def joined(self, through: int) -> tuple[int, int]:
        """How many of them came after response ``through``, and how many of those
        through the open link."""
        fresh = self.mask & (self.cohort.ids > through)
        return int(np.count_nonzero(fresh)), int(np.count_nonzero(fresh & self.cohort.open))

    def cell_key(self) -> int:
        """:func:`.cellkey.cell_key` of their record keys, summed here with numpy (the
        sum's own cell key is the same: a sum mod 256)."""
        return cell_key((int(self.cohort.keys[self.mask].sum()),))

    def __and__(self, other: BoolArray) -> Selection:
        return Selection(self.cohort, self.mask & other)

    def without(self, other: BoolArray) -> Selection:
        return Selection(self.cohort, self.mask & ~other)

    def ids(self) -> IntArray:
        return self.cohort.ids[self.mask]


class Cohort:
    """One survey's published records (all versions) as arrays, with a mask per value of
    area, age band and campaign, and per answer (question, option) and question
    answered, made once and shared by every page and wave of the snapshot.

    ``records``: dicts with ``id``, ``record_key``, ``open``, ``area_code``,
    ``age_band``, ``campaign_id``; ``answers``: (response id, question id, value) rows of the
    choice answers, renamed options already mapped (a value ticked twice counts once)."""

    def __init__(self, records: Sequence[Mapping[str, Any]],
                 answers: Sequence[tuple[int, str, str | None]]) -> None:
        self.size = len(records)
        self.ids: IntArray = np.fromiter((r["id"] for r in records), np.int64, self.size)
        self.keys: IntArray = np.fromiter((r["record_key"] for r in records), np.int64,
                                          self.size)
        self.open: BoolArray = np.fromiter((bool(r["open"]) for r in records), np.bool_,
                                           self.size)
        self.has_area: BoolArray = np.fromiter((bool(r["area_code"]) for r in records),
                                               np.bool_, self.size)
        self.area = self._index(r["area_code"] for r in records)
        self.age = self._index(r["age_band"] for r in records)
        self.campaign = self._index(r["campaign_id"] for r in records)
        self.none: BoolArray = np.zeros(self.size, np.bool_)
        self._chose: dict[tuple[str, str], BoolArray] = {}
        self._answered: dict[str, BoolArray] = {}
        if answers and self.size:
            self._answer_masks(answers)

    def _answer_masks(self, answers: Sequence[tuple[int, str, str | None]]) -> None:
        """A mask per question of the records that answered it (any value), and per
        (question, value) of those that chose it; ``answers``' rows of responses not in
        the records are left out."""
        rid_list, qid_list, value_list = zip(*answers, strict=True)
        rid = np.array(rid_list, np.int64)
        sorter = np.argsort(self.ids, kind="stable")
        at = np.minimum(np.searchsorted(self.ids, rid, sorter=sorter), self.size - 1)
        pos = sorter[at]
        known = self.ids[pos] == rid
        qcode, questions = pd.factorize(np.array(qid_list, dtype=object))
        vcode, values = pd.factorize(np.array(value_list, dtype=object))  # None: -1
        answered = np.zeros((len(questions), self.size), np.bool_)
        answered[qcode[known], pos[known]] = True
        self._answered = {str(q): answered[i] for i, q in enumerate(questions)}
        valued = known & (vcode >= 0)
        pair = qcode[valued].astype(np.int64) * len(values) + vcode[valued]
        pairs, inverse = np.unique(pair, return_inverse=True)
        chose = np.zeros((len(pairs), self.size), np.bool_)
        chose[inverse, pos[valued]] = True
        self._chose = {(str(questions[p // len(values)]), str(values[p % len(values)])): chose[i]
                       for i, p in enumerate(pairs.tolist())}

    def _mask(self, rows: Iterable[int]) -> BoolArray:
        mask = np.zeros(self.size, np.bool_)
        mask[np.fromiter(rows, np.int64)] = True
        return mask

    def _index(self, values: Iterable[Hashable]) -> dict[Hashable, BoolArray]:
        rows: dict[Hashable, list[int]] = {}
        for i, v in enumerate(values):
            rows.setdefault(v, []).append(i)
        return {v: self._mask(r) for v, r in rows.items()}

    def all(self) -> Selection:
        return Selection(self, np.ones(self.size, np.bool_))

    def where(self, mask: BoolArray) -> Selection:
        return Selection(self, mask)

    def of(self, index: dict[Hashable, BoolArray], value: Hashable) -> BoolArray:
        """The mask of records whose field (``self.area``, ``self.age``...) is ``value``."""
        return index.get(value, self.none)

    def chose(self, qid: str, value: str) -> BoolArray:
        return self._chose.get((qid, value), self.none)

    def answered(self, qid: str) -> BoolArray:
        return self._answered.get(qid, self.none)

    def present(self, sel: Selection, index: dict[Hashable, BoolArray]) -> list[Hashable]:
        """The values of a field that some of ``sel``'s people have."""
        return [v for v, m in index.items() if np.any(sel.mask & m)]


__all__ = ["Cohort", "Selection"]
