"""Today's side of a scenario's comparison (gap scores and ranks of today's services,
sessions at risk) is worked out once and kept per data version and journey run
(``_today_side`` in app/planning/service.py): every scenario, whatever it proposes,
shows exactly the figures a fresh computation gives, and a change to the directory
is followed at once."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from app.analysis.comparison import today_side
from app.models import Service
from app.planning import service as planning

from .test_same_method import comparison, county, county_builder, new_scenario, set_changes  # noqa: F401

FIGURES = ["gap_score_before", "gap_rank_before", "gap_score_after", "gap_rank_after",
           "reached_before", "reached_after", "newly_reached", "no_longer_reached"]


def _fresh(monkeypatch):
    """Make the page work today's side out again (as it did before it was kept)."""
    monkeypatch.setattr(planning, "_today_side", lambda frame, live, settings: today_side(
        frame, live, risk_months=planning.CLIFF_MONTHS, gap_scores=True, **settings))


def _figures(context) -> tuple[pd.DataFrame, int, float | None]:
    c = context["comparison"]
    return c.areas[FIGURES].copy(), c.at_risk_before, c.mean_gap_before


def _assert_same(kept, fresh) -> None:
    pd.testing.assert_frame_equal(kept[0], fresh[0])
    assert kept[1:] == fresh[1:]


@pytest.mark.parametrize("travel", ["bus", "car"])
def test_every_scenario_shows_the_figures_a_fresh_computation_gives(
        client, auth, db, county, monkeypatch, travel):  # noqa: F811
    auth.login_as("commissioner")
    plain = new_scenario(client, "Nothing changes")
    proposal = new_scenario(client, "A club at the library")
    set_changes(db, proposal, [{"kind": "add", "name": "Library club",
                                "building_id": county["library"],
                                "service_type": "open_access"},
                               {"kind": "close", "service_id": county["scouts"]}])
    worked_out = []
    monkeypatch.setattr(planning, "today_side", lambda *a, **k: worked_out.append(1)
                        or today_side(*a, **k))
    comparison(client, plain, travel)  # keeps today's side
    kept = _figures(comparison(client, proposal, travel))  # another scenario reuses it
    assert len(worked_out) == 1
    assert kept[0]["gap_score_before"].notna().all()
    _fresh(monkeypatch)
    _assert_same(kept, _figures(comparison(client, proposal, travel)))


def test_a_directory_change_is_followed_at_once(client, auth, db, county,  # noqa: F811
                                                monkeypatch):
    auth.login_as("commissioner")
    sid = new_scenario(client, "Nothing changes")
    before = _figures(comparison(client, sid))
    # The boxing club's funding now ends within the cliff's window: one more at risk.
    db.session.get(Service, county["boxing"]).funding_end = date.today() + timedelta(days=60)
    db.session.commit()
    kept = _figures(comparison(client, sid))
    assert kept[1] == before[1] + 1
    _fresh(monkeypatch)
    _assert_same(kept, _figures(comparison(client, sid)))
