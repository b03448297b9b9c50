"""Gap maps, the ranked table, the evidence pack and the gaps API.

Views live in the ``*routes`` modules; the blueprint is made here so they share it.
"""

from flask import Blueprint

bp = Blueprint("gaps", __name__)
