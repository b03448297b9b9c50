"""``/api/v1/openapi.json``: the API's description, for client generators and fuzzers."""

from __future__ import annotations

from flask import jsonify

from ..access import public
from . import bp
from .openapi import document


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document for every ``/api/v1/`` operation."""
    return jsonify(document())
