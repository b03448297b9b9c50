"""Planning: scenarios, funding cliff, best sites and subsidies.

Views live in the ``*routes`` modules; the blueprint is made here so they share it.
"""

from flask import Blueprint

bp = Blueprint("planning", __name__, url_prefix="/planning")
