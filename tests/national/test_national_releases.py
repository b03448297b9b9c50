"""A council's release from this deployment: its published snapshot only, its people
counts published, its own directory's services."""

from __future__ import annotations

from datetime import date, time

from app.disclosure import DisclosureRule
from app.national.releases import CouncilIdentity, build_release
from app.publication import survey_tables, totals
from tests.directory.helpers import make_service
from tests.publication.county import build
from tests.publication.support import publish_now, submit

TODAY = date(2026, 12, 6)
WHO = CouncilIdentity(code="E06000019", name="Herefordshire Council",
                      region_code="E12000005", region_name="West Midlands")


def _services(db):
    monday = [(0, time(18), time(20), False)]
    make_service(db.session, name="Ends soon", funding_end=date(2027, 3, 1), sessions=monday)
    make_service(db.session, name="Ends in a year and a half", funding_end=date(2028, 5, 1),
                 cost_model="per_session", cost_amount=3, sessions=monday)
    make_service(db.session, name="Ended", funding_end=date(2026, 1, 1), sessions=monday)
    make_service(db.session, name="Paused", status="paused", sessions=monday)
    make_service(db.session, name="Over the border", outside_council=True,
                 funding_end=date(2027, 2, 1), sessions=monday)


def test_release_holds_the_published_figures_only(app, client, db, auth):
    build(db, 3)
    _services(db)
    snap = publish_now(db)
    # An answer after the snapshot is in no figure of the release.
    auth.login_as("admin")
    submit(client, "E04000012", ["cost"])
    release = build_release(db.session, WHO, DisclosureRule(), young_people=1234.4,
                            reached=3.0, today=TODAY)
    assert (release.code, release.name, release.region_code) == ("E06000019",
                                                                 "Herefordshire Council",
                                                                 "E12000005")
    assert release.published_on == snap.published_at.date()
    # Census estimates published with the council's rule: rounded to 5, 1-7 hidden.
    assert release.young_people == 1235 and release.reached is None and release.population
    # Active, funded, in the council: "Ends soon" and the per-session one.
    assert release.services == 2
    assert release.cost_bands == {"free": 1, "up_to_10": 0, "up_to_25": 1, "up_to_50": 0,
                                  "over_50": 0, "unknown": 0}
    assert release.cliff_services == {6: 1, 12: 1, 24: 2}
    # Survey figures exactly as the snapshot publishes them, question by question.
    assert release.responses == totals(db.session)["all"]
    _total, tables, _snap = survey_tables(db.session, "youth-voice")
    published = {(t.id, label): (value, t.total) for t in tables
                 if t.id not in ("area", "age_band", "area_by_age", "campaign")
                 for label, value in zip(t.rows, t.values, strict=True)}
    assert {(a.question, a.answer): (a.count, a.base) for a in release.answers} == published
    assert any(a.count is None for a in release.answers)  # small counts stay hidden
    assert release.licence == "Open Government Licence v3.0"
    assert "Herefordshire Council" in release.attribution


def test_release_before_any_snapshot_or_geography(app, db):
    release = build_release(db.session, WHO, DisclosureRule(), young_people=None,
                            reached=None, today=TODAY)
    assert release.published_on is None and release.answers == ()
    assert release.services == 0 and not release.population


def test_national_services_leave_out_a_neighbours(app, db):
    from app.national.releases import public_services

    _services(db)
    assert sorted(s.name for s in public_services(db.session)) == [
        "Ended", "Ends in a year and a half", "Ends soon", "Paused"]
