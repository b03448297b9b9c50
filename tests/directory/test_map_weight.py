"""The directory's maps without a basemap are drawn for their scale: the demo county's first
page and a town postcode's search stay light enough for a cheap phone, a county-wide view
draws only the main roads, and a service's page still draws the streets round its venue.

The roads are checked against the imported network's own edges (``load_network``'s arrays),
not against the code that draws them."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer
from sqlalchemy import select

from app.analysis.roads import DRIVE_BACK, DRIVE_FWD
from app.geodata.transport import load_network
from app.maps.context import MAIN_KMH, MAJOR_KMH
from app.models import Postcode, Service

from .test_service_map_context import _context

# The page without its map weighs 50-65 KB (the printable list, no map, 64 KB); the streets
# of a town's 8-10 km window add about 90 KB.  250 KB leaves room for a town half again as
# dense and is a tenth of the 2.78 MB the first page weighed with every street of the county:
# about 1.3 s on Chrome's "Fast 3G" profile (1.6 Mbit/s) instead of 14 s.
BUDGET = 250_000
NEAR_M = 1000.0  # the streets "round the venue"
DRAWN_WITHIN_M = 15.0  # simplified at 10 m on a 4 km window, then rounded to 1e-5 degrees


def _network(db):
    """Drivable edges as (speed, midpoint, segment) from the network's own arrays."""
    net, _ = load_network(db.session)
    drive = (net.flags & (DRIVE_FWD | DRIVE_BACK)) > 0
    kmh = np.asarray(net.drive_kmh, dtype=float)[drive]
    a, b = net.node_xy[net.edge_u[drive]], net.node_xy[net.edge_v[drive]]
    return kmh, (a + b) / 2, shapely.linestrings(np.stack([a, b], axis=1))


def _drawn_roads(features, *, major: bool):
    """The drawn roads of one kind, back in EPSG:27700."""
    to_bng = Transformer.from_crs(4326, 27700, always_xy=True)
    geoms = [shapely.geometry.shape(f["geometry"]) for f in features
             if f["properties"]["kind"] == "road" and f["properties"]["major"] is major]
    return [shapely.transform(g, lambda xy: np.column_stack(to_bng.transform(xy[:, 0], xy[:, 1])))
            for g in geoms]


def _town_venue(db):
    """The active placed service with the most streets (slower than MAJOR_KMH) round it."""
    kmh, mid, _ = _network(db)
    streets = mid[kmh < MAJOR_KMH]
    services = db.session.scalars(select(Service).where(
        Service.status == "active", Service.x.is_not(None),
        Service.no_fixed_place.is_(False)).order_by(Service.id)).all()
    counts = [int((np.hypot(*(streets - (s.x, s.y)).T) <= NEAR_M).sum()) for s in services]
    return services[int(np.argmax(counts))], max(counts)


def test_the_first_page_is_light_and_draws_main_roads_only(client, db, demo_county):
    # demo_county: a copy of its own; this test only reads it.
    response = client.get("/directory")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(response.get_data()) < BUDGET, len(response.get_data())
    assert 'aria-label="Map of these results"' in html
    features = _context(html)
    # Parish outlines and their names are kept.
    areas = [f["properties"] for f in features if f["properties"]["kind"] == "area"]
    assert len(areas) >= 10 and all(a["name"] and len(a["label"]) == 2 for a in areas)
    # No street: every drawn point lies on a road of MAIN_KMH or faster, though the
    # county has thousands of slower roads.
    kmh, _, segments = _network(db)
    assert (kmh < MAIN_KMH).sum() > 5000
    assert not _drawn_roads(features, major=False)
    main = _drawn_roads(features, major=True)
    assert main
    points = shapely.points(np.concatenate([shapely.get_coordinates(g) for g in main]))
    main_roads = shapely.multilinestrings(segments[kmh >= MAIN_KMH])
    assert shapely.distance(points, main_roads).max() < 2.0


def test_a_service_page_draws_the_streets_round_its_venue(client, db, demo_county):
    # demo_county: a copy of its own; this test only reads it.
    service, count = _town_venue(db)
    assert count >= 50  # a town: enough streets for the check to mean something
    response = client.get(f"/directory/{service.id}")
    assert len(response.get_data()) < BUDGET, len(response.get_data())
    streets = _drawn_roads(_context(response.get_data(as_text=True)), major=False)
    assert streets
    kmh, mid, _ = _network(db)
    near = mid[(kmh < MAJOR_KMH) & (np.hypot(*(mid - (service.x, service.y)).T) <= NEAR_M)]
    assert len(near) == count
    # Every street edge within 1 km of the venue is drawn (its middle is on a drawn line).
    gap = shapely.distance(shapely.points(near), shapely.union_all(streets))
    assert gap.max() < DRAWN_WITHIN_M, f"{(gap >= DRAWN_WITHIN_M).sum()} of {count} not drawn"


def test_a_town_postcode_search_stays_light(client, db, demo_county):
    # demo_county: a copy of its own; this test only reads it.
    service, _ = _town_venue(db)
    postcode = min(db.session.scalars(select(Postcode)),
                   key=lambda p: (p.x - service.x) ** 2 + (p.y - service.y) ** 2).postcode
    response = client.get("/directory", query_string={"near": postcode})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"nearest {postcode} first" in html and 'aria-label="Map of these results"' in html
    assert len(response.get_data()) < BUDGET, len(response.get_data())
    assert any(f["properties"]["kind"] == "road" for f in _context(html))
