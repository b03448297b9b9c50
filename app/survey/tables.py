"""Results tables, disclosure-controlled, and their SVG charts.  No Flask.

Every count that leaves the database goes through :mod:`app.survey.sdc`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import func, select

from ..disclosure import DisclosureRule
from ..models import Answer, Area, Campaign, Response
from .definition import SurveyDefinition
from .sdc import protect_line, protect_table

NOT_SAID = "Not said"


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

    @property
    def is_grid(self) -> bool:
        return bool(self.columns)


def _base(session, slug, area_code, age_band):
    q = select(Response.id).where(Response.survey_slug == slug)
    if area_code:
        q = q.where(Response.area_code == area_code)
    if age_band:
        q = q.where(Response.age_band == age_band)
    return q


def filter_options(session, slug: str, definition: SurveyDefinition):
    codes = session.scalars(select(Response.area_code).where(Response.survey_slug == slug,
                                                             Response.area_code.is_not(None))
                            .distinct()).all()
    names = _area_names(session, codes)
    areas = sorted(((c, names.get(c, c)) for c in codes), key=lambda x: x[1])
    ages = [(o.value, o.label) for o in definition.age_question.options] \
        if definition.age_question else []
    return areas, ages


def _area_names(session, codes) -> dict[str, str]:
    if not codes:
        return {}
    return dict(session.execute(select(Area.code, Area.name)
                                .where(Area.code.in_(list(codes)))).all())


def build_tables(session, slug: str, definition: SurveyDefinition, rule: DisclosureRule,
                 area_code: str | None = None, age_band: str | None = None):
    """``(published total, [Table])`` for one survey, optionally filtered."""
    ids = _base(session, slug, area_code, age_band).subquery()
    n = session.scalar(select(func.count()).select_from(ids)) or 0
    published_n = rule.apply(n)
    if published_n is None:
        return None, []
    tables: list[Table] = []

    # Where answers came from, by area.
    by_area = dict(session.execute(
        select(Response.area_code, func.count()).where(Response.id.in_(select(ids.c.id)))
        .group_by(Response.area_code)).all())
    names = _area_names(session, [c for c in by_area if c])
    area_rows = sorted((c for c in by_area if c), key=lambda c: names.get(c, c))
    area_labels = [names.get(c, c) for c in area_rows]
    area_counts = [by_area[c] for c in area_rows]
    if None in by_area:
        area_labels.append(NOT_SAID)
        area_counts.append(by_area[None])
    line = protect_line(area_counts, rule, n)
    tables.append(Table("area", "Answers by area", area_labels, line.cells, line.total,
                        row_heading="Area"))

    # Age bands.
    age_q = definition.age_question
    by_age = dict(session.execute(
        select(Response.age_band, func.count()).where(Response.id.in_(select(ids.c.id)))
        .group_by(Response.age_band)).all())
    age_keys = [o.value for o in age_q.options] if age_q else []
    age_keys += [k for k in by_age if k not in age_keys and k is not None]
    age_labels = [age_q.option_label(k) if age_q else k for k in age_keys]
    age_counts = [by_age.get(k, 0) for k in age_keys]
    if by_age.get(None):
        age_labels.append(NOT_SAID)
        age_counts.append(by_age[None])
    line = protect_line(age_counts, rule, n)
    tables.append(Table("age_band", "Answers by age", age_labels, line.cells, line.total,
                        row_heading="Age"))

    # Area by age: a two-way table with row and column totals.
    if not area_code and not age_band and area_rows:
        pairs = session.execute(
            select(Response.area_code, Response.age_band, func.count())
            .where(Response.id.in_(select(ids.c.id)))
            .group_by(Response.area_code, Response.age_band)).all()
        row_keys = area_rows + ([None] if None in by_area else [])
        col_keys = age_keys + ([None] if by_age.get(None) else [])
        grid = [[0] * len(col_keys) for _ in row_keys]
        rindex = {k: i for i, k in enumerate(row_keys)}
        cindex = {k: j for j, k in enumerate(col_keys)}
        for a, b, c in pairs:
            if a in rindex and b in cindex:
                grid[rindex[a]][cindex[b]] += c
        prot = protect_table(grid, rule)
        tables.append(Table(
            "area_by_age", "Answers by area and age",
            [names.get(k, k) if k else NOT_SAID for k in row_keys], prot.cells,
            prot.grand_total,
            columns=[age_q.option_label(k) if (k and age_q) else (k or NOT_SAID)
                     for k in col_keys],
            row_totals=prot.row_totals, col_totals=prot.col_totals))

    # Campaigns: responses against pupils.
    camp_rows = session.execute(
        select(Campaign.id, Campaign.name, Campaign.pupils, func.count(Response.id))
        .join(Response, Response.campaign_id == Campaign.id)
        .where(Response.id.in_(select(ids.c.id)), Campaign.survey_slug == slug)
        .group_by(Campaign.id, Campaign.name, Campaign.pupils)).all()
    all_camps = session.execute(select(Campaign.id, Campaign.name, Campaign.pupils)
                                .where(Campaign.survey_slug == slug)
                                .order_by(Campaign.name)).all()
    if all_camps:
        counted = {cid: c for cid, _n, _p, c in camp_rows}
        labels, counts, extra = [], [], {}
        for cid, name, _pupils in all_camps:
            labels.append(name)
            counts.append(counted.get(cid, 0))
        no_link = n - sum(counts)
        labels.append("No campaign link")
        counts.append(no_link)
        line = protect_line(counts, rule, n)
        for (_cid, name, pupils), shown in zip(all_camps, line.cells, strict=False):
            rate = None
            if shown is not None and pupils:
                rate = round(100 * shown / pupils)
            extra[name] = {"pupils": pupils, "rate": rate}
        tables.append(Table("campaign", "Answers by campaign (school, club or event)",
                            labels, line.cells, line.total, extra=extra,
                            row_heading="Campaign",
                            note="Answers per 100 pupils uses the rounded number of answers."))

    # Each choice question.
    rows = session.execute(
        select(Answer.question_id, Answer.value, func.count(func.distinct(Answer.response_id)))
        .where(Answer.response_id.in_(select(ids.c.id)), Answer.is_free_text.is_(False))
        .group_by(Answer.question_id, Answer.value)).all()
    counts_by_q: dict[str, dict[str, int]] = {}
    for qid, value, c in rows:
        counts_by_q.setdefault(qid, {})[value] = c
    answered = dict(session.execute(
        select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
        .where(Answer.response_id.in_(select(ids.c.id)), Answer.is_free_text.is_(False))
        .group_by(Answer.question_id)).all())
    for q in definition.questions:
        if q.type not in ("single", "multiple", "rating"):
            continue
        got = counts_by_q.get(q.id, {})
        options = q.choices()
        labels = [o.label for o in options]
        values = [got.get(o.value, 0) for o in options]
        if q.type == "multiple":
            people = answered.get(q.id, 0)
            cells = [rule.apply(v) for v in values]
            tables.append(Table(q.id, q.label, labels, cells, rule.apply(people),
                                total_label="People who answered",
                                note="People could pick more than one answer, so the numbers "
                                     "add up to more than the total."))
        else:
            labels.append("No answer")
            values.append(n - answered.get(q.id, 0))
            line = protect_line(values, rule, n)
            tables.append(Table(q.id, q.label, labels, line.cells, line.total))
    return published_n, tables


def table_csv_rows(tables: list[Table]):
    """Long-format rows for the CSV of published tables ("[c]" = hidden)."""
    def show(v):
        return "[c]" if v is None else v

    yield ["table", "row", "column", "value"]
    for t in tables:
        if t.is_grid:
            for label, row, rt in zip(t.rows, t.values, t.row_totals, strict=True):
                for col, v in zip(t.columns, row, strict=True):
                    yield [t.title, label, col, show(v)]
                yield [t.title, label, "Total", show(rt)]
            for col, v in zip(t.columns, t.col_totals, strict=True):
                yield [t.title, "Total", col, show(v)]
            yield [t.title, "Total", "Total", show(t.total)]
        else:
            for label, v in zip(t.rows, t.values, strict=True):
                yield [t.title, label, "Answers", show(v)]
            yield [t.title, t.total_label, "Answers", show(t.total)]


def bar_chart(table: Table, width: int = 560) -> Markup:
    """A horizontal bar chart of a one-way table, as inline SVG.  Hidden values get no bar."""
    if table.is_grid or not table.rows:
        return Markup("")
    label_w, bar_h, gap = 210, 22, 8
    top = 4
    height = top + len(table.rows) * (bar_h + gap)
    biggest = max([v for v in table.values if v] or [1])
    room = width - label_w - 70
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-labelledby="chart-{escape(table.id)}">',
             f'<title id="chart-{escape(table.id)}">Bar chart: {escape(table.title)}. '
             'The same numbers are in the table.</title>']
    for k, (label, v) in enumerate(zip(table.rows, table.values, strict=True)):
        y = top + k * (bar_h + gap)
        text = label if len(label) <= 30 else label[:29] + "\u2026"
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
                     f'{escape(text)}</text>')
        if v is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 16}">[c] hidden: too few</text>')
            continue
        w = 0 if not v else max(2, round(room * v / biggest))
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" '
                     'fill="#1d70b8"></rect>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 16}">{v:,}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


CAMPAIGN_SORTS = {
    "least-heard": "Least heard first",
    "name": "Name",
    "answers": "Most answers first",
    "pupils": "Most pupils first",
}
NO_CAMPAIGN = "No campaign link"


def sort_campaign_table(table: Table, sort: str) -> str:
    """Reorder the campaign table in place; returns the sort used.

    Only published figures decide the order (rounded counts, rates from them,
    and pupil numbers, which are public), so the order never reveals a hidden
    count.  "Least heard first": schools with a published rate of 0 answers per
    100 pupils, then schools whose count is hidden (1 to 7 answers: the largest
    school first, as it is heard least), then the rest by rate, lowest first;
    campaigns without pupil numbers (clubs, events) after them, and the answers
    with no campaign link always last.
    """
    if sort not in CAMPAIGN_SORTS:
        sort = "least-heard"
    rows = list(zip(table.rows, table.values, strict=True))
    last = [r for r in rows if r[0] == NO_CAMPAIGN]
    rows = [r for r in rows if r[0] != NO_CAMPAIGN]

    def pupils(label):
        return (table.extra.get(label) or {}).get("pupils") or 0

    def rate(label):
        return (table.extra.get(label) or {}).get("rate")

    if sort == "name":
        rows.sort(key=lambda r: r[0].lower())
    elif sort == "answers":
        rows.sort(key=lambda r: (r[1] is None, -(r[1] or 0), r[0].lower()))
    elif sort == "pupils":
        rows.sort(key=lambda r: (-pupils(r[0]), r[0].lower()))
    else:
        def key(r):
            label, shown = r
            if not pupils(label):
                return (3, 0, label.lower())
            if shown is None:  # hidden small count: biggest school first
                return (1, -pupils(label), label.lower())
            if shown == 0:
                return (0, -pupils(label), label.lower())
            return (2, rate(label), label.lower())
        rows.sort(key=key)
    rows += last
    table.rows = [r[0] for r in rows]
    table.values = [r[1] for r in rows]
    return sort
