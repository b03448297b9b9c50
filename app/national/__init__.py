"""The national picture: every council's published figures by council, region and
England (views in :mod:`.routes`; docs/NATIONAL.md).  The blueprint is made here so
every ``*routes`` module of the package can share it."""

from flask import Blueprint

bp = Blueprint("national", __name__)
