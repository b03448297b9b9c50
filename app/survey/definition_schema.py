"""Check a survey definition against ``surveys/survey.schema.json``.  Pure: no Flask.

The shape of a survey file (its keys, types, the question types, which questions need
options) lives in a JSON Schema, checked by ``jsonschema`` (already pinned for the Open
Referral exports), so editors can validate a survey as it is written.  Council officers
need a message that names the question and says what to change, not jsonschema's own
("'dropdown' is not one of [...]" at a JSON path), so each part of the schema carries a
``message`` (and ``not_message``) of its own; :func:`first_problem` finds the part that
failed and words it as the loader always has.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parent.parent.parent / "surveys" / "survey.schema.json"


@cache
def schema() -> dict:
    """The survey definition schema (read once)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema())


def _resolve(node: dict) -> dict:
    """``node`` with its ``$ref`` (to ``#/$defs/...``) merged in; the node's own keys win."""
    ref = node.get("$ref")
    if not ref:
        return node
    target = schema()["$defs"][ref.rsplit("/", 1)[-1]]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def _node_at(path: list) -> dict:
    """The part of the schema that describes the instance at ``path``."""
    node = _resolve(schema())
    for step in path:
        if isinstance(step, int):
            node = _resolve(node.get("items", {}))
        else:
            node = _resolve(node.get("properties", {}).get(step, {}))
    return node


def _where(path: list, data) -> tuple[str, dict]:
    """("question 'id'" or "question 3", with "option 2"...) and the format values."""
    values: dict = {}
    prefix = ""
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        question = data["questions"][path[1]]
        qid = question.get("id") if isinstance(question, dict) else None
        ok = isinstance(qid, str) and qid
        prefix = f"question {qid!r}: " if ok else f"question {path[1] + 1}: "
        values["qtype"] = question.get("type") if isinstance(question, dict) else None
        values["n"] = path[1] + 1
        if len(path) >= 4 and path[2] == "options" and isinstance(path[3], int):
            values["n"] = path[3] + 1
    return prefix, values


def _rank(error) -> tuple:
    """Report order: the file's own keys, then question by question; in a question its
    id, unknown keys and type before the rest, and the options rule last."""
    path = list(error.absolute_path)
    question = path[1] if len(path) >= 2 and path[0] == "questions" else -1
    field = path[2] if len(path) >= 3 else None
    order = {"id": 0, "type": 2}.get(field, 3)
    if error.validator == "additionalProperties":
        order = 1
    if error.validator == "not" and field is None:
        order = 4
    return (question, order, [str(p) for p in path])


def first_problem(data) -> str | None:
    """The first thing wrong with ``data`` as a survey definition's shape, worded for a
    council officer (without the file name), or ``None`` when the shape is right."""
    errors = sorted(_validator().iter_errors(data), key=_rank)
    if not errors:
        return None
    error = errors[0]
    path = list(error.absolute_path)
    prefix, values = _where(path, data)
    node = _node_at(path)
    if error.validator == "required":
        missing = re.match(r"'(.+?)' is a required property", error.message)
        name = missing.group(1) if missing else "a key"
        if name == "options":
            return prefix + _node_at([*path, "options"])["message"].format(**values)
        if len(path) >= 4 and path[2] == "options":
            return prefix + node["message"].format(**values)
        if not path:
            return node["message"]
        return f"{prefix}'{name}' is missing"
    if error.validator == "additionalProperties":
        allowed = set(node.get("properties", {}))
        unknown = sorted(k for k in error.instance if k not in allowed)
        return f"{prefix}unknown key(s) {', '.join(unknown)}"
    if len(path) == 2 and error.validator == "type":  # the question is not a mapping
        return node["message"].format(**values)
    message = node.get("not_message") if error.validator == "not" else None
    if error.validator == "not" and not message:  # the options rule sits in "else"
        message = _resolve(schema()["$defs"]["question"])["else"]["not_message"]
    message = message or node.get("message") or error.message
    return prefix + message.format(value=error.instance, **values)
