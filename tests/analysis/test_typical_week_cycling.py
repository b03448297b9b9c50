"""Cycling obeys one-way streets unless OpenStreetMap allows bicycles back
(issue 23).  A tiny network read from a real PBF: home A and venue B are joined
by a 6 km street, or the long way round (12 km) on two-way lanes.  At 16 km/h
that is 22.5 or 45 minutes, worked out here from the coordinates."""

from __future__ import annotations

import pytest
from pyproj import Transformer

from app.analysis.journeys import network_minutes
from app.analysis.roads import read_osm
from app.demo.osmfile import write_osm

TO_LL = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
X0, Y0 = 350_000, 240_000
HOME, VENUE = (X0, Y0), (X0 + 6000, Y0)
SHORT_MIN = 6000 / (16 / 3.6) / 60        # 22.5
LONG_MIN = (3000 + 6000 + 3000) / (16 / 3.6) / 60  # 45


def ll(dx, dy):
    return TO_LL.transform(X0 + dx, Y0 + dy)


def minutes(tmp_path, street: dict, *, towards_home: bool = True) -> dict[str, float]:
    """(home -> venue, venue -> home) cycling minutes with the street tagged ``street``.

    ``towards_home``: the street's nodes run venue -> home (so ``oneway=yes`` points
    at home and forbids home -> venue); otherwise home -> venue.
    """
    nodes = {1: ll(0, 0), 2: ll(6000, 0), 3: ll(0, 3000), 4: ll(6000, 3000)}
    ways = [(10, [2, 1] if towards_home else [1, 2], {"highway": "residential", **street}),
            (11, [1, 3, 4, 2], {"highway": "unclassified"})]
    net = read_osm(write_osm(tmp_path / "oneway.osm.pbf", nodes, ways))
    there = float(network_minutes(net, [HOME], [VENUE], 60, modes=("cycle",))["cycle"][0, 0])
    back = float(network_minutes(net, [VENUE], [HOME], 60, modes=("cycle",))["cycle"][0, 0])
    return {"there": there, "back": back}


def test_the_hand_worked_times():
    assert SHORT_MIN == pytest.approx(22.5) and LONG_MIN == pytest.approx(45)


@pytest.mark.parametrize("street", [
    {"oneway": "yes"},
    {"oneway": "true"},
    {"junction": "roundabout"},
    {"oneway": "yes", "cycleway": "lane"},           # a lane with the traffic only
    {"oneway": "yes", "bicycle": "yes"},              # allowed on it, still one way
    {"oneway": "no", "oneway:bicycle": "yes"},        # one way for bicycles only
])
def test_one_way_against_home_to_venue_takes_the_long_way(tmp_path, street):
    got = minutes(tmp_path, street)
    assert got["there"] == pytest.approx(LONG_MIN, rel=1e-3)
    assert got["back"] == pytest.approx(SHORT_MIN, rel=1e-3)  # with the flow


def test_oneway_minus_one_runs_against_the_nodes(tmp_path):
    # Nodes home -> venue, but oneway=-1: traffic runs venue -> home.
    got = minutes(tmp_path, {"oneway": "-1"}, towards_home=False)
    assert got["there"] == pytest.approx(LONG_MIN, rel=1e-3)
    assert got["back"] == pytest.approx(SHORT_MIN, rel=1e-3)


@pytest.mark.parametrize("street", [
    {},                                                # an ordinary two-way street
    {"oneway": "no"},
    {"oneway": "yes", "oneway:bicycle": "no"},
    {"oneway": "yes", "cycleway": "opposite"},
    {"oneway": "yes", "cycleway": "opposite_lane"},
    {"oneway": "yes", "cycleway:right": "opposite_track"},
    {"oneway": "yes", "cycleway:left": "opposite_lane"},
    {"oneway": "yes", "cycleway:left": "lane", "cycleway:left:oneway": "-1"},
    {"oneway": "yes", "cycleway:both": "track", "cycleway:both:oneway": "no"},
])
def test_contraflow_lets_bicycles_take_the_short_way(tmp_path, street):
    got = minutes(tmp_path, street)
    assert got["there"] == pytest.approx(SHORT_MIN, rel=1e-3)
    assert got["back"] == pytest.approx(SHORT_MIN, rel=1e-3)


def test_walkers_ignore_one_way_streets(tmp_path):
    nodes = {1: ll(0, 0), 2: ll(6000, 0)}
    net = read_osm(write_osm(tmp_path / "walk.osm.pbf", nodes,
                             [(10, [2, 1], {"highway": "residential", "oneway": "yes"})]))
    walk = float(network_minutes(net, [HOME], [VENUE], 120, modes=("walk",))["walk"][0, 0])
    assert walk == pytest.approx(6000 / (4.8 / 3.6) / 60, rel=1e-3)  # 75 minutes
