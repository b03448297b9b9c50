"""The public national page and its open data downloads (thin views), all served from
the stored national roll-up (docs/NATIONAL.md, "The stored roll-up")."""

from __future__ import annotations

from flask import Response, render_template

from ..access import public, reader_signed_in
from ..i18n import _
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


def _send(download: svc.Download, mimetype: str) -> Response:
    if download.body is None:  # the very first roll-up is being prepared
        return Response(_("The national picture is being prepared. Please try again in a "
                          "few minutes."), status=503, mimetype="text/plain",
                        headers={"Retry-After": "60"})
    response = Response(download.body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={download.filename}"})
    response.last_modified = download.built_at
    return response


@bp.route("/national/<table>.csv")
@public
def download_csv(table: str) -> Response:
    return _send(svc.national_csv(table), "text/csv")


@bp.route("/national/openreferral.json")
@public
def download_hsds() -> Response:
    return _send(svc.national_hsds(), "application/json")
