"""Demo county: two youth services just over its border, in a neighbouring area.

They show "across the boundary" (docs/GEOGRAPHY.md): young people in a border
village reach a club in the next county, so the gap map counts it for reach,
while the directory lists it apart ("In a neighbouring area") and leaves it out
of the council's own provision (funding cliff, directory totals).

Each is placed 3 km beyond the edge of the county nearest one of its border
villages, and added through the same CSV import as any file
(:func:`app.directory.io.import_services_csv`), which marks it outside.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import shapely
import shapely.ops

from ..directory.io import import_services_csv
from ..directory.places import OUTSIDE_KM
from ..directory.records import COLUMNS
from ..geodata.council_area import TOLERANCE_M, council_area, distance_outside

#: How far beyond the county's edge the services are (metres).
BEYOND_M = 3_000.0
SERVICES = [
    {"name": "Fenmouth Youth Club", "organisation": "Fenmouth Youth Trust",
     "service_type": "open_access", "cost_model": "free", "age_min": "11", "age_max": "18",
     "sessions": "Tue 18:00-20:30; Fri 18:30-21:00", "provider_type": "charity",
     "funding_source": "Fenmouth Town Council", "venue_name": "Fenmouth Youth Centre",
     "how_to_join": "Just come along: young people from either side of the border are "
                    "welcome.", "joining": "drop_in"},
    {"name": "Saltgate Drop-in", "organisation": "Saltgate Community Church",
     "service_type": "drop_in", "cost_model": "free", "age_min": "12", "age_max": "19",
     "sessions": "Wed 17:30-20:00", "provider_type": "charity",
     "funding_source": "Church donations", "venue_name": "Saltgate Church Rooms",
     "joining": "drop_in"},
]


def _sites(session, villages: list[dict]) -> list[tuple[str, float, float]]:
    """(village, x, y): a point ``BEYOND_M`` past the county's edge nearest each of the
    border villages, nearest first, kept only when it is really outside (and not so
    far outside it would be refused)."""
    area = council_area(session)
    if area is None:
        return []
    edge = area.boundary
    found = []
    for village in villages:
        here = shapely.Point(village["x"], village["y"])
        if not shapely.contains_xy(area, village["x"], village["y"]):
            continue
        near = shapely.ops.nearest_points(edge, here)[0]
        dx, dy = near.x - here.x, near.y - here.y
        step = (dx * dx + dy * dy) ** 0.5
        if step == 0:
            continue
        x = near.x + dx / step * BEYOND_M
        y = near.y + dy / step * BEYOND_M
        away = distance_outside(session, x, y)
        if away is not None and 2 * TOLERANCE_M < away <= OUTSIDE_KM * 1000:
            found.append((here.distance(near), village["name"], round(x), round(y)))
    found.sort()
    return [(name, x, y) for _, name, x, y in found]


def build(session, ctx) -> int:
    """Import the services beyond the border; returns how many were added."""
    villages = (ctx.info.get("geography") or {}).get("villages") or []
    sites = _sites(session, villages)
    used: list[tuple[float, float]] = []
    rows = []
    for village, x, y in sites:
        if len(rows) == len(SERVICES):
            break
        if any((x - ux) ** 2 + (y - uy) ** 2 < 5_000.0 ** 2 for ux, uy in used):
            continue  # two border villages on the same stretch: spread them out
        used.append((x, y))
        spec = SERVICES[len(rows)]
        rows.append({**spec, "easting": str(x), "northing": str(y),
                     "description": f"Over the county boundary, about {BEYOND_M / 1000:.0f} "
                                    f"km from {village}.",
                     "last_checked": (date.today() - timedelta(days=20)).isoformat()})
    if not rows:
        return 0
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    result = import_services_csv(session, out.getvalue())
    if not result.ok:
        raise RuntimeError(f"demo services over the border: {result.problems}")
    ctx.info["outside"] = [r["name"] for r in rows]
    return result.created
