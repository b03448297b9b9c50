"""`flask surveys import-xlsform` / `export-xlsform`: stored like `flask surveys load`,
all or nothing, with messages naming the file, sheet, row and column."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Survey
from tests.survey.test_xlsform import POLISH, POLISH_CHOICES, POLISH_SETTINGS
from tests.survey.xlsform_helpers import SETTINGS, SURVEY, sheet_rows, workbook


def surveys(db) -> list[tuple[str, int, bool]]:
    db.session.expire_all()
    return [(s.slug, s.version, s.is_current) for s in
            db.session.scalars(select(Survey).order_by(Survey.slug, Survey.version))]


def test_an_english_form_is_stored_as_a_new_survey_version(runner, db, tmp_path):
    path = tmp_path / "clubs.xlsx"
    path.write_bytes(workbook())
    result = runner.invoke(args=["surveys", "import-xlsform", str(path)])
    assert result.exit_code == 0, result.output
    assert "clubs.xlsx: clubs version 3: added (4 questions)" in result.output
    assert surveys(db) == [("clubs", 3, True)]
    stored = db.session.scalar(select(Survey).where(Survey.slug == "clubs")).definition
    assert stored["title"] == "Clubs near you"
    assert [(q["id"], q["type"]) for q in stored["questions"]] == [
        ("area", "area"), ("age", "age_band"), ("go", "single"), ("why", "text")]
    assert stored["questions"][3]["show_if"] == {"question": "go", "in": ["no"]}
    # A higher version becomes current, the old one stays (same rules as `surveys load`).
    settings = [SETTINGS[0], ["Clubs near you", "clubs", "4"]]
    path.write_bytes(workbook(settings=settings))
    assert runner.invoke(args=["surveys", "import-xlsform", str(path)]).exit_code == 0
    assert surveys(db) == [("clubs", 3, False), ("clubs", 4, True)]
    # --slug wins over form_id.
    assert runner.invoke(args=["surveys", "import-xlsform", str(path),
                               "--slug", "clubs-west"]).exit_code == 0
    assert ("clubs-west", 4, True) in surveys(db)


def test_a_bad_file_stores_nothing_and_says_where(runner, db, tmp_path):
    path = tmp_path / "clubs.xlsx"
    rows = [*SURVEY, ["selct_one yn", "more", "More?"]]
    path.write_bytes(workbook(rows))
    result = runner.invoke(args=["surveys", "import-xlsform", str(path)])
    assert result.exit_code != 0
    assert ("Error: clubs.xlsx: survey sheet, row 6, column type: 'selct_one yn' is not a "
            "question type") in result.output
    assert surveys(db) == []
    # A problem only the whole definition shows (two age questions) stores nothing either.
    rows = [*SURVEY, ["select_one age_band", "age_again", "Age again?"]]
    path.write_bytes(workbook(rows))
    result = runner.invoke(args=["surveys", "import-xlsform", str(path)])
    assert result.exit_code != 0
    assert "clubs.xlsx: questions age, age_again are all of type 'age_band'" in result.output
    assert surveys(db) == []


def test_a_file_that_is_not_an_xlsx_gets_a_clear_message(runner, db, tmp_path):
    path = tmp_path / "clubs.xlsx"
    path.write_text("type,name,label\ntext,q,Question\n")
    result = runner.invoke(args=["surveys", "import-xlsform", str(path)])
    assert result.exit_code != 0
    assert "clubs.xlsx: the file is not an .xlsx workbook" in result.output
    assert surveys(db) == []


def test_export_writes_the_current_version_which_imports_back(runner, db, tmp_path):
    runner.invoke(args=["surveys", "load"])
    path = tmp_path / "youth-voice.xlsx"
    result = runner.invoke(args=["surveys", "export-xlsform", "youth-voice", str(path)])
    assert result.exit_code == 0, result.output
    rows = sheet_rows(path.read_bytes(), "survey")
    assert [r["name"] for r in rows][:3] == ["intro", "area", "age_band"]
    before = db.session.scalar(select(Survey).where(Survey.slug == "youth-voice")).definition
    again = runner.invoke(args=["surveys", "import-xlsform", str(path)])
    assert "youth-voice version 1: unchanged" in again.output
    after = db.session.scalar(select(Survey).where(Survey.slug == "youth-voice")).definition
    assert after == {k: v for k, v in before.items() if v is not None}
    missing = runner.invoke(args=["surveys", "export-xlsform", "nope", str(path)])
    assert missing.exit_code != 0 and "there is no survey 'nope'" in missing.output


def test_a_translated_form_is_stored(runner, db, tmp_path):
    path = tmp_path / "say.xlsx"
    path.write_bytes(workbook(POLISH, POLISH_CHOICES, POLISH_SETTINGS))
    result = runner.invoke(args=["surveys", "import-xlsform", str(path)])
    assert result.exit_code == 0, result.output
    stored = db.session.scalar(select(Survey).where(Survey.slug == "say")).definition
    assert stored["questions"][0]["label"] == {"en": "How old are you?", "pl": "Ile masz lat?"}
