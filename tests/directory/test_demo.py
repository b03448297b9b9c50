"""The demo directory makes the product's point, deterministically."""

from __future__ import annotations

from datetime import date, timedelta

from app.demo import DemoContext
from app.demo import directory as demo_directory
from app.directory.records import canonical
from app.models import Building, Organisation, Service, ServiceReport

from .demo_geo import make_demo_geography


def _build(db, seed=7):
    ctx = DemoContext(seed=seed)
    demo_directory.build(db.session, ctx)
    db.session.commit()
    return ctx


def _in(services, parish_prefix):
    return [s for s in services if s.address and s.address.endswith(", " + parish_prefix)]


def test_demo_directory_shows_where_provision_is_missing(db):
    make_demo_geography(db.session)
    ctx = _build(db)
    info = ctx.info["directory"]
    assert info["city"] == "Cityton"
    assert set(info["towns"]) == {"Marketbury", "Ledwick"}
    services = db.session.query(Service).all()
    active = [s for s in services if s.status == "active"]
    city = _in(active, "Cityton")
    assert len([s for s in city if s.cost_model == "free"]) >= 10
    assert {s.service_type for s in city} >= {"drop_in", "open_access", "uniformed", "sport",
                                             "arts_music", "boxing_martial_arts", "faith"}
    for town in ("Marketbury", "Ledwick"):
        assert any(s.cost_model == "free" for s in _in(services, town)), town
    for parish in ("Bleakmoor", "Stonyford"):
        there = _in(services, parish)
        assert len(there) <= 1
        assert all(s.uniformed and s.cost_model != "free" for s in there), parish
    # Every cost model, provider type and status appears; outreach has no fixed place.
    assert {s.cost_model for s in services} == {"free", "per_session", "weekly", "monthly",
                                                "termly", "yearly"}
    assert {s.status for s in services} >= {"active"} and \
        {s.status for s in services} & {"paused", "closed"}
    assert any(s.no_fixed_place and s.service_type == "detached" for s in services)
    assert len([s for s in services if s.provider_type == "volunteer"
                and s.cost_model == "monthly"]) >= 2
    soon = [s for s in services if s.funding_end
            and date.today() <= s.funding_end <= date.today() + timedelta(days=365)]
    assert len(soon) >= 3
    overdue = [s for s in services if s.last_checked is None
               or s.last_checked < date.today() - timedelta(days=180)]
    assert 1 <= len(overdue) < len(services) // 3
    assert 8 <= db.session.query(Building).count() <= 12
    assert db.session.query(ServiceReport).count() == 5
    # Every service is placed at a demo postcode (or has no fixed place).
    assert all(s.no_fixed_place or (s.postcode and s.lsoa_code) for s in services)


def test_demo_directory_is_deterministic(db):
    make_demo_geography(db.session)
    _build(db, seed=11)
    first = sorted(map(str, (canonical(s) for s in db.session.query(Service))))
    for s in db.session.query(Service):
        db.session.delete(s)
    db.session.query(Building).delete()
    db.session.query(Organisation).delete()
    db.session.commit()
    _build(db, seed=11)
    again = sorted(map(str, (canonical(s) for s in db.session.query(Service))))
    assert first == again


def test_demo_directory_follows_the_towns_the_geography_names(db):
    make_demo_geography(db.session)
    ctx = DemoContext(seed=7)
    # The real demo geography names its city and towns; a market town's LSOAs may be
    # classed rural, so the names win over the Rural-Urban Classification.
    ctx.info["town_centres"] = [{"name": "Cityton", "kind": "city"},
                                {"name": "Upper Farfield", "kind": "town"}]
    demo_directory.build(db.session, ctx)
    db.session.commit()
    assert ctx.info["directory"]["towns"] == ["Upper Farfield"]
    services = db.session.query(Service).all()
    assert len(_in(services, "Upper Farfield")) >= 5
    assert db.session.query(Building).count() == 12
