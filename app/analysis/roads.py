"""Walk, cycle and drive networks from an OpenStreetMap extract, and travel times on them.

Reading is pyosmium's (``osmium``, the Python bindings of libosmium, which
reads the ``.osm.pbf`` extracts Geofabrik publishes).  Routing is scipy's
``csgraph.dijkstra`` on a sparse matrix of seconds: measured against networkx
in ``bench/journeys.py`` (see docs/JOURNEYS.md), and needs nothing beyond
scipy, which the analysis already uses.

Which ways each mode may use, and how fast (km/h):

* walk (4.8): every ``highway`` except motorways and trunk roads, unless
  ``foot=no``; footways, paths, steps, tracks and bridleways included.
* cycle (16): every road but motorways, plus cycleways, tracks, bridleways
  and paths; footways, pedestrian streets and steps only with ``bicycle=yes``;
  one-way streets only in their direction (``oneway``, ``oneway:bicycle``,
  roundabouts) unless a contraflow lets bicycles back (``oneway:bicycle=no``,
  ``cycleway[:left|:right|:both]=opposite*``, or a cycle lane or track whose
  ``cycleway:<side>:oneway`` runs against the traffic or both ways).
* drive: roads only, in the direction ``oneway`` allows, at ``maxspeed``
  when tagged (mph or km/h), otherwise a typical speed for the road class
  (:data:`DRIVE_KMH`).

``access=no``/``private`` closes a way unless the mode's own tag opens it.
"""

from __future__ import annotations

import io
import re
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from ..geodata.crs import BNG, WGS84, transformer
from .filelimits import TransportLimits, megabytes

WALK_KMH, CYCLE_KMH = 4.8, 16.0
DRIVE_KMH = {
    "motorway": 100, "motorway_link": 60, "trunk": 80, "trunk_link": 50, "primary": 65,
    "primary_link": 45, "secondary": 55, "secondary_link": 40, "tertiary": 45,
    "tertiary_link": 35, "unclassified": 40, "residential": 25, "living_street": 10,
    "service": 15, "road": 30,
}
FOOT_ONLY = {"footway", "pedestrian", "steps", "path", "bridleway", "track", "cycleway",
             "corridor"}
NO_WALK = {"motorway", "motorway_link", "trunk", "trunk_link"}
NO_CYCLE = {"motorway", "motorway_link"}
CYCLE_IF_ALLOWED = {"footway", "pedestrian", "steps", "corridor"}
# Off-network connector speeds (straight line, metres per second), from the
# point to the nearest node of the mode's network.
CONNECTOR_MPS = {"walk": WALK_KMH / 3.6, "cycle": 12 / 3.6, "drive": 20 / 3.6}
WALK, CYCLE, DRIVE_FWD, DRIVE_BACK = 1, 2, 4, 8
# Cycling one way only: along the way's nodes (u -> v), or against them.  Unset on
# both-way ways, so a network stored before these flags cycles both ways as it did.
CYCLE_FWD_ONLY, CYCLE_BACK_ONLY = 16, 32
YES = ("yes", "true", "1")
OPPOSITE = ("opposite", "opposite_lane", "opposite_track", "opposite_share_busway")
SIDES = ("cycleway", "cycleway:left", "cycleway:right", "cycleway:both")
NETWORK_MODES = ("walk", "cycle", "drive")


class NetworkError(ValueError):
    """An OSM file cannot be used as a road network."""


def _closed(tags: Mapping[str, str], mode_tag: str) -> bool:
    own = tags.get(mode_tag)
    if own in ("no", "private"):
        return True
    if own in ("yes", "designated", "permissive", "destination"):
        return False
    return tags.get("access") in ("no", "private")


def way_modes(tags: Mapping[str, str]) -> tuple[int, float]:
    """(mode bit flags, drive km/h) for a way's tags; (0, 0) for none."""
    kind = tags.get("highway")
    if not kind or tags.get("area") == "yes":
        return 0, 0.0
    flags = 0
    if kind not in NO_WALK and not _closed(tags, "foot"):
        flags |= WALK
    cycle_ok = kind not in NO_CYCLE and (kind not in CYCLE_IF_ALLOWED or
                                         tags.get("bicycle") in ("yes", "designated"))
    if cycle_ok and not _closed(tags, "bicycle"):
        flags |= CYCLE | cycle_oneway(tags)
    kmh = 0.0
    if kind in DRIVE_KMH and not _closed(tags, "motor_vehicle") and not _closed(tags, "motorcar"):
        kmh = maxspeed_kmh(tags.get("maxspeed")) or float(DRIVE_KMH[kind])
        oneway = tags.get("oneway")
        implied = kind in ("motorway", "motorway_link") or tags.get("junction") == "roundabout"
        if oneway == "-1":
            flags |= DRIVE_BACK
        elif oneway in ("yes", "true", "1") or (implied and oneway != "no"):
            flags |= DRIVE_FWD
        else:
            flags |= DRIVE_FWD | DRIVE_BACK
    return flags, kmh


def cycle_oneway(tags: Mapping[str, str]) -> int:
    """:data:`CYCLE_FWD_ONLY`, :data:`CYCLE_BACK_ONLY` or 0 (both ways) for a way's tags."""
    own = tags.get("oneway:bicycle")
    if own in ("no", "false", "0"):
        return 0
    if own == "-1":
        return CYCLE_BACK_ONLY
    if own in YES:
        return CYCLE_FWD_ONLY
    oneway = tags.get("oneway")
    if oneway == "-1":
        only = CYCLE_BACK_ONLY
    elif oneway in YES or (tags.get("junction") in ("roundabout", "circular")
                           and oneway != "no"):
        only = CYCLE_FWD_ONLY
    else:
        return 0
    against = ("no", "yes" if only == CYCLE_BACK_ONLY else "-1")
    for side in SIDES:
        kind = tags.get(side)
        if kind in OPPOSITE:
            return 0
        if (kind not in (None, "no", "none", "separate")
                and tags.get(f"{side}:oneway") in against):
            return 0
    return only


def maxspeed_kmh(text: str | None) -> float | None:
    """``"30 mph"`` -> 48.3, ``"50"`` -> 50; None when absent or unreadable."""
    if not text:
        return None
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh)?\s*$", text)
    if not m:
        return None
    value = float(m.group(1))
    return value * 1.609344 if m.group(2) == "mph" else value


@dataclass
class RoadNetwork:
    """Nodes (EPSG:27700) and directed-able edges with mode flags."""

    node_xy: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    length_m: np.ndarray
    flags: np.ndarray
    drive_kmh: np.ndarray
    source_date: str | None = None
    _graphs: dict[str, csr_matrix] = field(default_factory=dict, repr=False)
    _snap: dict[str, tuple[np.ndarray, cKDTree]] = field(default_factory=dict, repr=False)

    # -- storage ---------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The network as compressed numpy arrays, for storing in the database."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, node_xy=self.node_xy, edge_u=self.edge_u,
                            edge_v=self.edge_v, length_m=self.length_m, flags=self.flags,
                            drive_kmh=self.drive_kmh,
                            source_date=np.array(self.source_date or ""))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> RoadNetwork:
        """The network stored by :meth:`to_bytes`."""
        with np.load(io.BytesIO(data)) as z:
            return cls(z["node_xy"], z["edge_u"], z["edge_v"], z["length_m"], z["flags"],
                       z["drive_kmh"], str(z["source_date"]) or None)

    def summary(self) -> dict[str, float]:
        """Nodes, edges and kilometres usable by each mode."""
        out: dict[str, float] = {"nodes": int(len(self.node_xy)),
                                 "edges": int(len(self.edge_u))}
        for mode, bits in (("walk", WALK), ("cycle", CYCLE), ("drive", DRIVE_FWD | DRIVE_BACK)):
            use = (self.flags & bits) > 0
            out[f"{mode}_km"] = round(float(self.length_m[use].sum()) / 1000, 1)
        return out

    # -- routing ---------------------------------------------------------------------

    def graph(self, mode: str) -> csr_matrix:
        """Sparse matrix of seconds between nodes for ``mode``."""
        if mode not in self._graphs:
            n = len(self.node_xy)
            if mode in ("walk", "cycle"):
                use = (self.flags & (WALK if mode == "walk" else CYCLE)) > 0
                secs = self.length_m / ((WALK_KMH if mode == "walk" else CYCLE_KMH) / 3.6)
                fwd, back = use.copy(), use.copy()
                if mode == "cycle":  # one-way streets, unless contraflow
                    fwd &= (self.flags & CYCLE_BACK_ONLY) == 0
                    back &= (self.flags & CYCLE_FWD_ONLY) == 0
                u = np.concatenate([self.edge_u[fwd], self.edge_v[back]])
                v = np.concatenate([self.edge_v[fwd], self.edge_u[back]])
                secs = np.concatenate([secs[fwd], secs[back]])
            elif mode == "drive":
                fwd, back = (self.flags & DRIVE_FWD) > 0, (self.flags & DRIVE_BACK) > 0
                secs = self.length_m / np.maximum(self.drive_kmh, 1.0) * 3.6
                u = np.concatenate([self.edge_u[fwd], self.edge_v[back]])
                v = np.concatenate([self.edge_v[fwd], self.edge_u[back]])
                secs = np.concatenate([secs[fwd], secs[back]])
            else:
                raise ValueError(f"unknown network mode {mode!r}; use walk, cycle or drive")
            # Keep the quickest of parallel edges (a sparse matrix adds duplicates up).
            order = np.lexsort((secs, v, u))
            u, v, secs = u[order], v[order], secs[order]
            first = np.ones(len(u), dtype=bool)
            first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
            self._graphs[mode] = csr_matrix((secs[first] + 1e-6, (u[first], v[first])),
                                            shape=(n, n))
        return self._graphs[mode]

    def reversed(self) -> RoadNetwork:
        """The same network with every one-way street (driving and cycling) turned round.

        Shortest paths *from* a venue on it are the times *to* the venue on this one.
        """
        f = self.flags
        swapped = f & ~np.uint8(DRIVE_FWD | DRIVE_BACK | CYCLE_FWD_ONLY | CYCLE_BACK_ONLY)
        for a, b in ((DRIVE_FWD, DRIVE_BACK), (CYCLE_FWD_ONLY, CYCLE_BACK_ONLY)):
            swapped |= np.where((f & a) > 0, b, 0).astype(np.uint8)
            swapped |= np.where((f & b) > 0, a, 0).astype(np.uint8)
        return RoadNetwork(self.node_xy, self.edge_u, self.edge_v, self.length_m,
                           swapped.astype(np.uint8), self.drive_kmh, self.source_date)

    def snap(self, mode: str, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(node, connector seconds) for each point.

        The nearest node of the mode's largest connected part of the network.
        """
        if mode not in self._snap:
            g = self.graph(mode)
            _, labels = connected_components(g, directed=True, connection="weak")
            has_edge = np.diff(g.indptr) > 0
            has_edge |= np.bincount(g.indices, minlength=len(self.node_xy)) > 0
            if not has_edge.any():
                raise NetworkError(f"the network has no ways usable for mode {mode!r}")
            biggest = np.bincount(labels[has_edge]).argmax()
            nodes = np.flatnonzero(has_edge & (labels == biggest))
            self._snap[mode] = (nodes, cKDTree(self.node_xy[nodes]))
        nodes, tree = self._snap[mode]
        d, i = tree.query(np.asarray(xy, dtype=float).reshape(-1, 2))
        return nodes[i], d / CONNECTOR_MPS[mode]

    def seconds(self, mode: str, sources: np.ndarray, targets: np.ndarray, *,
                limit_s: float = np.inf,
                chunk: int = 64) -> np.ndarray:
        """Dense (sources x targets) seconds by ``mode``: connector to the network, shortest path, connector off it.

        ``inf`` beyond ``limit_s``.
        """
        g = self.graph(mode)
        s_node, s_conn = self.snap(mode, sources)
        t_node, t_conn = self.snap(mode, targets)
        out = np.full((len(s_node), len(t_node)), np.inf)
        unique, inverse = np.unique(s_node, return_inverse=True)
        for start in range(0, len(unique), chunk):
            block = unique[start:start + chunk]
            dist = dijkstra(g, directed=True, indices=block, limit=limit_s)
            rows = np.flatnonzero((inverse >= start) & (inverse < start + len(block)))
            out[rows] = dist[inverse[rows] - start][:, t_node]
        out += s_conn[:, None] + t_conn[None, :]
        out[out > limit_s] = np.inf
        return out


def read_osm(path: str | Path, *, name: str | None = None, limits: TransportLimits | None = None
             ) -> RoadNetwork:
    """Read the highways of an ``.osm.pbf`` (or ``.osm``) extract, within ``limits``.

    The file's size is checked before osmium opens it; osmium streams the file
    (only ways tagged ``highway`` reach this loop), and the nodes and ways kept
    are counted as they are kept, so a file over ``osm_max_nodes`` or
    ``osm_max_ways`` is refused as soon as it passes them.  Coordinates and
    edges are kept in typed arrays (8 bytes a coordinate, not a Python float).
    """
    import osmium

    name = name or str(path)
    limits = limits or TransportLimits()
    size = Path(path).stat().st_size
    if size > limits.osm_max_bytes:
        raise NetworkError(f"{name}: the file is {megabytes(size)}, over the "
                           f"{limits.osm_max_mb} MB allowed for a road network "
                           "(OSM_MAX_FILE_MB); cut an extract of the county and its edges")
    ids: dict[int, int] = {}
    lons, lats = array("d"), array("d")
    eu, ev, eflags, ekmh = array("i"), array("i"), array("B"), array("f")
    newest, ways = "", 0
    try:
        processor = osmium.FileProcessor(str(path)).with_locations().with_filter(
            osmium.filter.KeyFilter("highway"))
        header_date = processor.header.get("osmosis_replication_timestamp") or ""
        for entity in processor:
            if not entity.is_way():  # type: ignore[union-attr]  # a Changeset has no is_way
                continue
            obj = cast("osmium.osm.Way", entity)
            flags, kmh = way_modes(dict(obj.tags))
            if not flags:
                continue
            ways += 1
            if ways > limits.osm_max_ways:
                raise NetworkError(f"{name}: holds more than the {limits.osm_max_ways:,} "
                                   "roads and paths allowed (OSM_MAX_WAYS); refused")
            stamp = obj.timestamp.isoformat() if obj.timestamp.year > 1970 else ""
            newest = max(newest, stamp)
            prev = None
            for ref in obj.nodes:
                if not ref.location.valid():
                    raise NetworkError(f"{name}: way {obj.id} uses node {ref.ref}, which the "
                                       "file lacks (cut the extract with complete ways)")
                k = ids.get(ref.ref)
                if k is None:
                    k = ids[ref.ref] = len(lons)
                    if k >= limits.osm_max_nodes:
                        raise NetworkError(f"{name}: holds more than the "
                                           f"{limits.osm_max_nodes:,} road junctions and bends "
                                           "allowed (OSM_MAX_NODES); refused")
                    lons.append(ref.location.lon)
                    lats.append(ref.location.lat)
                if prev is not None and prev != k:
                    eu.append(prev)
                    ev.append(k)
                    eflags.append(flags)
                    ekmh.append(kmh)
                prev = k
    except RuntimeError as exc:
        raise NetworkError(f"{name}: cannot be read as an OpenStreetMap file ({exc})") from None
    if not eu:
        raise NetworkError(f"{name}: holds no highways (is it an OpenStreetMap extract?)")
    x, y = transformer(WGS84, BNG).transform(np.frombuffer(lons), np.frombuffer(lats))
    xy = np.column_stack([x, y])
    u, v = np.frombuffer(eu, dtype=np.int32).copy(), np.frombuffer(ev, dtype=np.int32).copy()
    length = np.hypot(*(xy[u] - xy[v]).T).astype(np.float32)
    source_date = (header_date or newest)[:10] or None
    return RoadNetwork(xy, u, v, length, np.frombuffer(eflags, dtype=np.uint8).copy(),
                       np.frombuffer(ekmh, dtype=np.float32).copy(), source_date)
