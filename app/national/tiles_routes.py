"""The national map: its page, its vector tiles (a PMTiles archive, read by the
browser with HTTP Range requests) and ``flask tiles build``.  Views are thin:
:mod:`.tiles_service` does the work (docs/TILES.md)."""

from __future__ import annotations

import click
from flask import abort, render_template, send_file
from flask.cli import AppGroup

from ..access import READERS, roles_required
from ..extensions import db
from ..i18n import _
from . import bp, tiles_service

cli = AppGroup("tiles", help="Build the national map's vector tiles.")

MAX_AGE = 3600  # an archive changes only when rebuilt; its URL carries ?v=<mtime>


@bp.route("/map")
@roles_required(*READERS)
def tiles_map():
    return render_template("national/map.html", **tiles_service.map_page())


@bp.route("/tiles/<name>")
@roles_required(*READERS)
def tiles_archive(name: str):
    """The archive ``name`` with Range support (206 Partial Content), ETag and
    Last-Modified; only the archives the app writes are served."""
    path = tiles_service.archive_path(name)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype="application/vnd.pmtiles", conditional=True,
                         etag=True, max_age=MAX_AGE)
    response.headers["Accept-Ranges"] = "bytes"
    response.cache_control.private = True  # the figures are for signed-in readers
    response.cache_control.public = False
    return response


@cli.command("build")
def build() -> None:
    """Build the LSOA map's tiles from the council's boundaries and published gap figures."""
    report = tiles_service.build_council_tiles(db.session)
    if report is None:
        raise click.ClickException(_("No small areas (LSOAs) imported: nothing to map."))
    largest = max(report.max_bytes.values(), default=0)
    click.echo(_("Wrote %(path)s: %(tiles)s tiles, %(size)s bytes, largest tile %(largest)s bytes.",
                 path=str(report.path), tiles=f"{report.tiles:,}",
                 size=f"{report.archive_bytes:,}", largest=f"{largest:,}"))
