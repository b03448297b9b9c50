"""Published results tables: filters, CSV rows and the campaign order.  No Flask.

The tables themselves are built, with every count protected, when a snapshot
is published (:mod:`app.publication.survey_tables`); this module only shows
them, and reads no response rows.
"""

from __future__ import annotations

from ..publication import Table, survey_areas
from .definition import SurveyDefinition

__all__ = ["CAMPAIGN_SORTS", "GAVE_AREA", "TOTAL_ONLY", "Table", "filter_options", "sort_campaign_table",
           "table_csv_rows"]


def filter_options(session, slug: str, definition: SurveyDefinition):
    """(areas, ages) a reader can filter by: the areas of the published area table."""
    areas = survey_areas(session, slug)
    ages = [(o.value, o.label) for o in definition.age_question.options] \
        if definition.age_question else []
    return areas, ages


GAVE_AREA = "Answers that gave an area"
# The one row of a page published as its total only (a small area, or too few answers).
TOTAL_ONLY = "Answers"


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
    for t in tables:
        if t.id == "area" and t.known_total is not None:
            # The results page's "1,425 of 1,500 answers gave an area": its own cell
            # (absent from snapshots made before it was published).
            yield [GAVE_AREA, "Total", "Answers", t.known_total]


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
