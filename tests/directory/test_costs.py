"""The comparable monthly cost: each cost model, term time, unknowns."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.directory.costs import describe_cost, monthly_cost, service_monthly_cost


@pytest.mark.parametrize(("model", "amount", "per_week", "term", "expected"), [
    ("free", None, 1, False, 0.0),
    ("free", 5, 1, False, 0.0),
    ("per_session", 3, 1, False, 13.0),          # 3 x 1 x 52 / 12
    ("per_session", 3, 2, False, 26.0),
    ("per_session", 4, 1, True, 13.0),           # 4 x 39 / 12
    ("weekly", 6, None, False, 26.0),            # 6 x 52 / 12
    ("weekly", 6, None, True, 19.5),             # 6 x 39 / 12
    ("monthly", 15, None, False, 15.0),
    ("termly", 60, None, False, 15.0),           # 60 x 3 / 12
    ("yearly", 120, None, False, 10.0),
    ("yearly", Decimal("35.50"), None, False, 2.96),
])
def test_monthly_cost_for_each_model(model, amount, per_week, term, expected):
    assert monthly_cost(model, amount, per_week, term) == expected


@pytest.mark.parametrize(("model", "amount", "per_week"), [
    ("per_session", 3, 0),          # no regular sessions: cannot say
    ("per_session", 3, None),
    ("monthly", None, None),        # paid, amount unknown
    ("daily", 3, 1),                # not a cost model
    ("monthly", -1, None),
])
def test_monthly_cost_is_none_when_it_cannot_be_worked_out(model, amount, per_week):
    assert monthly_cost(model, amount, per_week, False) is None


def _svc(model, amount, sessions):
    return SimpleNamespace(cost_model=model, cost_amount=amount, concession=False, sessions=[
        SimpleNamespace(day=d, start=time(18), end=time(20), term_time_only=t)
        for d, t in sessions])


def test_service_cost_counts_each_session_and_its_weeks():
    # One all-year session (52 weeks) and one term-time session (39 weeks) at £2.
    service = _svc("per_session", Decimal("2.00"), [(0, False), (3, True)])
    assert service_monthly_cost(service) == round(2 * 52 / 12, 2) + round(2 * 39 / 12, 2)


def test_weekly_charge_is_term_time_only_when_every_session_is():
    assert service_monthly_cost(_svc("weekly", 6, [(0, True), (2, True)])) == 19.5
    assert service_monthly_cost(_svc("weekly", 6, [(0, True), (2, False)])) == 26.0


def test_describe_cost_in_plain_english():
    assert describe_cost(_svc("free", None, [])) == "Free"
    assert describe_cost(_svc("termly", Decimal("45"), [])) == "£45.00 a term"
    assert describe_cost(_svc("per_session", Decimal("2.5"), [])) == "£2.50 a session"
