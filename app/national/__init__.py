"""The national picture: every council's published figures by council, region and
England (tables in :mod:`.routes`, docs/NATIONAL.md) and the map of England's small
areas as vector tiles (:mod:`.tiles_routes`, docs/TILES.md).  The blueprint is made
here so every ``*routes`` module of the package shares it (``from . import bp``)."""

from flask import Blueprint

bp = Blueprint("national", __name__)
