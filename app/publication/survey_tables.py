"""A survey's published tables, built from its records with the cell key method.

Every cell is the set of responses in it; its published value is
:meth:`CellKeyMethod.publish_cell` of their record keys, so the same people
get the same value in every table and filter (the "Colwall" row of the area
table, the total of the Colwall-filtered page and the Colwall row total of
the area-by-age grid are one figure).  No secondary suppression: perturbation
is what stops totals minus cells giving a hidden cell away (see
docs/DISCLOSURE.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .cellkey import CellKeyMethod

NOT_SAID = "Not said"
NO_CAMPAIGN = "No campaign link"


@dataclass
class Table:
    id: str
    title: str
    rows: list[str]
    values: list  # published values (None = hidden), one per row, or rows of them for a grid
    total: int | None = None
    total_label: str = "Total"
    columns: list[str] = field(default_factory=list)
    row_totals: list = field(default_factory=list)
    col_totals: list = field(default_factory=list)
    note: str | None = None
    extra: dict = field(default_factory=dict)  # row label -> extra columns (pupils, rate)
    row_heading: str = "Answer"
    codes: list = field(default_factory=list)  # area codes of the rows, for the area table
    # The area table only: the published number of answers that gave an area (its
    # own cell: the same people as the gap map's and evidence pack's responses).
    known_total: int | None = None

    @property
    def is_grid(self) -> bool:
        return bool(self.columns)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Table:
        return cls(**data)


def _keys(records) -> list[int]:
    return [r["record_key"] for r in records]


def build_tables(records, answers, definition, method: CellKeyMethod, *, names: dict,
                 campaigns: list[tuple], grid: bool) -> tuple[int | None, list[Table]]:
    """``(published total, [Table])`` for the responses in ``records``.

    ``answers``: response id -> question id -> set of values; ``names``: area
    code -> name; ``campaigns``: (id, name, pupils) of the survey's campaigns,
    in display order; ``grid``: add the area-by-age table (unfiltered pages).
    """
    pub = method.publish_cell
    total = pub(_keys(records))
    if total is None or not records:
        return total, []
    tables: list[Table] = []

    by_area: dict = {}
    for r in records:
        by_area.setdefault(r["area_code"], []).append(r)
    area_rows = sorted((c for c in by_area if c), key=lambda c: (names.get(c, c), c))
    area_keys = area_rows + ([None] if None in by_area else [])
    tables.append(Table("area", "Answers by area",
                        [names.get(c, c) if c else NOT_SAID for c in area_keys],
                        [pub(_keys(by_area[c])) for c in area_keys], total,
                        row_heading="Area", codes=list(area_keys),
                        known_total=pub([r["record_key"] for r in records if r["area_code"]])))

    age_q = definition.age_question
    by_age: dict = {}
    for r in records:
        by_age.setdefault(r["age_band"], []).append(r)
    age_keys = [o.value for o in age_q.options] if age_q else []
    age_keys += sorted(k for k in by_age if k not in age_keys and k is not None)
    if by_age.get(None):
        age_keys.append(None)
    age_labels = [(age_q.option_label(k) if age_q else k) if k else NOT_SAID for k in age_keys]
    tables.append(Table("age_band", "Answers by age", age_labels,
                        [pub(_keys(by_age.get(k, []))) for k in age_keys], total,
                        row_heading="Age"))

    if grid and area_rows:
        cells = [[pub([r["record_key"] for r in by_area[a] if r["age_band"] == g])
                  for g in age_keys] for a in area_keys]
        tables.append(Table(
            "area_by_age", "Answers by area and age", tables[0].rows, cells, total,
            columns=age_labels, row_totals=list(tables[0].values),
            col_totals=list(tables[1].values)))

    if campaigns:
        by_camp: dict = {}
        for r in records:
            by_camp.setdefault(r["campaign_id"], []).append(r["record_key"])
        labels, values, extra = [], [], {}
        for cid, name, pupils in campaigns:
            shown = pub(by_camp.get(cid, []))
            labels.append(name)
            values.append(shown)
            rate = round(100 * shown / pupils) if (shown is not None and pupils) else None
            extra[name] = {"pupils": pupils, "rate": rate}
        known = {c[0] for c in campaigns}
        labels.append(NO_CAMPAIGN)
        values.append(pub([r["record_key"] for r in records if r["campaign_id"] not in known]))
        tables.append(Table("campaign", "Answers by campaign (school, club or event)",
                            labels, values, total, extra=extra, row_heading="Campaign",
                            note="Answers per 100 pupils uses the published number of "
                                 "answers."))

    for q in definition.questions:
        if q.type not in ("single", "multiple", "rating"):
            continue
        options = q.choices()
        chose = {o.value: [] for o in options}
        answered, unanswered = [], []
        for r in records:
            got = answers.get(r["id"], {}).get(q.id)
            if not got:
                unanswered.append(r["record_key"])
                continue
            answered.append(r["record_key"])
            for v in got:
                if v in chose:
                    chose[v].append(r["record_key"])
        labels = [o.label for o in options]
        values = [pub(chose[o.value]) for o in options]
        if q.type == "multiple":
            tables.append(Table(q.id, q.label, labels, values, pub(answered),
                                total_label="People who answered",
                                note="People could pick more than one answer, so the numbers "
                                     "add up to more than the total."))
        else:
            tables.append(Table(q.id, q.label, labels + ["No answer"],
                                values + [pub(unanswered)], total))
    return total, tables
