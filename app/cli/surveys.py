"""`flask surveys` commands: load definitions (YAML/JSON or XLSForm), export XLSForm,
make campaigns from the DfE schools list."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..audit import record
from ..extensions import db
from ..models import Campaign, Response, Survey
from .council_option import as_council

cli = AppGroup("surveys", help="Survey definitions and campaigns.")


@cli.command("load")
@as_council
@click.option("--folder", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of definition files (default: surveys/).")
def load_command(folder):
    """Check every survey definition and load it into the database."""
    from ..survey.definition import SURVEYS_DIR, SurveyDefinitionError
    from ..survey.store import sync_definitions

    try:
        loaded = sync_definitions(db.session, folder or SURVEYS_DIR)
    except SurveyDefinitionError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    for d, status in loaded:
        click.echo(f"{d.slug} version {d.version}: {status} ({len(d.questions)} questions)")


@cli.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_command(path):
    """Check one definition file without loading it."""
    from ..survey.definition import SurveyDefinitionError, load_file

    try:
        d = load_file(path)
    except SurveyDefinitionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{path.name}: {d.slug} version {d.version} is fine "
               f"({len(d.questions)} questions)")


@cli.command("import-xlsform")
@as_council
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", default=None, help="The survey's slug (default: the settings "
              "sheet's form_id).")
def import_xlsform_command(path, slug):
    """Check an XLSForm (.xlsx) and load it as a survey version.  All or nothing.

    The same checks and versioning as `flask surveys load`: the definition is checked
    whole before anything is stored; a new version is added and the highest version
    becomes current; the same version again updates its wording and dates.
    """
    from ..survey.definition import SurveyDefinitionError
    from ..survey.xlsform import XLSFormError
    from ..survey.xlsform_store import import_xlsform

    try:
        loaded = import_xlsform(db.session, path.read_bytes(), path.name, slug=slug,
                                user="cli")
    except XLSFormError as exc:
        db.session.rollback()
        raise click.ClickException(f"{path.name}: {exc}") from None
    except SurveyDefinitionError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    for d, status in loaded:
        click.echo(f"{path.name}: {d.slug} version {d.version}: {status} "
                   f"({len(d.questions)} questions)")


@cli.command("export-xlsform")
@as_council
@click.argument("slug")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_xlsform_command(slug, path):
    """Write the current version of survey SLUG as an XLSForm (.xlsx)."""
    from ..survey.store import current_survey
    from ..survey.xlsform_store import export_xlsform

    survey = current_survey(db.session, slug)
    if survey is None:
        raise click.ClickException(f"there is no survey {slug!r}")
    path.write_bytes(export_xlsform(survey))
    click.echo(f"{slug} version {survey.version} written to {path}")


@cli.command("list")
@as_council
def list_command():
    """List surveys, their versions and how many answers each has (exact: staff only)."""
    counts = dict(db.session.execute(select(Response.survey_version, func.count())
                                     .group_by(Response.survey_version)).all())
    for s in db.session.scalars(select(Survey).order_by(Survey.slug, Survey.version)):
        mark = "current" if s.is_current else "old"
        click.echo(f"{s.slug}\tv{s.version}\t{mark}\t{s.title}\t{counts.get(s.version, 0)}")


@cli.command("campaigns-from-gias")
@as_council
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--survey", "slug", default="youth-voice", show_default=True,
              help="The survey the links are for.")
@click.option("--phase", "phases", multiple=True,
              help="Education phase to include (repeat). Default: secondary, all-through, "
                   "16 plus and special ('Not applicable').")
@click.option("--all-phases", is_flag=True, help="Include every school, primary too.")
def campaigns_from_gias(csv_path, slug, phases, all_phases):
    """Make (or update) one campaign link per school from a GIAS CSV.  All or nothing."""
    from ..survey.campaigns import DEFAULT_PHASES, GiasError, read_gias, upsert_school_campaigns
    from ..survey.store import area_level, current_survey

    if current_survey(db.session, slug) is None:
        raise click.ClickException(f"there is no survey {slug!r}; load it with "
                                   "'flask surveys load'")
    chosen = () if all_phases else (tuple(phases) or DEFAULT_PHASES)
    try:
        with csv_path.open(encoding="utf-8-sig", newline="") as fh:
            schools = read_gias(fh, csv_path.name, chosen)
        if not schools:
            raise GiasError(f"{csv_path.name}: no schools of phase {', '.join(chosen)}")
        added, updated = upsert_school_campaigns(db.session, slug, schools,
                                                 area_level=area_level(db.session))
        record(db.session, user="cli", action="import", object_type="Campaign",
               note=f"GIAS {csv_path.name}: {added} added, {updated} updated")
        db.session.commit()
    except (GiasError, UnicodeDecodeError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    total = db.session.scalar(select(func.count()).select_from(Campaign)
                              .where(Campaign.survey_slug == slug))
    click.echo(f"{added} school campaigns added, {updated} updated; {total} campaigns for "
               f"{slug}.")


# --- waves (issue 25: app/survey/waves.py) -------------------------------------------

@cli.group("wave")
def wave_group():
    """Survey waves: a round of a survey with its own dates."""


@wave_group.command("create")
@as_council
@click.argument("slug")
@click.argument("name")
@click.option("--opens", "opens_on", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="First day of the wave (YYYY-MM-DD).")
@click.option("--closes", "closes_on", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last day of the wave (YYYY-MM-DD).")
@click.option("--version", "versions", multiple=True, type=int,
              help="Survey version answered in this wave (repeat; default: any).")
def wave_create(slug, name, opens_on, closes_on, versions):
    """Make wave NAME of survey SLUG (published from the next snapshot)."""
    from ..survey.waves import add_wave, check_wave

    opens, closes = opens_on.date(), closes_on.date()
    problems = check_wave(db.session, slug, name, opens, closes, versions)
    if problems:
        raise click.ClickException("; ".join(str(p) for p in problems))
    wave = add_wave(db.session, slug, name, opens, closes, versions)
    record(db.session, user="cli", action="create", obj=wave,
           after={"name": name, "opens_on": opens.isoformat(), "closes_on": closes.isoformat(),
                  "versions": list(versions)}, note=f"{slug}: wave {name}")
    db.session.commit()
    click.echo(f"{slug}: wave {name} from {opens} to {closes}; its figures are published "
               "with the next snapshot (flask publish run).")


@wave_group.command("list")
@as_council
@click.argument("slug")
def wave_list(slug):
    """List the waves of survey SLUG."""
    from ..models import SurveyWave

    for w in db.session.scalars(select(SurveyWave).where(SurveyWave.survey_slug == slug)
                                .order_by(SurveyWave.opens_on)):
        click.echo(f"{w.name}\t{w.opens_on}\t{w.closes_on}\t{w.versions or 'any version'}")
