"""Maps on directory pages: a service's place (with the places and roads around it,
:func:`app.loaders.context_near`, when there is no basemap) and the council buildings
among the active services."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select

from ..extensions import db
from ..loaders import context_near
from ..models import Service
from .places import to_latlon


def _asset_url(package: str, filename: str) -> str:
    return url_for("vendor.asset", name=package, filename=filename)


def _point_map(points, **kwargs):
    from ..maps.service_map import point_map
    from ..security import csp_nonce

    return point_map(points, asset_url=_asset_url, nonce=csp_nonce(),
                     tiles_url=current_app.config.get("MAP_TILES_URL", ""),
                     attribution=current_app.config.get("MAP_TILES_ATTRIBUTION", ""), **kwargs)


def service_map(service: Service):
    """The service's place on a map, or ``None`` if it has no fixed place."""
    if service.x is None or service.y is None:
        return None
    lat, lon = to_latlon(service.x, service.y)
    points = [{"lat": lat, "lon": lon, "label": service.venue_name or service.name}]
    tiles = current_app.config.get("MAP_TILES_URL", "")
    return _point_map(points, context=None if tiles else context_near(db.session, service.x,
                                                                      service.y))


def buildings_map(buildings):
    """Active services and council buildings (drawn last, so on top)."""
    points = []
    for s in db.session.scalars(select(Service).where(Service.status == "active",
                                                      Service.x.is_not(None))):
        lat, lon = to_latlon(s.x, s.y)
        points.append({"lat": lat, "lon": lon, "label": s.name, "kind": "service"})
    for b in buildings:
        lat, lon = to_latlon(b.x, b.y)
        points.append({"lat": lat, "lon": lon, "label": b.name, "kind": "building"})
    return _point_map(points, height="420px")
