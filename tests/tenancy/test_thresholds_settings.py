"""Setting and changing a council's disclosure threshold (docs/DISCLOSURE.md,
"Per-council thresholds"): the validation, ``flask councils settings``, the
snapshot published at once, no stale cache, and no differencing between the
release before the change and the one after it."""

from __future__ import annotations

import json

import pytest

from app.models import use_council
from tests.tenancy import thresholds_support as ts

DEPLOYMENT_MAX = ts.DEPLOYMENT["DISCLOSURE_MAX_SUPPRESSED"]


@pytest.fixture
def app_config():
    return dict(ts.DEPLOYMENT)


@pytest.fixture(autouse=True)
def _default_council_as_it_was(db):
    yield
    ts.reset_default_council(db)


def test_a_threshold_below_the_deployments_is_refused_naming_setting_and_minimum(runner, db):
    from app.models import Council

    low = runner.invoke(args=["councils", "add", "E06000002", "Low Council", "--settings",
                              json.dumps({"DISCLOSURE_MAX_SUPPRESSED": DEPLOYMENT_MAX - 1})])
    assert low.exit_code != 0
    assert "'DISCLOSURE_MAX_SUPPRESSED' may only be raised" in low.output
    assert f"at least {DEPLOYMENT_MAX}, the deployment's minimum" in low.output
    for bad in ("7.5", "true", '"10"'):
        wrong = runner.invoke(args=["councils", "add", "E06000002", "Low Council",
                                    "--settings", f'{{"DISCLOSURE_MAX_SUPPRESSED": {bad}}}'])
        assert wrong.exit_code != 0 and "must be a whole number" in wrong.output, bad
    assert db.session.scalar(db.select(Council).where(Council.code == "E06000002")) is None
    same = runner.invoke(args=["councils", "add", "E06000002", "Same Council", "--settings",
                               json.dumps({"DISCLOSURE_MAX_SUPPRESSED": DEPLOYMENT_MAX})])
    assert same.exit_code == 0, same.output


def test_a_raised_threshold_cannot_come_down_again(runner, db):
    from app.models import Council

    assert runner.invoke(args=["councils", "add", "E06000002", "Raised Council", "--settings",
                               '{"DISCLOSURE_MAX_SUPPRESSED": 10}']).exit_code == 0
    lower = runner.invoke(args=["councils", "settings", "E06000002",
                                '{"DISCLOSURE_MAX_SUPPRESSED": 8}'])
    assert lower.exit_code != 0 and "this council's is 10" in lower.output
    dropped = runner.invoke(args=["councils", "settings", "E06000002",
                                  '{"COUNCIL_FRONT_DOOR": "01234 567890"}'])
    assert dropped.exit_code != 0 and "cannot be removed" in dropped.output
    db.session.expire_all()
    council = db.session.scalar(db.select(Council).where(Council.code == "E06000002"))
    assert council.settings == {"DISCLOSURE_MAX_SUPPRESSED": 10}
    higher = runner.invoke(args=["councils", "settings", "E06000002",
                                 '{"DISCLOSURE_MAX_SUPPRESSED": 12, "COUNCIL_NAME": "R"}'])
    assert higher.exit_code == 0, higher.output
    db.session.expire_all()
    assert council.settings == {"DISCLOSURE_MAX_SUPPRESSED": 12, "COUNCIL_NAME": "R"}


def _area_values(db, council_id: int) -> tuple[dict, str]:
    from app import publication

    with use_council(council_id):
        db.session.rollback()
        _total, tables, snap = publication.survey_tables(db.session, "youth")
        area = next(t for t in tables if t.id == "area")
        out = dict(zip(area.codes, area.values, strict=True))
        token = snap.token
        db.session.rollback()
    return out, token


def _every_figure(db, council_id: int) -> dict:
    """Every number of the latest snapshot, by (dataset, key, position)."""
    from app.models import PublishedFigure
    from app.publication import latest

    found: dict = {}

    def walk(where, value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk((*where, k), v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk((*where, i), v)
        elif value is None or (isinstance(value, int) and not isinstance(value, bool)):
            found[where] = value

    with use_council(council_id):
        db.session.rollback()
        snap = latest(db.session)
        for fig in db.session.scalars(db.select(PublishedFigure)
                                      .where(PublishedFigure.snapshot_id == snap.id)):
            walk((fig.dataset, fig.key), fig.payload)
        db.session.rollback()
    return found


def test_raising_the_threshold_republishes_and_gives_a_differencing_attacker_nothing(
        app, db, runner):
    """B publishes under the deployment's threshold (4), then raises it to 10 with
    ``flask councils settings``.  A new snapshot is published at once; the API (a
    cached view) shows it straight away.  Every figure of the new snapshot is a
    function of the old one alone (kept when above 10, hidden when 10 or below), so
    the pair says nothing the old release did not: LSOA 3 (9 people) and LSOA 4 (12)
    both showed 15 and both still show 15.  The control: worked out afresh under 10
    (council A, same answers), LSOA 3 is hidden and LSOA 4 shown, which next to the
    old release would say that LSOA 3 holds 9 or 10 people."""
    made = ts.two_councils(db, runner)
    client = ts.client_for(app, made.users, "b")
    base = "http://b.example"
    before, token = _area_values(db, made.b)
    assert before == {**before, **{c: ts.expected_in(c, DEPLOYMENT_MAX) for c in ts.LSOAS}}
    assert before["E01000003"] == before["E01000004"] == 15 and before[ts.SEVEN] == 5
    api = client.get("/api/v1/gaps?level=lsoa", base_url=base).get_json()
    assert {a["code"]: a["responses"] for a in api["areas"]}[ts.SEVEN] == 5
    old = _every_figure(db, made.b)

    done = runner.invoke(args=["councils", "settings", "E06000019",
                               '{"DISCLOSURE_MAX_SUPPRESSED": 10}'])
    assert done.exit_code == 0, done.output
    assert "published a new snapshot" in done.output

    after, new_token = _area_values(db, made.b)
    assert new_token != token
    assert after[ts.SEVEN] is None  # the 7 once shown as 5 is hidden now
    assert after["E01000003"] == after["E01000004"] == 15  # as before: no new information
    new = _every_figure(db, made.b)
    assert new.keys() == old.keys()
    for where, value in old.items():
        # By hand: each figure of the new release from the old one alone.
        assert new[where] == (None if value is not None and 0 < value <= 10 else value), where
    api = client.get("/api/v1/gaps?level=lsoa", base_url=base).get_json()
    assert api["disclosure"]["suppressed"] == "1-10"
    assert {a["code"]: a["responses"] for a in api["areas"]}[ts.SEVEN] is None

    fresh, _token = _area_values(db, made.a)  # the control: worked out afresh under 10
    assert fresh["E01000003"] is None and fresh["E01000004"] == 15


def test_the_deployments_threshold_wins_when_it_is_higher():
    """A council row holding a lower value than the deployment's (the deployment raised
    its own later) never lowers the rule; a bool or text is no threshold."""
    from app.disclosure import DisclosureRule

    deployment = DisclosureRule(1, 9, 5)
    assert deployment.for_settings({"DISCLOSURE_MAX_SUPPRESSED": 8}).max_suppressed == 9
    assert deployment.for_settings({"DISCLOSURE_MAX_SUPPRESSED": True}).max_suppressed == 9
    assert deployment.for_settings({"DISCLOSURE_MAX_SUPPRESSED": "12"}).max_suppressed == 9
    raised = deployment.for_settings({"DISCLOSURE_MAX_SUPPRESSED": 12})
    # By hand: 12 hidden; 13 -> 15; 14 -> 15; 11 hidden; 0 stays 0.
    assert [raised.label(n) for n in (0, 11, 12, 13, 14, 17, 18)] == [
        "0", "[c]", "[c]", "15", "15", "15", "20"]
