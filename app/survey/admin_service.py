"""The admin's survey page's work: every survey version with its dates, status and
published number of answers, setting a version's open and close dates, and a version
as an XLSForm (download, and upload through :mod:`.xlsform_store`).

Dates set here are stored on the ``Survey`` row and win over the definition
file's dates (``flask surveys load`` keeps them); each change is audited.  The
views in :mod:`app.survey.admin_routes` parse the request, call one function
here and render.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from flask import abort
from sqlalchemy import select

from .. import publication
from ..audit import record
from ..extensions import db
from ..models import Survey
from .definition import ADMIN_DATES, SurveyDefinitionError
from .store import definition_of, is_open, open_dates, today
from .xlsform import XLSFormError
from .xlsform_store import export_xlsform, import_xlsform

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _status(survey, definition) -> str:
    opens_on, _closes_on = open_dates(survey, definition)
    if is_open(survey, definition, today()):
        return "Open"
    if opens_on and today() < opens_on:
        return "Not open yet"
    return "Closed"


def survey_listing() -> list[dict]:
    """Every survey and version, newest version first, with its dates, status and
    published number of responses."""
    rows = db.session.scalars(select(Survey).order_by(Survey.slug, Survey.version.desc())).all()
    counts = publication.totals(db.session)["versions"]  # published, as everywhere
    listing = []
    for s in rows:
        definition = definition_of(s)
        opens_on, closes_on = open_dates(s, definition)
        listing.append({"survey": s, "opens_on": opens_on, "closes_on": closes_on,
                        "status": _status(s, definition),
                        "by_admin": bool((s.definition or {}).get(ADMIN_DATES)),
                        "responses": counts.get(str(s.id), 0)})
    return listing


@dataclass
class SurveyDates:
    """One survey version's dates in force, and the dates its definition file gives."""

    survey: Survey
    opens_on: date | None
    closes_on: date | None
    file_opens_on: date | None
    file_closes_on: date | None


def survey_dates(survey_id: int) -> SurveyDates:
    """Survey version ``survey_id``'s dates; 404 when there is no such version."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404, description="There is no survey with that number.")
    definition = definition_of(survey)
    opens_on, closes_on = open_dates(survey, definition)
    return SurveyDates(survey, opens_on, closes_on, definition.opens_on, definition.closes_on)


def set_dates(dates: SurveyDates, opens_on: date | None, closes_on: date | None, user) -> None:
    """Store the admin's open and close dates on the survey row (they then win over
    the file's) and audit the change, in one commit."""
    survey = dates.survey
    before = {"opens_on": _iso(dates.opens_on), "closes_on": _iso(dates.closes_on)}
    after = {"opens_on": _iso(opens_on), "closes_on": _iso(closes_on)}
    survey.opens_on, survey.closes_on = opens_on, closes_on
    survey.definition = {**(survey.definition or {}), ADMIN_DATES: True}
    record(db.session, user=user, action="survey.dates", obj=survey, before=before, after=after,
           note=f"{survey.slug} version {survey.version}: dates set by an admin")
    db.session.commit()


def _iso(value):
    return value.isoformat() if value else None


# --- waves (app/survey/waves.py) ----------------------------------------------------

def waves_page(slug: str) -> dict:
    """A survey's waves, oldest first; 404 when there is no such survey."""
    from .waves import this_and_last

    if db.session.scalar(select(Survey.id).where(Survey.slug == slug).limit(1)) is None:
        abort(404, description="There is no survey with that name.")
    this, _last = this_and_last(db.session, slug, today())
    return {"slug": slug, "waves": publication.survey_waves(db.session, slug),
            "this": this}


def create_wave(slug: str, name: str, opens_on: date | None, closes_on: date | None,
                user, versions=()) -> dict:
    """Make a wave (errors by field, empty when made), audited; its tables are
    published in the next snapshot."""
    from .waves import add_wave, check_wave

    problems = check_wave(db.session, slug, name, opens_on, closes_on, versions)
    if problems:
        return {p.field: str(p) for p in problems}
    wave = add_wave(db.session, slug, name, opens_on, closes_on, versions)
    record(db.session, user=user, action="create", obj=wave,
           after={"name": name, "opens_on": _iso(opens_on), "closes_on": _iso(closes_on),
                  "versions": list(versions)}, note=f"{slug}: wave {name}")
    db.session.commit()
    return {}


@dataclass
class Upload:
    """What became of an uploaded XLSForm: a message to flash, or the problem."""

    message: str | None = None
    problem: str | None = None


def import_upload(upload, user) -> Upload:
    """Load an uploaded XLSForm as a survey version (all or nothing, audited)."""
    name = (upload.filename or "form.xlsx").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        loaded = import_xlsform(db.session, upload.read(), name, user=user)
    except XLSFormError as exc:
        db.session.rollback()
        return Upload(problem=f"{name}: {exc}")
    except SurveyDefinitionError as exc:
        db.session.rollback()
        return Upload(problem=str(exc))
    d, status = loaded[0]
    what = "loaded" if status == "added" else "updated (the same version was already here)"
    return Upload(message=f"Survey {d.slug}, version {d.version}: {what} from {name}.")


def xlsform_download(survey_id: int) -> tuple[str, BytesIO]:
    """(file name, workbook) of survey version ``survey_id``; 404 when there is none."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404, description="There is no survey with that number.")
    return f"{survey.slug}-v{survey.version}.xlsx", BytesIO(export_xlsform(survey))
