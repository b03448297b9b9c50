"""`flask services` commands: import and export the provision directory."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..tenancy.web import council_setting
from .council_option import as_council

cli = AppGroup("services", help="Import and export the provision directory.")


def _fail(path, result) -> None:
    click.echo(f"{path}: nothing was imported; {len(result.problems)} problem(s):", err=True)
    for problem in result.problems:
        click.echo(f"  {path}: {problem}", err=True)
    sys.exit(1)


@cli.command("import")
@as_council
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", "csv", "geojson", "openreferral"]),
              default="auto", help="File format (default: from the file name).")
def import_command(file: Path, fmt: str) -> None:
    """Add the services in FILE (CSV, GeoJSON or Open Referral JSON): all or nothing."""
    from ..directory import openreferral_import
    from ..directory.io import import_services_csv, import_services_geojson
    from ..extensions import db

    if fmt == "auto":
        suffix = file.suffix.lower()
        fmt = {".csv": "csv", ".geojson": "geojson", ".json": "openreferral"}.get(suffix)
        if fmt is None:
            raise click.UsageError(f"{file}: cannot tell the format from '{suffix}'; "
                                   "use --format csv|geojson|openreferral")
    data = file.read_bytes()
    km = float(current_app.config["OUTSIDE_SERVICE_MAX_KM"])  # a neighbour's, up to km away
    try:
        if fmt == "csv":
            result = import_services_csv(db.session, data, outside_km=km)
        elif fmt == "geojson":
            result = import_services_geojson(db.session, data, outside_km=km)
        else:
            result = openreferral_import.import_openreferral(db.session, data, outside_km=km)
    except ValueError as exc:
        db.session.rollback()
        click.echo(f"{file}: nothing was imported: {exc}", err=True)
        sys.exit(1)
    if not result.ok:
        db.session.rollback()
        _fail(file, result)
    from ..audit import record

    record(db.session, user=None, action="import", object_type="Service",
           note=f"{result.created} services from {file.name} (command line)")
    db.session.commit()
    click.echo(f"Imported {result.created} services from {file}.")


@cli.command("export")
@as_council
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson", "openreferral"]),
              default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def export_command(fmt: str, output: Path | None) -> None:
    """Write every service as CSV, GeoJSON or Open Referral (HSDS 3) JSON."""
    from ..directory import openreferral
    from ..directory.costs import service_monthly_cost
    from ..directory.io import export_services_csv, export_services_geojson
    from ..extensions import db
    from ..models import Service

    services = db.session.scalars(
        select(Service).options(selectinload(Service.sessions),
                                selectinload(Service.organisation)).order_by(Service.id)
    ).all()
    if fmt == "csv":
        text = export_services_csv(services)
    elif fmt == "geojson":
        text = json.dumps(export_services_geojson(services, monthly_cost=service_monthly_cost),
                          indent=1)
    else:
        council = council_setting("COUNCIL_NAME")  # the council it runs as
        text = json.dumps(openreferral.export_directory(
            services, scope=openreferral.scope_for(council),
            state_province=council.removesuffix(" Council"),
            monthly_cost=service_monthly_cost), indent=1)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(services)} services to {output}.", err=True)
    else:
        click.echo(text, nl=False)


@cli.command("import-buildings")
@as_council
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_buildings_command(file: Path) -> None:
    """Add or update council buildings from a CSV file: all or nothing."""
    from ..directory.io import import_buildings_csv
    from ..extensions import db

    try:
        result = import_buildings_csv(db.session, file.read_bytes())
    except ValueError as exc:
        click.echo(f"{file}: nothing was imported: {exc}", err=True)
        sys.exit(1)
    if not result.ok:
        db.session.rollback()
        _fail(file, result)
    db.session.commit()
    click.echo(f"Imported {result.created} buildings from {file}.")


@cli.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--schema", type=click.Path(exists=True, file_okay=False, path_type=Path),
              required=True, help="Folder of the HSDS 3 JSON schema files.")
def validate_command(file: Path, schema: Path) -> None:
    """Check an Open Referral export against the HSDS 3 schema."""
    from ..directory.openreferral import validation_errors

    errors = validation_errors(json.loads(file.read_text()), schema)
    for e in errors:
        click.echo(f"{file}: {e}", err=True)
    if errors:
        sys.exit(1)
    click.echo(f"{file}: valid HSDS 3.")
