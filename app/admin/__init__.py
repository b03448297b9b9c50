"""Admin pages: staff accounts and the audit trail.

Views live in the ``*routes`` modules; the blueprint is made here so they share it.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
