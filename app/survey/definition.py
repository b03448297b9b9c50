"""Surveys as data: load and check a survey definition file.  Pure: no Flask.

A definition is a YAML or JSON file in ``surveys/``, shaped as
``surveys/survey.schema.json`` says.  A broken definition is refused with
:class:`SurveyDefinitionError`, whose message names the file, the question and the
problem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .definition_schema import first_problem

QUESTION_TYPES = ("single", "multiple", "rating", "text", "area", "age_band")
CHOICE_TYPES = ("single", "multiple", "age_band")
# Set (by the admin's survey page) in a stored definition whose open and close dates
# were chosen by the admin: the Survey row's dates then win over the file's.
ADMIN_DATES = "_dates_set_by_admin"
SURVEYS_DIR = Path(__file__).resolve().parent.parent.parent / "surveys"


class SurveyDefinitionError(ValueError):
    """A survey definition cannot be used; the message says where and why."""


class Text(str):
    """A survey's text: the English (the string itself, so results, exports and staff
    pages read English) with its translations, ``{"pl": "Ile masz lat?", ...}``.

    In a file any text field (title, intro, label, help, option label, the rating's
    ends, ``show_if_hint``) is a string (English) or a mapping of language code to
    text with ``en`` among them.  Answers are stored by option value, never by label,
    so the answers given in every language count together.
    """

    translations: dict[str, str]

    def __new__(cls, english: str, translations: dict[str, str] | None = None) -> Text:
        text = super().__new__(cls, english)
        text.translations = dict(translations or {})
        return text

    def in_language(self, code: str | None) -> str:
        """The text in ``code`` (``pl``, ``pt_BR`` or ``pt-BR``), else English."""
        if not code or code == "en":
            return str(self)
        code = code.replace("-", "_")
        found = self.translations.get(code) or self.translations.get(code.split("_")[0])
        return found or str(self)

    def __reduce__(self):
        return (Text, (str(self), self.translations))


def localised(value, code: str | None) -> str | None:
    """``value`` (a :class:`Text`, plain text or ``None``) in language ``code``."""
    return value.in_language(code) if isinstance(value, Text) else value


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
                end = self.min_label if n == self.scale_min else (
                    self.max_label if n == self.scale_max else None)
                label = Text(str(n))
                if end:
                    words = getattr(end, "translations", {})
                    label = Text(f"{n} - {end}", {c: f"{n} - {t}" for c, t in words.items()})
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

    @property
    def option_map(self) -> dict[str, dict[str, str]]:
        """Options renamed since an earlier version: {question id: {old: new}}."""
        return dict(self.raw.get("option_map") or {})

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


def _text(value) -> Text | None:
    """Optional text (the schema has checked its type: a string, or a mapping of
    language code to string with ``en``): a :class:`Text`, or ``None`` if blank."""
    if isinstance(value, dict):
        parts = {str(k).replace("-", "_"): v.strip() for k, v in value.items()
                 if isinstance(v, str) and v.strip()}
        english = parts.pop("en", "")
        return Text(english, parts) if english else None
    return Text(value.strip()) if isinstance(value, str) and value.strip() else None


def parse_definition(data, source: str = "survey") -> SurveyDefinition:
    """Check ``data`` (a dict as read from YAML or JSON) and build the definition.

    The shape is checked against ``surveys/survey.schema.json``
    (:mod:`.definition_schema`); what a schema cannot say (ids used once, option
    values unique, ``show_if`` pointing at an earlier question's options, one area and
    one age question, dates in order, the rating scale) is checked here.
    """
    # YAML reads 2026-01-31 as a date: check the JSON form, as stored.
    plain = json.loads(json.dumps(data, default=str))
    problem = first_problem(plain)
    if problem:
        raise SurveyDefinitionError(f"{source}: {problem}")
    opens_on = _date(plain.get("opens_on"), f"{source}: 'opens_on'")
    closes_on = _date(plain.get("closes_on"), f"{source}: 'closes_on'")
    if opens_on and closes_on and closes_on < opens_on:
        raise SurveyDefinitionError(f"{source}: 'closes_on' {closes_on} is before "
                                    f"'opens_on' {opens_on}")
    questions: list[Question] = []
    seen: dict[str, Question] = {}
    for raw in plain["questions"]:
        questions.append(_question(raw, f"{source}: question {raw['id']!r}", seen))
        seen[questions[-1].id] = questions[-1]
    for kind in ("area", "age_band"):
        found = [q.id for q in questions if q.type == kind]
        if len(found) > 1:
            raise SurveyDefinitionError(
                f"{source}: questions {', '.join(found)} are all of type '{kind}'; "
                "a survey can have only one")
    _check_option_map(plain.get("option_map") or {}, questions, source)
    return SurveyDefinition(
        slug=plain["slug"], version=plain["version"], title=_text(plain["title"]),
        questions=tuple(questions), intro=_text(plain.get("intro")),
        default=bool(plain.get("default", False)), opens_on=opens_on, closes_on=closes_on,
        raw=plain,
    )


def _check_option_map(mapping: dict, questions: list[Question], source: str) -> None:
    """Each renamed option maps an old value to an option of this version's choice
    question (app/survey/waves.py counts the answers together)."""
    by_id = {q.id: q for q in questions}
    for qid, pairs in mapping.items():
        q = by_id.get(qid)
        if q is None or q.type not in ("single", "multiple", "rating"):
            raise SurveyDefinitionError(f"{source}: 'option_map' names {qid!r}, which is not "
                                        "a choice question of this version")
        values = {o.value for o in q.choices()}
        for old, new in pairs.items():
            if new not in values:
                raise SurveyDefinitionError(
                    f"{source}: 'option_map' of {qid!r} maps {old!r} to {new!r}, which is "
                    "not one of its options")


def _question(raw: dict, name: str, seen: dict[str, Question]) -> Question:
    """One question whose shape the schema has passed: the checks across questions."""
    qid, qtype = raw["id"], raw["type"]
    if qid in seen:
        raise SurveyDefinitionError(f"{name}: the id {qid!r} is used twice")
    kwargs: dict = {}
    if qtype in CHOICE_TYPES:
        values: set[str] = set()
        options = []
        for opt in raw["options"]:
            value = str(opt["value"]).strip()
            if value in values:
                raise SurveyDefinitionError(f"{name}: option value {value!r} appears twice")
            values.add(value)
            options.append(Option(value, _text(opt["label"])))
        kwargs["options"] = tuple(options)
    if qtype == "rating":
        scale = raw.get("scale") or {}
        lo, hi = scale.get("min", 1), scale.get("max", 5)
        if lo >= hi or hi - lo > 10:
            raise SurveyDefinitionError(
                f"{name}: 'scale' needs whole numbers min < max, at most 10 apart")
        kwargs.update(scale_min=lo, scale_max=hi, min_label=_text(scale.get("min_label")),
                      max_label=_text(scale.get("max_label")))
    if qtype == "text":
        kwargs["max_length"] = raw.get("max_length", 1000)
    show_if = raw.get("show_if")
    if show_if is not None:
        target = seen.get(show_if["question"])
        if target is None:
            raise SurveyDefinitionError(
                f"{name}: 'show_if' refers to {show_if['question']!r}, which is not an "
                "earlier question")
        valid = {o.value for o in target.choices()}
        bad = [str(v) for v in show_if["in"] if str(v) not in valid]
        if bad:
            raise SurveyDefinitionError(
                f"{name}: 'show_if' value(s) {', '.join(bad)} are not options of "
                f"{target.id!r}")
        kwargs.update(show_if_question=target.id,
                      show_if_values=tuple(str(v) for v in show_if["in"]),
                      show_if_hint=_text(raw.get("show_if_hint")))
    return Question(id=qid, type=qtype, label=_text(raw["label"]), help=_text(raw.get("help")),
                    required=raw.get("required", False), **kwargs)


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
                  # the indicator list and the directory's search words are not surveys
                  and not p.name.startswith(("safeguarding", "search_synonyms", "themes", "_"))
                  and not p.name.endswith(".schema.json"))


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
