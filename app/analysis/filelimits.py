"""How big a bus timetable (GTFS zip) or road network (OSM extract) may be.

The numbers are settings (``GTFS_*`` and ``OSM_*`` in :mod:`app.config`); the
analysis code takes them as a :class:`TransportLimits` so it never reads Flask's
configuration itself.  The defaults here are the settings' defaults (a test
keeps the two in step).  docs/JOURNEYS.md explains the sizes chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class TransportLimits:
    """The limits on one bus timetable and one road network.

    ``gtfs_max_mb``: the zip file, and the total its members expand to;
    ``gtfs_max_members``: files in the zip; ``gtfs_max_ratio``: how many times a
    member over 1 MB may expand; ``osm_max_mb``: the extract's file size;
    ``osm_max_nodes``/``osm_max_ways``: road nodes and ways kept.
    """

    gtfs_max_mb: int = 200
    gtfs_max_members: int = 40
    gtfs_max_ratio: int = 100
    osm_max_mb: int = 150
    osm_max_nodes: int = 2_000_000
    osm_max_ways: int = 500_000

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TransportLimits:
        """The limits set in the app's configuration (a Flask ``config``)."""
        return cls(gtfs_max_mb=int(config["GTFS_MAX_UNCOMPRESSED_MB"]),
                   gtfs_max_members=int(config["GTFS_MAX_MEMBERS"]),
                   gtfs_max_ratio=int(config["GTFS_MAX_COMPRESSION_RATIO"]),
                   osm_max_mb=int(config["OSM_MAX_FILE_MB"]),
                   osm_max_nodes=int(config["OSM_MAX_NODES"]),
                   osm_max_ways=int(config["OSM_MAX_WAYS"]))

    @property
    def gtfs_max_bytes(self) -> int:
        """``gtfs_max_mb`` in bytes."""
        return self.gtfs_max_mb * MB

    @property
    def osm_max_bytes(self) -> int:
        """``osm_max_mb`` in bytes."""
        return self.osm_max_mb * MB


def megabytes(size: int) -> str:
    """``209715200`` -> ``'200.0 MB'`` (MB of 1,048,576 bytes, as the settings count)."""
    return f"{size / MB:,.1f} MB"
