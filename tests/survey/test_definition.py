"""Surveys as data: the shipped survey loads; broken definitions are refused, saying where."""

from __future__ import annotations

import copy

import pytest
import yaml

from app.survey.definition import (
    SURVEYS_DIR,
    SurveyDefinitionError,
    load_all,
    load_file,
    parse_definition,
)

BASE = yaml.safe_load((SURVEYS_DIR / "youth-voice.yaml").read_text())


def test_default_survey_covers_the_issue():
    d = load_file(SURVEYS_DIR / "youth-voice.yaml")
    assert d.slug == "youth-voice" and d.version == 1 and d.default
    types = {q.type for q in d.questions}
    assert types == {"area", "age_band", "multiple", "single", "rating", "text"}
    barriers = {o.value for o in d.question("barriers").options}
    assert {"cost", "transport", "nothing_near", "not_my_thing", "dont_know", "unsafe"} <= barriers
    wishes = {o.value for o in d.question("wishes").options}
    assert {"drop_in", "sport", "arts", "music", "outdoor", "uniformed", "online"} <= wishes
    assert "do not write your name" in d.question("anything_else").help
    assert [x.slug for x in load_all()] == ["youth-voice"]


def test_show_if_hides_free_text_from_under_13s():
    d = parse_definition(BASE)
    q = d.question("anything_else")
    assert not q.is_shown({"age_band": "11-12"})
    assert q.is_shown({"age_band": "16-17"})


def _q(data: dict, question_id: str) -> dict:
    """Question ``question_id`` of a raw definition, found by its id (not its place)."""
    found = [q for q in data["questions"] if q["id"] == question_id]
    assert len(found) == 1, f"the shipped survey has no one question {question_id!r}"
    return found[0]


def _broken(mutate):
    data = copy.deepcopy(BASE)
    mutate(data)
    return data


@pytest.mark.parametrize("mutate, message", [
    (lambda d: _q(d, "now_do").update(type="dropdown"),
     "question 'now_do': type 'dropdown' is not one of"),
    (lambda d: _q(d, "wishes")["options"].append({"value": "sport", "label": "Again"}),
     "question 'wishes': option value 'sport' appears twice"),
    (lambda d: _q(d, "free_when").update(id="now_do"), "question 'now_do': the id 'now_do' is used twice"),
    (lambda d: _q(d, "barriers").pop("label"), "question 'barriers': 'label' is missing"),
    (lambda d: _q(d, "anything_else").update(show_if={"question": "age_band", "in": ["99"]}),
     "question 'anything_else': 'show_if' value(s) 99 are not options of 'age_band'"),
    (lambda d: _q(d, "anything_else").update(show_if={"question": "later", "in": ["x"]}),
     "'show_if' refers to 'later', which is not an earlier question"),
    (lambda d: _q(d, "feel_heard").update(scale={"min": 5, "max": 1}),
     "question 'feel_heard': 'scale' needs whole numbers min < max"),
    (lambda d: _q(d, "can_pay").update(options=[{"value": "0", "label": "Free"}]),
     "question 'can_pay': a 'single' question needs at least 2 options"),
    (lambda d: d["questions"].append({"id": "where2", "type": "area", "label": "Again?"}),
     "questions area, where2 are all of type 'area'"),
    (lambda d: d.update(version="one"), "'version' must be a whole number"),
    (lambda d: d.update(closes_on="2025-01-01"), "'closes_on' 2025-01-01 is before 'opens_on'"),
    (lambda d: _q(d, "area").update(id="postcode"), "the id 'postcode' is reserved"),
    (lambda d: _q(d, "age_band").update(colour="red"), "question 'age_band': unknown key(s) colour"),
])
def test_broken_definitions_are_refused_naming_question_and_problem(mutate, message):
    with pytest.raises(SurveyDefinitionError) as info:
        parse_definition(_broken(mutate), "youth-voice.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("youth-voice.yaml")


def test_bad_yaml_is_refused_with_the_file_name(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("slug: [unclosed\n")
    with pytest.raises(SurveyDefinitionError, match="bad.yaml: not valid YAML"):
        load_file(path)


def test_cli_load_and_check(runner, db, tmp_path):
    from app.models import Survey

    result = runner.invoke(args=["surveys", "load"])
    assert result.exit_code == 0, result.output
    assert "youth-voice version 1: added" in result.output
    assert db.session.query(Survey).one().is_current
    # A second version becomes current; responses keep the version they answered.
    v2 = copy.deepcopy(BASE)
    v2["version"] = 2
    folder = tmp_path / "surveys"
    folder.mkdir()
    (folder / "youth-voice.yaml").write_text(yaml.safe_dump(BASE))
    (folder / "youth-voice-v2.yaml").write_text(yaml.safe_dump(v2))
    result = runner.invoke(args=["surveys", "load", "--folder", str(folder)])
    assert result.exit_code == 0, result.output
    current = [s.version for s in db.session.query(Survey).filter_by(is_current=True)]
    assert current == [2]

    bad = tmp_path / "broken.yaml"
    bad.write_text(yaml.safe_dump(_broken(lambda d: _q(d, "now_do").update(type="x"))))
    result = runner.invoke(args=["surveys", "check", str(bad)])
    assert result.exit_code != 0
    assert "broken.yaml: question 'now_do': type 'x'" in result.output


@pytest.mark.parametrize("mutate, message", [
    (lambda d: _q(d, "anything_else").update(options=[{"value": "a", "label": "A"}] * 2),
     "question 'anything_else': a 'text' question cannot have options"),
    (lambda d: _q(d, "wishes")["options"].append({"value": "x"}),
     "question 'wishes': option {wishes_options_plus_1} needs a 'value' and a 'label'"),
    (lambda d: _q(d, "barriers").pop("id"), "question {barriers_number}: 'id' is missing"),
    (lambda d: _q(d, "anything_else").update(max_length=0),
     "question 'anything_else': 'max_length' must be from 1 to 5000"),
    (lambda d: d.update(slug="Youth Voice"), "slug 'Youth Voice' must be lower-case"),
    (lambda d: d.update(questions=[]), "'questions' must be a non-empty list"),
    (lambda d: d["questions"].append("where?"), "question {questions_plus_1} must be a mapping"),
])
def test_the_schema_words_its_refusals_for_a_council_officer(mutate, message):
    """The shape is checked by surveys/survey.schema.json; each refusal still names the
    question (by id, or by number when it has none) and says what to change."""
    ids = [q["id"] for q in BASE["questions"]]
    message = message.format(  # numbers as the officer counts them, found by id
        wishes_options_plus_1=len(_q(BASE, "wishes")["options"]) + 1,
        barriers_number=ids.index("barriers") + 1, questions_plus_1=len(ids) + 1)
    with pytest.raises(SurveyDefinitionError) as info:
        parse_definition(_broken(mutate), "youth-voice.yaml")
    assert str(info.value).startswith(f"youth-voice.yaml: {message}"), str(info.value)


def test_the_schema_is_valid_and_not_loaded_as_a_survey():
    from jsonschema import Draft202012Validator

    from app.survey.definition import definition_files
    from app.survey.definition_schema import SCHEMA_PATH, schema

    Draft202012Validator.check_schema(schema())
    assert SCHEMA_PATH not in definition_files()
