"""Front-end assets served by the app from installed packages (XStatic), never a CDN.

The blueprint is made here; its one view is in :mod:`.routes`."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("vendor", __name__, url_prefix="/vendor")
