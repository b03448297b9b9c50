"""`flask geodata` commands: import official boundaries and indicators, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..extensions import db
from ..geodata.errors import GeodataError
from .council_option import as_council

cli = AppGroup("geodata", help="Import official boundaries, indicators and postcodes.")

FILE = click.Path(path_type=Path, dir_okay=False)
ENCODING = click.option("--encoding", default="utf-8", show_default=True,
                        help="Text encoding of the CSV file (for example cp1252).")
ONLY = click.option("--only-imported-areas", "only_imported", is_flag=True,
                    help="Keep only rows for imported LSOAs (for national files).")
SOURCE = click.option("--source", default=None, help="Describe the source (shown beside figures).")


def _run(function, *args, derive: bool = False, **kwargs) -> None:
    """Run one import in a transaction: commit all of it, or nothing."""
    session = db.session
    try:
        reports = function(session, *args, **kwargs)
        if not isinstance(reports, list):
            reports = [reports]
        if derive:
            from ..geodata.derived import store_derived_figures

            reports.extend(store_derived_figures(session, **_band()))
        session.commit()
    except GeodataError as exc:
        session.rollback()
        raise click.ClickException(f"{exc}\nNothing was imported; the database is unchanged.") \
            from None
    except BaseException:
        session.rollback()
        raise
    for report in reports:
        click.echo(str(report))


def _limits():
    """The size limits on timetables and road networks (``GTFS_*``, ``OSM_*`` settings)."""
    from ..analysis.filelimits import TransportLimits

    return TransportLimits.from_config(current_app.config)


def _band() -> dict:
    """The young-people age band of the analysis settings (``YOUTH_AGE_MIN``/``MAX``)."""
    from ..settings import analysis_settings

    return analysis_settings().band


@cli.command("import-areas")
@as_council
@click.argument("file", type=FILE)
@click.option("--level", required=True, type=click.Choice(["lsoa", "ward", "parish", "custom"]))
@click.option("--code-field", required=True, help="Field holding each area's code.")
@click.option("--name-field", required=True, help="Field holding each area's name.")
@click.option("--layer", default=None, help="Layer to read (GeoPackages with several layers).")
@click.option("--parent-level", default=None,
              type=click.Choice(["lsoa", "ward", "parish", "custom"]),
              help="Link each area to the area of this level it overlaps most.")
@click.option("--edition", default=None, help="Edition of the boundaries, for example 2021.")
@with_appcontext
def import_areas_command(file, level, code_field, name_field, layer, parent_level, edition):
    """Import boundaries (GeoJSON, GeoPackage, Shapefile); replaces the level."""
    from ..geodata.boundaries import import_areas

    _run(import_areas, file, level=level, code_field=code_field, name_field=name_field,
         layer=layer, parent_level=parent_level, edition=edition, derive=True)


@cli.command("import-deprivation")
@as_council
@click.argument("file", type=FILE)
@click.option("--year", type=int, default=None,
              help="Edition (2019 or 2025); guessed from the LSOA code column if left out.")
@ENCODING
@ONLY
@SOURCE
@with_appcontext
def import_deprivation_command(file, year, encoding, only_imported, source):
    """Import an English Indices of Deprivation file (2019 or 2025) as published."""
    from ..geodata.indicators import import_deprivation

    _run(import_deprivation, file, year=year, encoding=encoding, only_imported=only_imported,
         source=source, derive=True)


@cli.command("import-rurality")
@as_council
@click.argument("file", type=FILE)
@click.option("--year", type=int, default=None, help="2011 or 2021; guessed if left out.")
@ENCODING
@ONLY
@SOURCE
@with_appcontext
def import_rurality_command(file, year, encoding, only_imported, source):
    """Import a rural-urban classification of LSOAs (2011 or 2021)."""
    from ..geodata.indicators import import_rurality

    _run(import_rurality, file, year=year, encoding=encoding, only_imported=only_imported,
         source=source, derive=True)


@cli.command("import-population")
@as_council
@click.argument("file", type=FILE)
@click.option("--year", type=int, default=2021, show_default=True)
@ENCODING
@ONLY
@SOURCE
@with_appcontext
def import_population_command(file, year, encoding, only_imported, source):
    """Import population by age band or single year of age per LSOA."""
    from ..geodata.population import import_population

    _run(import_population, file, year=year, encoding=encoding, only_imported=only_imported,
         source=source, derive=True)


@cli.command("import-postcodes")
@as_council
@click.argument("file", type=FILE)
@ENCODING
@SOURCE
@with_appcontext
def import_postcodes_command(file, encoding, source):
    """Import an ONS postcode directory style file; replaces all postcodes."""
    from ..geodata.postcodes import import_postcodes

    _run(import_postcodes, file, encoding=encoding, source=source)


@cli.command("import-lsoa-lookup")
@as_council
@click.argument("file", type=FILE)
@ENCODING
@with_appcontext
def import_lsoa_lookup_command(file, encoding):
    """Import the ONS LSOA 2011 to 2021 lookup; replaces the previous one."""
    from ..geodata.indicators import import_lsoa_lookup

    _run(import_lsoa_lookup, file, encoding=encoding, derive=True)


@cli.command("import-bundle")
@as_council
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--manifest", type=FILE, default=None,
              help="Manifest to follow (default: DIR/manifest.yaml if there is one; "
                   "otherwise every file is recognised by its columns).")
@with_appcontext
def import_bundle_command(directory, manifest):
    """Import a folder of official files for one council in one go (all or nothing)."""
    from ..geodata.bundle import import_bundle

    _run(import_bundle, directory, manifest=manifest, **_band())


@cli.command("import-council")
@as_council
@click.argument("code")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@with_appcontext
def import_council_command(code, directory):
    """Import the council CODE (e.g. E06000019) from a folder of national or cut files."""
    from ..geodata.council_import import import_council

    _run(import_council, directory, code, **_band())


@cli.command("derive")
@as_council
@with_appcontext
def derive_command():
    """Recompute the stored ward/parish/custom figures from the LSOA figures."""
    from ..geodata.derived import store_derived_figures

    _run(store_derived_figures, **_band())


@cli.command("summary")
@as_council
@with_appcontext
def summary_command():
    """Show what geography is imported: areas per level, indicators per year."""
    from sqlalchemy import func, select

    from ..models import Area, AreaIndicator, DerivedFigure, LsoaLookup, Postcode

    session = db.session
    for level, count in session.execute(
            select(Area.level, func.count()).group_by(Area.level).order_by(Area.level)):
        click.echo(f"areas  {level:8} {count}")
    for year, source, count in session.execute(
            select(AreaIndicator.year, AreaIndicator.source, func.count())
            .group_by(AreaIndicator.year, AreaIndicator.source).order_by(AreaIndicator.year)):
        click.echo(f"indicators {year} {count:6}  {source}")
    click.echo(f"derived figures {session.scalar(select(func.count(DerivedFigure.id)))}")
    click.echo(f"postcodes {session.scalar(select(func.count()).select_from(Postcode))}")
    click.echo(f"LSOA lookup rows {session.scalar(select(func.count(LsoaLookup.id)))}")


@cli.command("import-network")
@as_council
@click.argument("file", type=FILE)
@with_appcontext
def import_network_command(file):
    """Import an OpenStreetMap extract (.osm.pbf) as walk, cycle and drive networks."""
    from ..geodata.transport import import_network

    _run(import_network, file, limits=_limits())


@cli.command("import-timetable")
@as_council
@click.argument("file", type=FILE)
@with_appcontext
def import_timetable_command(file):
    """Import a GTFS bus timetable (.zip), checked row by row first."""
    from ..geodata.transport import import_timetable

    _run(import_timetable, file, limits=_limits())


@cli.command("compute-journeys")
@as_council
@click.option("--limit", "limit_min", type=float, default=90.0, show_default=True,
              help="Longest journey worth computing, in minutes (each way).")
@with_appcontext
def compute_journeys_command(limit_min):
    """Compute walk, cycle, drive and bus journeys for every session; keep them."""
    from ..analysis.gtfs import TimetableError
    from ..geodata.journeys import run_journeys

    def progress(done, total, note):
        click.echo(f"  [{done:.0f}/{total}] {note}")

    try:
        run = run_journeys(db.session, limit_min=limit_min, progress=progress,
                           limits=_limits(), min_change_min=float(
                               current_app.config["JOURNEY_MIN_CHANGE_MIN"]))
        db.session.commit()
    except TimetableError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc}\nNo journeys were computed; the database is "
                                   "unchanged.") from None
    except BaseException:
        db.session.rollback()
        raise
    s = run.summary
    basis = "road network" if s["network"] else "straight-line estimates (no network imported)"
    click.echo(f"Journeys for {s['points']} population points and {s['sessions']} sessions "
               f"of {s['services']} services in {run.seconds:.1f} s, on {basis}; "
               f"{s['scans']} timetable scans.")
