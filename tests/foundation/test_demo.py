"""`flask demo`: the embedded demo county, built through the real import path."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.models import Area, Building, ListingChange, Organisation, Response, Service, User
from app.models.users import STAFF_ROLES


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_builds_a_county_that_makes_the_point_and_guards_other_data(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output

    # Geography: about 60 parishes with small areas beneath them, and wards.
    assert 50 <= _count(db, Area, Area.level == "parish") <= 70
    assert _count(db, Area, Area.level == "lsoa") >= 100
    assert _count(db, Area, Area.level == "ward") >= 15
    # Directory and voice.
    assert 60 <= _count(db, Service) <= 100
    assert _count(db, Service, Service.cost_model == "monthly", Service.provider_type == "volunteer") >= 3
    assert _count(db, Building) >= 10
    assert 1200 <= _count(db, Response) <= 1800

    # One account per council role, and one per partner organisation (each tied to its
    # organisation); passwords printed once and working.
    users = db.session.scalars(select(User)).all()
    assert sorted(u.role for u in users if u.role != "partner") == sorted(STAFF_ROLES)
    partners = [u for u in users if u.role == "partner"]
    assert len(partners) == 3 and all(u.organisation_id for u in partners)
    assert len({u.organisation_id for u in partners}) == 3
    _partner_demo(db, partners)
    printed = dict(re.findall(r"^\s+(\S+@\S+)\s+(\S+)$", result.output, re.M))
    assert set(printed) == {u.email for u in users}
    from app.auth.passwords import verify_password

    for user in users:
        assert verify_password(user.password_hash, printed[user.email])
        assert printed[user.email] not in user.password_hash

    # A database that holds data is not touched without --reset ...
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0
    assert "--reset" in again.output
    before = (_count(db, Service), _count(db, Response))
    # ... --if-empty leaves it alone and succeeds ...
    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0 and "leaving it as it is" in quiet.output
    assert (_count(db, Service), _count(db, Response)) == before


def test_demo_refuses_a_database_with_other_data(runner, db):
    from ..conftest import make_user

    make_user(db, "admin", email="real-admin@council.example")
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "already holds data" in result.output
    assert _count(db, Area) == 0
    assert db.session.scalar(select(User.email)) == "real-admin@council.example"


def test_reset_wipes_every_table_before_building(db):
    from app.demo import database_has_data, wipe

    from ..conftest import make_user

    make_user(db, "admin")
    assert database_has_data(db.session)
    wipe(db.session)
    assert not database_has_data(db.session)
    assert _count(db, User) == 0


def _partner_demo(db, partners) -> None:
    """Some partner listings wait for review, some are stale, one organisation is trusted."""
    from datetime import date, timedelta

    orgs = [db.session.get(Organisation, u.organisation_id) for u in partners]
    assert sum(o.trusted for o in orgs) == 1
    waiting = db.session.scalars(select(ListingChange).where(
        ListingChange.status == "pending")).all()
    assert len(waiting) >= 2 and {c.kind for c in waiting} == {"update", "create"}
    assert all(not db.session.get(Organisation, c.organisation_id).trusted for c in waiting)
    cutoff = date.today() - timedelta(days=180)
    stale = _count(db, Service, Service.organisation_id.in_([o.id for o in orgs]),
                   Service.status != "closed", Service.last_checked < cutoff)
    assert stale >= 2
    assert _count(db, Organisation, Organisation.kind.is_(None)) < _count(db, Organisation)
