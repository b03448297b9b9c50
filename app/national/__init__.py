"""The national picture: tables and the map of England's small areas.

Views live in the ``*routes`` modules (:mod:`.tiles_routes` for the map and its
vector tiles), which share the blueprint ``bp`` (``from . import bp``, as in
every feature), made here.
"""

from flask import Blueprint

bp = Blueprint("national", __name__, url_prefix="/national")
