"""`flask demo`: the embedded demo county, built through the real import path."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.models import ROLES, Area, Building, Response, Service, User


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

    # One account per role, passwords printed once and working.
    users = db.session.scalars(select(User)).all()
    assert sorted(u.role for u in users) == sorted(ROLES)
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
