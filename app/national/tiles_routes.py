"""The national map: its page and its vector tiles (a PMTiles archive, read by the
browser with HTTP Range requests; built by ``flask tiles build``, :mod:`app.cli.tiles`).
Views are thin: :mod:`.tiles_service` does the work (docs/TILES.md)."""

from __future__ import annotations

from flask import abort, render_template, send_file

from ..access import READERS, roles_required
from . import bp, tiles_service

MAX_AGE = 3600  # an archive changes only when rebuilt; its URL carries ?v=<mtime>


@bp.route("/national/map")
@roles_required(*READERS)
def tiles_map():
    return render_template("national/map.html", **tiles_service.map_page())


@bp.route("/national/tiles/<name>")
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
