"""Surveys as data: load and check a survey definition file.  Pure: no Flask.

A definition is a YAML or JSON file in ``surveys/``.  A broken definition is
refused with :class:`SurveyDefinitionError`, whose message names the file, the
question and the problem.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

QUESTION_TYPES = ("single", "multiple", "rating", "text", "area", "age_band")
CHOICE_TYPES = ("single", "multiple", "age_band")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
# Reserved form field names.
_RESERVED = {"csrf_token", "submission_token", "postcode", "send"}
# Set (by the admin's survey page) in a stored definition whose open and close dates
# were chosen by the admin: the Survey row's dates then win over the file's.
ADMIN_DATES = "_dates_set_by_admin"
SURVEYS_DIR = Path(__file__).resolve().parent.parent.parent / "surveys"


class SurveyDefinitionError(ValueError):
    """A survey definition cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: str
    help: str | None = None
    required: bool = False
    options: tuple[Option, ...] = ()
    scale_min: int = 1
    scale_max: int = 5
    min_label: str | None = None
    max_label: str | None = None
    max_length: int = 1000
    show_if_question: str | None = None
    show_if_values: tuple[str, ...] = ()
    show_if_hint: str | None = None

    def option_label(self, value: str | None) -> str:
        for opt in self.choices():
            if opt.value == value:
                return opt.label
        return value or ""

    def choices(self) -> tuple[Option, ...]:
        if self.type == "rating":
            out = []
            for n in range(self.scale_min, self.scale_max + 1):
                label = str(n)
                if n == self.scale_min and self.min_label:
                    label = f"{n} - {self.min_label}"
                elif n == self.scale_max and self.max_label:
                    label = f"{n} - {self.max_label}"
                out.append(Option(str(n), label))
            return tuple(out)
        return self.options

    def is_shown(self, answers: dict) -> bool:
        """Whether this question applies, given the other answers (``{id: value or list}``)."""
        if not self.show_if_question:
            return True
        given = answers.get(self.show_if_question)
        if isinstance(given, (list, tuple, set)):
            return any(v in self.show_if_values for v in given)
        return given in self.show_if_values


@dataclass(frozen=True)
class SurveyDefinition:
    slug: str
    version: int
    title: str
    questions: tuple[Question, ...]
    intro: str | None = None
    default: bool = False
    opens_on: date | None = None
    closes_on: date | None = None
    raw: dict = field(default_factory=dict, compare=False, hash=False)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    @property
    def area_question(self) -> Question | None:
        return next((q for q in self.questions if q.type == "area"), None)

    @property
    def age_question(self) -> Question | None:
        return next((q for q in self.questions if q.type == "age_band"), None)

    def is_open(self, today: date) -> bool:
        if self.opens_on and today < self.opens_on:
            return False
        return not (self.closes_on and today > self.closes_on)


def _date(value, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SurveyDefinitionError(f"{where}: {value!r} is not a date like 2026-01-31") from None


def _text(value, where: str, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise SurveyDefinitionError(f"{where} is missing")
        return None
    if not isinstance(value, str):
        raise SurveyDefinitionError(f"{where} must be text, not {type(value).__name__}")
    return value.strip()


def parse_definition(data, source: str = "survey") -> SurveyDefinition:
    """Check ``data`` (a dict as read from YAML or JSON) and build the definition."""
    if not isinstance(data, dict):
        raise SurveyDefinitionError(f"{source}: the file must hold a mapping with 'slug', "
                                    "'version', 'title' and 'questions'")
    unknown = set(data) - {"slug", "version", "title", "intro", "default", "opens_on",
                           "closes_on", "questions", ADMIN_DATES}
    if unknown:
        raise SurveyDefinitionError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}")
    slug = _text(data.get("slug"), f"{source}: 'slug'")
    if not _SLUG.match(slug):
        raise SurveyDefinitionError(
            f"{source}: slug {slug!r} must be lower-case letters, digits and hyphens")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SurveyDefinitionError(f"{source}: 'version' must be a whole number from 1")
    title = _text(data.get("title"), f"{source}: 'title'")
    opens_on = _date(data.get("opens_on"), f"{source}: 'opens_on'")
    closes_on = _date(data.get("closes_on"), f"{source}: 'closes_on'")
    if opens_on and closes_on and closes_on < opens_on:
        raise SurveyDefinitionError(f"{source}: 'closes_on' {closes_on} is before "
                                    f"'opens_on' {opens_on}")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise SurveyDefinitionError(f"{source}: 'questions' must be a non-empty list")

    questions: list[Question] = []
    seen: dict[str, Question] = {}
    for index, raw in enumerate(raw_questions, start=1):
        questions.append(_question(raw, index, source, seen))
        seen[questions[-1].id] = questions[-1]
    for kind in ("area", "age_band"):
        found = [q.id for q in questions if q.type == kind]
        if len(found) > 1:
            raise SurveyDefinitionError(
                f"{source}: questions {', '.join(found)} are all of type '{kind}'; "
                "a survey can have only one")
    return SurveyDefinition(
        slug=slug, version=version, title=title, questions=tuple(questions),
        intro=_text(data.get("intro"), f"{source}: 'intro'", required=False),
        default=bool(data.get("default", False)), opens_on=opens_on, closes_on=closes_on,
        raw=json.loads(json.dumps(data, default=str)),
    )


def _question(raw, index: int, source: str, seen: dict[str, Question]) -> Question:
    if not isinstance(raw, dict):
        raise SurveyDefinitionError(f"{source}: question {index} must be a mapping")
    qid = raw.get("id")
    name = f"{source}: question {qid!r}" if qid else f"{source}: question {index}"
    if not isinstance(qid, str) or not _ID.match(qid):
        raise SurveyDefinitionError(
            f"{name}: 'id' must start with a letter and use only a-z, 0-9 and _")
    if qid in _RESERVED:
        raise SurveyDefinitionError(f"{name}: the id {qid!r} is reserved; choose another")
    if qid in seen:
        raise SurveyDefinitionError(f"{name}: the id {qid!r} is used twice")
    allowed = {"id", "type", "label", "help", "required", "options", "scale", "max_length",
               "show_if", "show_if_hint"}
    unknown = set(raw) - allowed
    if unknown:
        raise SurveyDefinitionError(f"{name}: unknown key(s) {', '.join(sorted(unknown))}")
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        raise SurveyDefinitionError(
            f"{name}: type {qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
    label = _text(raw.get("label"), f"{name}: 'label'")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise SurveyDefinitionError(f"{name}: 'required' must be true or false")
    kwargs: dict = {}
    if qtype in CHOICE_TYPES:
        opts = raw.get("options")
        if not isinstance(opts, list) or len(opts) < 2:
            raise SurveyDefinitionError(f"{name}: a '{qtype}' question needs at least 2 options")
        values: set[str] = set()
        options = []
        for n, opt in enumerate(opts, start=1):
            if not isinstance(opt, dict) or "value" not in opt or "label" not in opt:
                raise SurveyDefinitionError(
                    f"{name}: option {n} needs a 'value' and a 'label'")
            value = str(opt["value"]).strip()
            if not value:
                raise SurveyDefinitionError(f"{name}: option {n} has an empty value")
            if value in values:
                raise SurveyDefinitionError(f"{name}: option value {value!r} appears twice")
            values.add(value)
            options.append(Option(value, _text(opt["label"], f"{name}: option {n} 'label'")))
        kwargs["options"] = tuple(options)
    elif "options" in raw:
        raise SurveyDefinitionError(f"{name}: a '{qtype}' question cannot have options")
    if qtype == "rating":
        scale = raw.get("scale") or {}
        lo, hi = scale.get("min", 1), scale.get("max", 5)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)) or lo >= hi \
                or hi - lo > 10:
            raise SurveyDefinitionError(
                f"{name}: 'scale' needs whole numbers min < max, at most 10 apart")
        kwargs.update(scale_min=lo, scale_max=hi, min_label=scale.get("min_label"),
                      max_label=scale.get("max_label"))
    if qtype == "text":
        max_length = raw.get("max_length", 1000)
        if not isinstance(max_length, int) or not 1 <= max_length <= 5000:
            raise SurveyDefinitionError(f"{name}: 'max_length' must be from 1 to 5000")
        kwargs["max_length"] = max_length
    show_if = raw.get("show_if")
    if show_if is not None:
        if not isinstance(show_if, dict) or set(show_if) != {"question", "in"}:
            raise SurveyDefinitionError(
                f"{name}: 'show_if' must be like {{question: age_band, in: [13-15]}}")
        target = seen.get(show_if["question"])
        if target is None:
            raise SurveyDefinitionError(
                f"{name}: 'show_if' refers to {show_if['question']!r}, which is not an "
                "earlier question")
        wanted = show_if["in"]
        if not isinstance(wanted, list) or not wanted:
            raise SurveyDefinitionError(f"{name}: 'show_if' 'in' must be a list of values")
        valid = {o.value for o in target.choices()}
        bad = [str(v) for v in wanted if str(v) not in valid]
        if bad:
            raise SurveyDefinitionError(
                f"{name}: 'show_if' value(s) {', '.join(bad)} are not options of "
                f"{target.id!r}")
        kwargs.update(show_if_question=target.id, show_if_values=tuple(str(v) for v in wanted),
                      show_if_hint=raw.get("show_if_hint"))
    return Question(id=qid, type=qtype, label=label,
                    help=_text(raw.get("help"), f"{name}: 'help'", required=False),
                    required=required, **kwargs)


def load_file(path: Path | str) -> SurveyDefinition:
    """Read and check one definition file (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SurveyDefinitionError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise SurveyDefinitionError(f"{path.name}: not valid YAML/JSON: {exc}") from None
    return parse_definition(data, path.name)


def definition_files(folder: Path | str = SURVEYS_DIR) -> list[Path]:
    folder = Path(folder)
    return sorted(p for p in folder.iterdir()
                  if p.suffix in (".yaml", ".yml", ".json")
                  and not p.name.startswith(("safeguarding", "_")))


def load_all(folder: Path | str = SURVEYS_DIR) -> list[SurveyDefinition]:
    """Every definition in ``folder``; the first broken one stops the load."""
    out = []
    keys = set()
    for path in definition_files(folder):
        definition = load_file(path)
        key = (definition.slug, definition.version)
        if key in keys:
            raise SurveyDefinitionError(
                f"{path.name}: {definition.slug} version {definition.version} is defined twice")
        keys.add(key)
        out.append(definition)
    return out
