"""Signing in and out, staff session expiry, passwords.

Views live in the ``*routes`` modules; the blueprint is made here so they share it.
"""

from flask import Blueprint

bp = Blueprint("auth", __name__)
