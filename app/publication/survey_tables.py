"""A survey's published tables, built from its records with the cell key method.

Every cell is the set of responses in it, named by who they are (survey, area,
age, answer); its published value comes from :class:`.release.Releaser` (the
cell key method, kept until enough people changed the cell), so the same people
get the same value in every table and filter (the "Colwall" row of the area
table, the total of the Colwall-filtered page and the Colwall row total of
the area-by-age grid are one figure).  No secondary suppression: perturbation
is what stops totals minus cells giving a hidden cell away (see
docs/DISCLOSURE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from .cohort import Selection
from .release import Member, Releaser, cid

NOT_SAID = "Not said"
NO_CAMPAIGN = "No campaign link"


@dataclass
class Table:
    id: str
    title: str
    rows: list[str]
    values: list[Any]  # published values (None = hidden), one per row, or rows of them for a grid
    total: int | None = None
    total_label: str = "Total"
    columns: list[str] = field(default_factory=list)
    row_totals: list[Any] = field(default_factory=list)
    col_totals: list[Any] = field(default_factory=list)
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # row label -> extra columns (pupils, rate)
    row_heading: str = "Answer"
    codes: list[Any] = field(default_factory=list)  # area codes of the rows, for the area table
    # The area table only: the published number of answers that gave an area (its
    # own cell: the same people as the gap map's and evidence pack's responses).
    known_total: int | None = None

    @property
    def is_grid(self) -> bool:
        return bool(self.columns)

    def to_json(self) -> dict[str, Any]:
        """The table as stored in the snapshot: its fields as they are (lists and dicts
        of plain values, written out as JSON when stored; ``asdict``'s deep copy of
        every value was a fifth of a small county's publishing)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        return cls(**data)


def people(records: Iterable[Mapping[str, Any]]) -> Iterator[Member]:
    """The members of a cell, made only when :meth:`.release.Releaser.cell` needs them
    (a cell already decided in this snapshot, as the same people in another table, is
    answered from its state without them)."""
    return (Member(r["id"], r["record_key"], r["open"]) for r in records)


@dataclass
class Filter:
    """Who a page is about: a survey, an area (code, "-" for not said, None for
    all) and an age band (likewise), and whether answers are broken down."""

    slug: str
    area: str | None = None
    age: str | None = None

    def cell(self, *, area: str | None = None, age: str | None = None, pred: str = "") -> str:
        """The name of the cell of this page's people further narrowed to ``area``,
        ``age`` and ``pred`` (an answer, a campaign...)."""
        return cid(self.slug, area if area is not None else self.area,
                   age if age is not None else self.age, pred)


def build_tables(sel: Selection, definition: Any, rel: Releaser, page: Filter, *,
                 names: dict[str, str], area_rows: list[str], campaigns: list[tuple[Any, ...]],
                 grid_areas: list[str] | None,
                 breakdown: bool = True) -> tuple[int | None, list[Table]]:
    """``(published total, [Table])`` for the people of ``page``: ``sel``, a selection
    of the survey's :class:`.cohort.Cohort` (its records and answers, renamed options
    mapped).

    ``names``: area code -> name; ``area_rows``: the area codes the area table lists
    (every area, whether or not anyone answered from it, so a new row never appears);
    ``campaigns``: (id, name, pupils) of the survey's campaigns for the campaign table
    (empty: none); ``grid_areas``: the areas large enough for the area-by-age table
    (``None``: no grid); ``breakdown``: False for a page that publishes its total only.
    """
    cohort = sel.cohort
    size = sel.count()
    total = rel.cell(page.cell(), sel, size or None)
    if total is None or not breakdown:
        return total, []
    tables: list[Table] = []

    if area_rows:
        area_keys: list[str | None] = [*area_rows, None]
        tables.append(Table(
            "area", "Answers by area",
            [names.get(c, c) if c else NOT_SAID for c in area_keys],
            [rel.cell(page.cell(area=c or "-"), sel & cohort.of(cohort.area, c), size)
             for c in area_keys], total, row_heading="Area", codes=list(area_keys),
            known_total=rel.cell(page.cell(area="+"), sel & cohort.has_area, size)))

    age_q = definition.age_question
    age_keys = [o.value for o in age_q.options] if age_q else []
    age_keys += sorted(k for k in cohort.present(sel, cohort.age)
                       if k not in age_keys and k is not None)
    age_keys.append(None)
    age_labels = [(age_q.option_label(k) if age_q else k) if k else NOT_SAID for k in age_keys]
    if page.age is None:
        tables.append(Table("age_band", "Answers by age", age_labels,
                            [rel.cell(page.cell(age=k or "-"), sel & cohort.of(cohort.age, k),
                                      size) for k in age_keys], total, row_heading="Age"))

    if grid_areas and tables and tables[0].id == "area":
        rows = [names.get(a, a) for a in grid_areas]
        cells, row_totals = [], []
        for a in grid_areas:
            mine = sel & cohort.of(cohort.area, a)
            row_totals.append(rel.cell(page.cell(area=a), mine, size))
            mine_size = mine.count()
            cells.append([rel.cell(page.cell(area=a, age=g or "-"),
                                   mine & cohort.of(cohort.age, g), mine_size)
                          for g in age_keys])
        tables.append(Table(
            "area_by_age", "Answers by area and age", rows, cells, total,
            columns=age_labels, row_totals=row_totals, col_totals=list(tables[1].values),
            codes=list(grid_areas),
            note=f"Only areas with at least {rel.rule.breakdown_min} answers are broken "
                 "down by age; the column totals are for every area."))

    if campaigns:
        labels, values, extra = [], [], {}
        known = cohort.none
        for camp_id, name, pupils in campaigns:
            mask = cohort.of(cohort.campaign, camp_id)
            known = known | mask
            shown = rel.cell(page.cell(pred=f"camp={camp_id}"), sel & mask, size)
            labels.append(name)
            values.append(shown)
            rate = round(100 * shown / pupils) if (shown is not None and pupils) else None
            extra[name] = {"pupils": pupils, "rate": rate}
        labels.append(NO_CAMPAIGN)
        values.append(rel.cell(page.cell(pred="camp=-"), sel.without(known), size))
        tables.append(Table("campaign", "Answers by campaign (school, club or event)",
                            labels, values, total, extra=extra, row_heading="Campaign",
                            note="Answers per 100 pupils uses the published number of "
                                 "answers."))

    for q in definition.questions:
        if q.type not in ("single", "multiple", "rating"):
            continue
        options = q.choices()
        labels = [o.label for o in options]
        values = [rel.cell(page.cell(pred=f"{q.id}={o.value}"), sel & cohort.chose(q.id, o.value),
                           size) for o in options]
        if q.type == "multiple":
            tables.append(Table(q.id, q.label, labels, values,
                                rel.cell(page.cell(pred=f"{q.id}+"),
                                         sel & cohort.answered(q.id), size),
                                total_label="People who answered",
                                note="People could pick more than one answer, so the numbers "
                                     "add up to more than the total."))
        else:
            tables.append(Table(q.id, q.label, labels + ["No answer"],
                                values + [rel.cell(page.cell(pred=f"{q.id}-"),
                                                   sel.without(cohort.answered(q.id)), size)],
                                total))
    return total, tables
