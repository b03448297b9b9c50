"""The JSON API's own pages: its OpenAPI 3.1 description at ``/api/v1/openapi.json``.

The operations themselves live with their features (``/api/v1/services`` in
the directory, ``/api/v1/gaps`` in the gap pages); :mod:`.openapi` describes
them all.  The blueprint is made here so the route module shares it.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
