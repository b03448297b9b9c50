"""Maps on directory pages: a service's place (with the places and roads around it,
:func:`app.inputs.map_context.context_near`, when there is no basemap) and the council buildings
among the active services."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select

from ..extensions import db
from ..inputs.map_context import context_near
from ..models import Service
from .outside import LABEL
from .places import to_latlon


def _asset_url(package: str, filename: str) -> str:
    return url_for("vendor.asset", name=package, filename=filename)


def _point_map(points, **kwargs):
    from ..maps.service_map import point_map
    from ..security import csp_nonce

    return point_map(points, asset_url=_asset_url, nonce=csp_nonce(),
                     tiles_url=current_app.config["MAP_TILES_URL"],
                     attribution=current_app.config["MAP_TILES_ATTRIBUTION"], **kwargs)


def service_map(service: Service):
    """The service's place on a map, or ``None`` if it has no fixed place."""
    if service.x is None or service.y is None:
        return None
    lat, lon = to_latlon(service.x, service.y)
    label = _named(service, service.venue_name or service.name)
    points = [{"lat": lat, "lon": lon, "label": label}]
    tiles = current_app.config["MAP_TILES_URL"]
    return _point_map(points, context=None if tiles else context_near(db.session, service.x,
                                                                      service.y))


def results_map(hits, origin=None):
    """The placed services among ``hits`` (one page of search results), each named with
    its times from the searched postcode (else its distance) when searched near a
    place; ``None`` when none has a place.  Without a basemap, the places and roads
    around them are drawn beneath."""
    points = []
    for hit in hits:
        s = hit.service
        if s.x is None or s.y is None or s.no_fixed_place:
            continue
        lat, lon = to_latlon(s.x, s.y)
        label = _named(s, s.name)
        times = getattr(hit, "times", None)
        if times is not None and times.text():
            label += f": {times.text()}"
        elif hit.distance_km is not None:
            label += f" ({hit.distance_miles:.1f} miles, {hit.distance_km:.1f} km)"
        points.append({"lat": lat, "lon": lon, "label": label, "kind": "service"})
    if not points:
        return None
    # The context covers the whole view: the box around the results (and the search
    # point), at most 30 km from its middle; drawn for that scale (streets only on a
    # small window, the main roads only on the county: app.maps.context.generalise).
    xs = [h.service.x for h in hits if h.service.x is not None and not h.service.no_fixed_place]
    ys = [h.service.y for h in hits if h.service.y is not None and not h.service.no_fixed_place]
    if origin is not None:
        xs.append(origin[0])
        ys.append(origin[1])
    centre = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    radius = min(30_000.0, max(4_000.0, 0.6 * max(max(xs) - min(xs), max(ys) - min(ys))))
    tiles = current_app.config["MAP_TILES_URL"]
    # 50 px: no mark (a 30 px cluster) under the zoom buttons in the corner.
    return _point_map(points, height="420px", padding=50,
                      context=None if tiles else context_near(db.session, *centre, radius))


def buildings_map(buildings):
    """Active services and council buildings (drawn last, so on top)."""
    points = []
    for s in db.session.scalars(select(Service).where(Service.status == "active",
                                                      Service.x.is_not(None))):
        lat, lon = to_latlon(s.x, s.y)
        points.append({"lat": lat, "lon": lon, "label": _named(s, s.name), "kind": "service"})
    for b in buildings:
        lat, lon = to_latlon(b.x, b.y)
        points.append({"lat": lat, "lon": lon, "label": b.name, "kind": "building"})
    return _point_map(points, height="420px")


def _named(service: Service, label: str) -> str:
    """A mark's name, saying so when the service is in a neighbouring area."""
    return f"{label} ({LABEL.lower()})" if service.outside_council else label


def place_name(service: Service) -> str | None:
    """The name of the parish (else ward) a service's venue is in, for "where" in words."""
    from ..geodata.lookup import area_containing

    if service.x is None or service.y is None or service.no_fixed_place:
        return None
    for level in ("parish", "ward"):
        area = area_containing(db.session, service.x, service.y, level)
        if area is not None:
            return area.name
    return None


def directions_url(service: Service) -> str | None:
    """A link to a maps app's directions to the venue, by postcode (else latitude and
    longitude), from the ``DIRECTIONS_URL`` template; ``None`` with no place or no
    template.  The destination is URL-encoded, so a hostile postcode cannot add
    parameters or change the scheme (the template's own scheme and host stay)."""
    from urllib.parse import quote

    template = current_app.config.get("DIRECTIONS_URL") or ""
    if not template or service.no_fixed_place or (service.x is None and not service.postcode):
        return None
    if service.postcode:
        destination = service.postcode
    else:
        lat, lon = to_latlon(service.x, service.y)
        destination = f"{lat},{lon}"
    return template.replace("{destination}", quote(destination, safe=","))
