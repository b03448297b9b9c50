"""The public national page and its open data downloads (thin views)."""

from __future__ import annotations

from flask import Response, render_template

from ..access import public, reader_signed_in
from . import (
    bp,
    tiles_routes,  # noqa: F401 - the map's views, on this blueprint
)
from . import service as svc

__all__ = ["bp"]


@bp.route("/national")
@public
def index() -> str:
    return render_template("national/index.html",
                           **svc.page_context(with_map=reader_signed_in()))


@bp.route("/national/<table>.csv")
@public
def download_csv(table: str) -> Response:
    body, filename = svc.national_csv(table)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/national/openreferral.json")
@public
def download_hsds() -> Response:
    body, filename = svc.national_hsds()
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
