"""The cell key method against an independent calculation, and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from app.disclosure import DisclosureRule
from app.publication import CellKeyMethod, Schedule, ptable
from tests.publication.county import build
from tests.publication.support import publish_now


@pytest.mark.parametrize("d,variance", [(4, 2.5), (3, 1.5), (5, 4.0)])
def test_ptable_rows_are_unbiased_bounded_and_never_negative(d, variance):
    table = ptable(d, variance)
    assert table.shape == (751, 256)
    assert (table[0] == 0).all()
    for v in range(1, 751):
        row = table[v].astype(float)
        assert row.min() >= -min(d, v) and row.max() <= d
        assert row.sum() == 0, v  # unbiased: the mean change is exactly 0
        if v >= d:
            assert abs(row.var() - variance) < 0.1, v
    # Every value far from zero uses the same row: the noise does not depend on it.
    assert (table[20] == table[700]).all()


def test_same_people_same_value_and_the_council_rule_holds():
    method = CellKeyMethod(DisclosureRule(), 4, 2.5)
    rng = np.random.default_rng(3)
    seen = set()
    for size in range(0, 200):
        keys = [int(k) for k in rng.integers(0, 256, size)]
        value = method.publish_cell(keys)
        # Independent: the cell key is the sum of the keys mod 256; the value is the
        # count plus the table entry, hidden from 1 to 7, rounded to 5.
        ckey = sum(keys) % 256
        noisy = size + int(ptable(4, 2.5)[min(size, 750), ckey]) if size else 0
        if size == 0:
            assert value == 0
        elif size <= 7 or noisy <= 7:
            assert value is None
        else:
            assert value == 5 * ((noisy + 2) // 5)  # nearest 5, halves up
            assert value % 5 == 0 and value >= 10 and abs(value - size) <= 6
        assert method.publish_cell(list(reversed(keys))) == value  # order does not matter
        seen.add(None if value is None else value - 5 * round(size / 5))
    assert len(seen) > 2  # the noise really moves values off plain rounding


def test_max_perturbation_above_the_hidden_range_is_refused():
    with pytest.raises(ValueError, match="CELL_KEY_MAX_PERTURBATION"):
        CellKeyMethod.from_config({"CELL_KEY_MAX_PERTURBATION": 9})


def test_next_snapshot_is_due_at_the_publish_hour():
    s = Schedule(hour=2, every_days=1)
    last = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert s.next_due(last, last) == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    early = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert s.next_due(early, early) == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    assert s.next_due(None, last) == last
    # A weekly batch (the default): the publish hour after the last, then six days on.
    weekly = Schedule.from_config({})
    assert weekly.next_due(last, last) == datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="PUBLISH_HOUR"):
        Schedule.from_config({"PUBLISH_HOUR": 24})
    with pytest.raises(ValueError, match="PUBLISH_EVERY_DAYS"):
        Schedule.from_config({"PUBLISH_EVERY_DAYS": 0})
    with pytest.raises(ValueError, match="PUBLISH_CELL_MAX_OPEN"):
        Schedule.from_config({"PUBLISH_CELL_MIN_CHANGED": 4, "PUBLISH_CELL_MAX_OPEN": 4})


def test_cli_publishes_waits_and_reports(app, db):
    build(db, 8)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["publish", "run"])
    assert result.exit_code == 0 and "Published snapshot" in result.output
    result = runner.invoke(args=["publish", "run", "--if-due"])
    assert result.exit_code == 0 and "Not due yet" in result.output
    result = runner.invoke(args=["publish", "status"])
    assert "Next due:" in result.output and "02:00 UTC" in result.output
    # No new answers: publishing again gives the same figures (same people, same keys).
    first = publish_now(db)
    second = publish_now(db)
    assert first.token != second.token


def test_privacy_page_states_the_method_and_its_table(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert 'id="published-figures"' in html
    assert "at most 4 up or down" in html and "cell key" in html
    assert "Maximum change ±4; variance 2.5" in html
    # The table's rows are the p-table's: every row adds up to the 256 cell keys.
    import re

    body = html[html.index("The fixed table of changes"):]
    rows = re.findall(r'<tr><th scope="row">(\d+)[^<]*</th>((?:<td class="num">\d+</td>)+)</tr>',
                      body)
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4]
    for value, cells in rows:
        counts = [int(c) for c in re.findall(r">(\d+)<", cells)]
        assert sum(counts) == 256
        row = ptable(4, 2.5)[int(value)]
        assert counts == [int((row == p).sum()) for p in range(-4, 5)]
