"""XLSForm to survey definition and back (no database): round trip, translations, errors
naming sheet, row and column."""

from __future__ import annotations

import json

import pytest
import yaml
from pyxform.xls2xform import convert

from app.survey.definition import SURVEYS_DIR, parse_definition
from app.survey.xlsform import XLSFormError, read_xlsform
from app.survey.xlsform_export import write_xlsform
from tests.survey.xlsform_helpers import CHOICES, SETTINGS, SURVEY, sheet_rows, workbook

# The shipped survey as stored (dates as text, as the loader stores them).
SHIPPED = json.loads(json.dumps(yaml.safe_load((SURVEYS_DIR / "youth-voice.yaml").read_text()),
                                default=str))


def test_the_default_survey_exported_then_imported_is_the_same_definition():
    data = write_xlsform(SHIPPED)
    back = read_xlsform(data)
    assert {k: v for k, v in SHIPPED.items() if v is not None} == back
    assert parse_definition(back) == parse_definition(SHIPPED)


def test_the_export_follows_xlsform_conventions_and_pyxform_converts_it(tmp_path):
    data = write_xlsform(SHIPPED)
    survey = {row["name"]: row for row in sheet_rows(data, "survey")}
    assert survey["intro"]["type"] == "note"
    assert survey["area"]["type"] == "select_one_from_file areas.csv"
    assert survey["age_band"]["type"] == "select_one age_band"
    assert survey["now_do"]["type"] == "select_multiple now_do"
    assert survey["can_pay"]["type"] == "select_one can_pay"
    assert (survey["feel_heard"]["type"], survey["feel_heard"]["appearance"]) == (
        "select_one feel_heard", "likert")
    assert survey["anything_else"]["relevant"] == "${age_band} != '11-12'"
    assert survey["anything_else"]["constraint"] == "string-length(.) <= 1000"
    # The shipped survey is in English, Polish and Romanian: each text has a column per language.
    assert survey["anything_else"]["guidance_hint::English (en)"] == (
        "This box is for people aged 13 or over.")
    assert survey["age_band"]["label::Polish (pl)"] == SHIPPED["questions"][1]["label"]["pl"]
    assert survey["area"]["required"] == "yes" and survey["now_do"]["required"] is None
    ratings = [(r["name"], r["label::English (en)"]) for r in sheet_rows(data, "choices")
               if r["list_name"] == "feel_heard"]
    assert ratings == [("1", "Not at all"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "A lot")]
    settings = sheet_rows(data, "settings")[0]
    assert (settings["form_id"], settings["version"], settings["form_title"]) == (
        "youth-voice", "1", "Have your say about things to do")
    path = tmp_path / "youth-voice.xlsx"
    path.write_bytes(data)
    xform = convert(xlsform=str(path), validate=False).xform  # pyxform's own reading
    assert "<h:title>Have your say about things to do</h:title>" in xform
    assert ('<bind nodeset="/data/anything_else" type="string" relevant=" /data/age_band  '
            "!= '11-12'\" constraint=\"string-length(.) &lt;= 1000\"/>") in xform


POLISH = [["type", "name", "label", "label::Polish (pl)", "hint", "hint::Romanian (ro)",
           "required", "relevant"],
          ["note", "welcome", "Tell us", "Powiedz nam"],
          ["select_one age_band", "age_band", "How old are you?", "Ile masz lat?", None, None,
           "yes"],
          ["select_multiple likes", "likes", "What do you like?", "Co lubisz?",
           "Pick all", "Alege tot"],
          ["text", "more", "Anything else?", None, None, None, None,
           "selected(${likes}, 'sport') or selected(${likes}, 'art')"]]
POLISH_CHOICES = [["list_name", "name", "label::English (en)", "label::Polish (pl)"],
                  ["age_band", "11-12", "11 or 12", "11 lub 12"],
                  ["age_band", "13-15", "13 to 15", "13 do 15"],
                  ["likes", "sport", "Sport", "Sport"], ["likes", "art", "Art", None],
                  ["likes", "music", "Music", "Muzyka"]]
POLISH_SETTINGS = [["form_title", "translated_title::Polish (pl)", "form_id", "version"],
                   ["Have your say", "Wyraź swoje zdanie", "say", "2"]]
POLISH_DEFINITION = {
    "slug": "say", "version": 2,
    "title": {"en": "Have your say", "pl": "Wyraź swoje zdanie"},
    "intro": {"en": "Tell us", "pl": "Powiedz nam"},
    "questions": [
        {"id": "age_band", "type": "age_band", "required": True,
         "label": {"en": "How old are you?", "pl": "Ile masz lat?"},
         "options": [{"value": "11-12", "label": {"en": "11 or 12", "pl": "11 lub 12"}},
                     {"value": "13-15", "label": {"en": "13 to 15", "pl": "13 do 15"}}]},
        {"id": "likes", "type": "multiple", "required": False,
         "label": {"en": "What do you like?", "pl": "Co lubisz?"},
         "help": {"en": "Pick all", "ro": "Alege tot"},
         "options": [{"value": "sport", "label": {"en": "Sport", "pl": "Sport"}},
                     {"value": "art", "label": "Art"},
                     {"value": "music", "label": {"en": "Music", "pl": "Muzyka"}}]},
        {"id": "more", "type": "text", "required": False, "label": "Anything else?",
         "show_if": {"question": "likes", "in": ["sport", "art"]}},
    ],
}


def test_language_columns_become_language_mappings():
    data = workbook(POLISH, POLISH_CHOICES, POLISH_SETTINGS)
    assert read_xlsform(data) == POLISH_DEFINITION


def test_a_translated_form_round_trips_and_writes_language_columns(tmp_path):
    data = write_xlsform(POLISH_DEFINITION)
    assert read_xlsform(data) == POLISH_DEFINITION
    survey = sheet_rows(data, "survey")
    assert survey[1]["label::Polish (pl)"] == "Ile masz lat?"
    assert survey[2]["hint::Romanian (ro)"] == "Alege tot"
    assert survey[2]["hint::English (en)"] == "Pick all"
    settings = sheet_rows(data, "settings")[0]
    assert settings["translated_title::Polish (pl)"] == "Wyraź swoje zdanie"
    assert settings["default_language"] == "English (en)"
    path = tmp_path / "say.xlsx"
    path.write_bytes(data)
    xform = convert(xlsform=str(path), validate=False).xform
    assert 'lang="Polish (pl)"' in xform and "Ile masz lat?" in xform


def test_relevant_forms_map_to_show_if():
    base = [row[:6] for row in SURVEY]
    cases = {
        "${age} != '11-12'": ["13-15", "16-17"],
        "${age} != '11-12' and ${age} != '16-17'": ["13-15"],
        "${age} = '16-17' or ${age} = '13-15'": ["16-17", "13-15"],
        "selected(${age}, '13-15')": ["13-15"],
        "not(selected(${age}, '13-15'))": ["11-12", "16-17"],
        "(${go} = 'no')": None,
    }
    for expression, expected in cases.items():
        rows = [*base[:-1], ["text", "why", "Why?", None, None, expression]]
        show_if = read_xlsform(workbook(rows))["questions"][-1]["show_if"]
        if expected is None:
            assert show_if == {"question": "go", "in": ["no"]}
        else:
            assert show_if == {"question": "age", "in": expected}, expression


def error_of(data: bytes) -> XLSFormError:
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(data)
    return caught.value


def with_row(row, at=None):
    rows = [list(r) for r in SURVEY]
    rows.insert(at or len(rows), row)
    return rows


@pytest.mark.parametrize(("survey", "choices", "settings", "where", "says"), [
    (with_row(["selct_one yn", "q", "Q?"]), CHOICES, SETTINGS, ("survey", 6, "type"),
     "'selct_one yn' is not a question type"),
    (with_row(["date", "when", "When?"]), CHOICES, SETTINGS, ("survey", 6, "type"),
     "'date' questions cannot be asked"),
    (with_row(["select_one colours", "q", "Q?"]), CHOICES, SETTINGS, ("survey", 6, "type"),
     "the list 'colours' is not on the choices sheet"),
    (with_row(["select_one yn", "go", "Again?"]), CHOICES, SETTINGS, ("survey", 6, "name"),
     "the name 'go' is already used in row 4"),
    (with_row(["text", "q", "Q?", None, None, "${go} > 'no'"]), CHOICES, SETTINGS,
     ("survey", 6, "relevant"), "\"${go} > 'no'\""),
    (with_row(["text", "q", "Q?", None, None, "${later} = 'x'"]), CHOICES, SETTINGS,
     ("survey", 6, "relevant"), "'later' is not an earlier question"),
    (with_row(["text", "q", "Q?", None, None, "${go} = 'maybe'"]), CHOICES, SETTINGS,
     ("survey", 6, "relevant"), "'maybe' is not an answer of 'go'"),
    (with_row(["text", "q", "Q?", None, "sometimes"]), CHOICES, SETTINGS,
     ("survey", 6, "required"), "'sometimes' is not yes or no"),
    (with_row(["integer", "n", "How many?"]), CHOICES, SETTINGS, ("survey", 6, "constraint"),
     "constraint like . >= 1 and . <= 5"),
    (SURVEY, [*CHOICES, ["yn", "yes", "Yes again"]], SETTINGS, ("choices", 7, "name"),
     "'yes' is already in the list 'yn' (row 2)"),
    (SURVEY, None, SETTINGS, ("survey", 3, "type"), "needs a 'choices' sheet"),
    (SURVEY, CHOICES, [["form_title", "form_id", "version"], ["T", "clubs", "two"]],
     ("settings", 2, "version"), "'two' must be a whole number"),
    (SURVEY, CHOICES, None, ("settings", None, None), "no 'settings' sheet"),
    ([["type", "name", "label::Polish"], ["text", "q", "Co?"]], CHOICES, SETTINGS,
     ("survey", 1, "label::Polish"), "needs its language code in brackets"),
])
def test_problems_name_sheet_row_and_column(survey, choices, settings, where, says):
    error = error_of(workbook(survey, choices, settings))
    assert (error.sheet, error.row, error.column) == where
    assert says in str(error)
    sheet, row, column = where
    expected = f"{sheet} sheet" + (f", row {row}" if row else "") + (
        f", column {column}" if column else "") + ": "
    assert str(error).startswith(expected)


def test_a_workbook_without_a_survey_sheet_is_refused():
    error = error_of(workbook(None, CHOICES, SETTINGS))
    assert str(error).startswith("survey sheet: the workbook has no 'survey' sheet")


def test_a_file_that_is_not_an_xlsx_gets_a_plain_message():
    error = error_of(b"type,name,label\ntext,q,Question\n")
    assert str(error) == ("the file is not an .xlsx workbook (save it from Excel, "
                          "LibreOffice or Google Sheets as .xlsx)")
    assert "cannot be read" in str(error_of(b"PK\x03\x04 not really a zip"))
