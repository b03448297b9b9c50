"""Load an XLSForm into the database, and export a stored survey as one.  No Flask.

Used by ``flask surveys import-xlsform`` / ``export-xlsform`` and the admin's survey
page.  An import is checked whole (:func:`.xlsform.read_xlsform`, then
:func:`.definition.parse_definition`, naming the file) before anything is stored, and
is then stored by :func:`.store.sync_definitions` itself (from a one-file folder), so
the versioning rules are exactly those of ``flask surveys load``: a new version is
added and the highest becomes current; the same version again updates its wording and
dates (dates an admin set win).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..audit import record
from ..models import Survey
from .definition import ADMIN_DATES, SurveyDefinition, parse_definition
from .store import definition_of, open_dates, sync_definitions
from .xlsform import read_xlsform
from .xlsform_export import write_xlsform


def import_xlsform(session, data: bytes, source: str, *, slug: str | None = None,
                   user=None) -> list[tuple[SurveyDefinition, str]]:
    """Check the XLSForm ``data`` (named ``source`` in messages) and store it.

    Raises :class:`.xlsform.XLSFormError` (sheet, row, column) or
    :class:`.definition.SurveyDefinitionError` with nothing stored; returns
    ``[(definition, "added" | "unchanged")]``.  The import is audited (``user``), in
    the same commit.
    """
    data_dict = read_xlsform(data, slug=slug)
    definition = parse_definition(data_dict, source)  # every check, before storing
    record(session, user=user, action="survey.import_xlsform", object_type="Survey",
           note=f"{source}: {definition.slug} version {definition.version}")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "import.json").write_text(json.dumps(data_dict), encoding="utf-8")
        return sync_definitions(session, folder)


def export_definition(survey: Survey) -> dict:
    """The survey row's definition as a file would hold it (dates in force, as text)."""
    definition = {k: v for k, v in (survey.definition or {}).items() if k != ADMIN_DATES}
    opens_on, closes_on = open_dates(survey, definition_of(survey))
    definition.update(opens_on=opens_on and opens_on.isoformat(),
                      closes_on=closes_on and closes_on.isoformat())
    return definition


def export_xlsform(survey: Survey) -> bytes:
    """The survey version as an XLSForm workbook (``.xlsx`` bytes)."""
    return write_xlsform(export_definition(survey))
