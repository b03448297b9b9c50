"""Public pages: home, about the data, privacy, help, health check, error pages.

Views live in the ``*routes`` modules; the blueprint is made here so they share it.
"""

from flask import Blueprint

bp = Blueprint("main", __name__)
