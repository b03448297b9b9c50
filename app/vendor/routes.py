"""The vendor view: a file of an installed front-end package (XStatic), never a CDN."""

from __future__ import annotations

import importlib

from flask import abort, send_from_directory

from ..access import public
from . import bp

__all__ = ["PACKAGES", "asset", "bp", "package_dir"]

# name in URL -> XStatic module
PACKAGES = {
    "leaflet": "xstatic.pkg.leaflet",
    "markercluster": "xstatic.pkg.leaflet_markercluster",
    "jquery": "xstatic.pkg.jquery",
    "fontawesome": "xstatic.pkg.font_awesome",
}


def package_dir(name: str) -> str:
    try:
        module = importlib.import_module(PACKAGES[name])
    except (KeyError, ImportError):
        abort(404)
    return module.BASE_DIR


@bp.route("/<name>/<path:filename>")
@public
def asset(name: str, filename: str):
    """A file from an installed front-end package."""
    response = send_from_directory(package_dir(name), filename, max_age=7 * 24 * 3600)
    return response
