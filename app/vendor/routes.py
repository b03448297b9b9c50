"""The vendor view: front-end assets served by the app from installed packages, never a CDN.

Two kinds of installed package:

* XStatic Python packages (Leaflet and friends for the folium maps), in
  :data:`PACKAGES`;
* npm packages in ``node_modules/`` at the repository root (MapLibre GL JS and
  pmtiles for the national map), installed by ``scripts/setup.sh`` from
  ``package-lock.json`` (``npm ci``), in :data:`NODE_PACKAGES`.  Only the files
  listed there are served (a whitelist: no source maps, no package files), and a
  browser that accepts gzip gets them compressed (made once per file and kept).
"""

from __future__ import annotations

import gzip
import importlib
import mimetypes
from functools import lru_cache
from pathlib import Path

from flask import Response, abort, request, send_from_directory

from ..access import public
from ..config import ROOT
from . import bp

__all__ = ["NODE_PACKAGES", "PACKAGES", "asset", "bp", "node_file", "package_dir"]

# name in URL -> XStatic module
PACKAGES = {
    "leaflet": "xstatic.pkg.leaflet",
    "markercluster": "xstatic.pkg.leaflet_markercluster",
    "jquery": "xstatic.pkg.jquery",
    "fontawesome": "xstatic.pkg.font_awesome",
}

NODE_MODULES = ROOT / "node_modules"
# name in URL (the npm package's name) -> the files of it the app serves
NODE_PACKAGES: dict[str, frozenset[str]] = {
    "maplibre-gl": frozenset({"dist/maplibre-gl-csp.js", "dist/maplibre-gl-csp-worker.js",
                              "dist/maplibre-gl.css", "LICENSE.txt"}),
    "pmtiles": frozenset({"dist/pmtiles.js", "LICENSE"}),
}
MAX_AGE = 7 * 24 * 3600


def package_dir(name: str) -> str:
    try:
        module = importlib.import_module(PACKAGES[name])
    except (KeyError, ImportError):
        abort(404)
    return module.BASE_DIR


def node_file(name: str, filename: str) -> Path | None:
    """The whitelisted file ``filename`` of npm package ``name``, if installed."""
    if filename not in NODE_PACKAGES.get(name, ()):
        return None
    path = NODE_MODULES / name / filename
    return path if path.is_file() else None


@lru_cache(maxsize=16)
def _gzipped(path: Path, mtime: float) -> bytes:
    return gzip.compress(path.read_bytes(), 9, mtime=0)


def _node_asset(path: Path) -> Response:
    accepts = request.accept_encodings["gzip"] > 0
    if not accepts:
        response = send_from_directory(path.parent, path.name, max_age=MAX_AGE)
    else:
        body = _gzipped(path, path.stat().st_mtime)
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        response = Response(body, mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE
        response.set_etag(f"{path.name}-{int(path.stat().st_mtime)}-gz")
        response.make_conditional(request)
    response.vary.add("Accept-Encoding")
    return response


@bp.route("/<name>/<path:filename>")
@public
def asset(name: str, filename: str):
    """A file from an installed front-end package."""
    if name in NODE_PACKAGES:
        path = node_file(name, filename)
        if path is None:
            abort(404)
        return _node_asset(path)
    response = send_from_directory(package_dir(name), filename, max_age=MAX_AGE)
    return response
