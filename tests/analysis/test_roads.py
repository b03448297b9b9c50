"""Road networks read from an OSM PBF: which ways each mode may use, one-way
streets, speeds, and shortest times checked against networkx."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from pyproj import Transformer

from app.analysis.roads import NetworkError, RoadNetwork, maxspeed_kmh, read_osm, way_modes
from app.demo.osmfile import write_osm

TO_LL = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
X0, Y0 = 350000, 240000


def ll(dx, dy):
    return TO_LL.transform(X0 + dx, Y0 + dy)


@pytest.fixture
def network(tmp_path):
    # A 1 km square of roads: 1 (0,0) - 2 (1000,0) - 3 (1000,1000) - 4 (0,1000) - 1,
    # a footpath across the diagonal 1-3, a one-way street 2->3, a motorway 4-5
    # and a private drive 3-6 open to walkers.
    nodes = {1: ll(0, 0), 2: ll(1000, 0), 3: ll(1000, 1000), 4: ll(0, 1000),
             5: ll(-3000, 1000), 6: ll(1200, 1200)}
    ways = [
        (10, [1, 2], {"highway": "residential"}),
        (11, [2, 3], {"highway": "tertiary", "oneway": "yes", "maxspeed": "30 mph"}),
        (12, [3, 4, 1], {"highway": "unclassified"}),
        (13, [1, 3], {"highway": "footway"}),
        (14, [4, 5], {"highway": "motorway"}),
        (15, [3, 6], {"highway": "service", "access": "private", "foot": "yes"}),
        (16, [1, 2], {"building": "yes"}),
    ]
    path = write_osm(tmp_path / "square.osm.pbf", nodes, ways,
                     timestamp="2026-10-31T21:00:00Z")
    return read_osm(path)


def node(net, dx, dy):
    return int(np.argmin(np.hypot(*(net.node_xy - [X0 + dx, Y0 + dy]).T)))


def test_reads_nodes_ways_and_date(network):
    assert len(network.node_xy) == 6
    assert network.source_date == "2026-10-31"
    assert network.summary()["walk_km"] == pytest.approx(
        1 + 1 + 2 + math.sqrt(2) + math.hypot(0.2, 0.2), abs=0.01)


def test_walkers_take_the_footpath_cars_go_round(network):
    a, c = node(network, 0, 0), node(network, 1000, 1000)
    walk = network.seconds("walk", [network.node_xy[a]], [network.node_xy[c]])[0, 0]
    assert walk == pytest.approx(1000 * math.sqrt(2) / (4.8 / 3.6), rel=1e-4)
    # Cars cannot use the footpath: round the square on the unclassified road at 40 km/h
    drive = network.seconds("drive", [network.node_xy[a]], [network.node_xy[c]])[0, 0]
    assert drive == pytest.approx(2000 / (40 / 3.6), rel=1e-4)
    b = node(network, 1000, 0)
    # 2 -> 3 is one way at 30 mph; 3 -> 2 must go round by 4 and 1 (25 km/h on 1-2)
    ahead = network.seconds("drive", [network.node_xy[b]], [network.node_xy[c]])[0, 0]
    assert ahead == pytest.approx(1000 / (30 * 1.609344 / 3.6), rel=1e-4)
    back = network.seconds("drive", [network.node_xy[c]], [network.node_xy[b]])[0, 0]
    assert back == pytest.approx(2000 / (40 / 3.6) + 1000 / (25 / 3.6), rel=1e-4)


def test_private_drive_and_motorway(network):
    six, five = node(network, 1200, 1200), node(network, -3000, 1000)
    g = network.graph("drive")
    assert g[node(network, 1000, 1000), six] == 0  # private: no cars
    assert network.graph("walk")[node(network, 1000, 1000), six] > 0  # foot=yes
    assert g[node(network, 0, 1000), five] > 0  # motorway: cars
    assert network.graph("walk")[node(network, 0, 1000), five] == 0  # no walkers
    assert network.graph("cycle")[node(network, 0, 0), node(network, 1000, 1000)] == 0


def test_off_network_points_add_connector_time(network):
    a = network.node_xy[node(network, 0, 0)]
    t = network.seconds("walk", [a + [0, -100]], [a])[0, 0]
    assert t == pytest.approx(100 / (4.8 / 3.6), rel=1e-4)
    assert math.isinf(network.seconds("walk", [a], [a + [2000, 2000]], limit_s=600)[0, 0])


def test_storage_round_trip(network):
    again = RoadNetwork.from_bytes(network.to_bytes())
    assert again.source_date == "2026-10-31"
    assert np.array_equal(again.edge_u, network.edge_u)


def test_agrees_with_networkx_on_a_random_grid(tmp_path):
    rng = np.random.default_rng(7)
    nodes, ways, k = {}, [], 100
    for i in range(8):
        for j in range(8):
            nodes[i * 8 + j + 1] = ll(i * 300 + rng.uniform(-50, 50), j * 300 + rng.uniform(-50, 50))
    kinds = ["residential", "primary", "footway", "track", "service"]
    for i in range(8):
        for j in range(8):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < 8 and j + dj < 8 and rng.random() < 0.85:
                    tags = {"highway": kinds[rng.integers(len(kinds))]}
                    if rng.random() < 0.2:
                        tags["oneway"] = "yes"
                    ways.append((k, [i * 8 + j + 1, (i + di) * 8 + j + dj + 1], tags))
                    k += 1
    net = read_osm(write_osm(tmp_path / "grid.osm.pbf", nodes, ways))
    for mode in ("walk", "cycle", "drive"):
        g = nx.DiGraph()
        coo = net.graph(mode).tocoo()
        g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
        nodes_in, _ = net.snap(mode, net.node_xy)
        got = net.seconds(mode, net.node_xy, net.node_xy)
        for s in range(0, len(net.node_xy), 5):
            lengths = nx.single_source_dijkstra_path_length(g, nodes_in[s]) \
                if nodes_in[s] in g else {nodes_in[s]: 0}
            for t in range(len(net.node_xy)):
                conn = np.hypot(*(net.node_xy[s] - net.node_xy[nodes_in[s]])) + np.hypot(
                    *(net.node_xy[t] - net.node_xy[nodes_in[t]]))
                from app.analysis.roads import CONNECTOR_MPS
                expected = lengths.get(nodes_in[t], math.inf) + conn / CONNECTOR_MPS[mode]
                assert got[s, t] == pytest.approx(expected, rel=1e-6, abs=1e-3)


def test_tags():
    assert way_modes({"highway": "footway"})[0] == 1
    assert way_modes({"highway": "footway", "bicycle": "yes"})[0] == 3
    assert way_modes({"highway": "primary", "foot": "no"})[0] & 1 == 0
    assert maxspeed_kmh("20 mph") == pytest.approx(32.18688)
    assert maxspeed_kmh("national") is None


def test_bad_files(tmp_path):
    bad = tmp_path / "x.osm.pbf"
    bad.write_bytes(b"not a pbf at all")
    with pytest.raises(NetworkError, match="x.osm.pbf: cannot be read"):
        read_osm(bad)
    empty = write_osm(tmp_path / "e.osm.pbf", {1: ll(0, 0)}, [])
    with pytest.raises(NetworkError, match="holds no highways"):
        read_osm(empty)
