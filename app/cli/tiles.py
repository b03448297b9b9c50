"""`flask tiles`: build the national map's vector tiles (docs/TILES.md)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from ..i18n import _
from ..national import tiles_service

cli = AppGroup("tiles", help="Build the national map's vector tiles.")


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
