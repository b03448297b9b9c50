"""The gap API recomputes only what changed (issue 28): a second identical request
computes nothing again; a new snapshot recomputes the figures that read published
counts and nothing else; a change to the data recomputes the area figures, once.

The LSOA figures (every level's area figures, the population points and planning's
LSOAs are made from them) are worked out once per data version and age band, not once
per level and use."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.gaps import service as gap_service
from app.geodata import figures as area_figures
from app.geodata import lsoa_figures, points
from app.models import Area
from tests.publication.county import build
from tests.publication.support import publish_now, switch


@pytest.fixture
def counted(monkeypatch):
    """How many times the LSOA figures and the gap analysis were worked out."""
    calls = {"lsoa_figures": 0, "compute_gaps": 0}

    def counting(name, func):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return func(*args, **kwargs)
        return wrapper

    lsoa = counting("lsoa_figures", lsoa_figures.lsoa_figures)
    for module in (lsoa_figures, area_figures, points):  # wherever it is called from
        monkeypatch.setattr(module, "lsoa_figures", lsoa)
    monkeypatch.setattr(gap_service, "compute_gaps",
                        counting("compute_gaps", gap_service.compute_gaps))
    return calls


def _ask(client, *levels):
    for level in levels:
        resp = client.get(f"/api/v1/gaps?level={level}")
        assert resp.status_code == 200, resp.get_data(True)


def test_same_request_twice_computes_nothing_again(app, client, db, auth, counted):
    build(db, 7)
    publish_now(db)
    switch(auth, "councillor")
    _ask(client, "parish", "ward")
    # Both levels' areas and population points from one LSOA frame.
    assert counted == {"lsoa_figures": 1, "compute_gaps": 2}
    _ask(client, "parish", "ward")
    assert counted == {"lsoa_figures": 1, "compute_gaps": 2}, "nothing changed"
    # A new snapshot: the figures that read published counts are worked out again,
    # the area figures (which read none) are kept.
    publish_now(db)
    _ask(client, "parish", "ward")
    assert counted == {"lsoa_figures": 1, "compute_gaps": 4}
    # A change to the data (the geography): everything is worked out again, once.
    area = db.session.scalars(select(Area).where(Area.level == "parish")).first()
    area.name += " (renamed)"
    db.session.commit()
    _ask(client, "parish", "ward", "parish")
    assert counted == {"lsoa_figures": 2, "compute_gaps": 6}
