"""Write an OpenStreetMap PBF extract (nodes and highway ways) with pyosmium,
in the format Geofabrik publishes."""

from __future__ import annotations

from pathlib import Path


def write_osm(path, nodes: dict[int, tuple[float, float]], ways: list[tuple[int, list, dict]],
              *, timestamp: str = "2026-11-01T00:00:00Z") -> Path:
    """``nodes``: id -> (lon, lat); ``ways``: (id, [node ids], tags).
    The header carries ``timestamp`` as Geofabrik's extracts do."""
    import osmium

    path = Path(path)
    header = osmium.io.Header()
    header.set("osmosis_replication_timestamp", timestamp)
    path.unlink(missing_ok=True)
    writer = osmium.SimpleWriter(str(path), 4 * 1024 * 1024, header)
    try:
        for node_id in sorted(nodes):
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=nodes[node_id],
                                                    version=1, timestamp=timestamp))
        for way_id, refs, tags in sorted(ways, key=lambda w: w[0]):
            writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, tags=tags, version=1,
                                                  timestamp=timestamp))
    finally:
        writer.close()
    return path
