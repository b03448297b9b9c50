"""XLSForm spreadsheets to survey definitions and back.  Pure: no Flask.

:func:`read_xlsform` turns the bytes of an ``.xlsx`` XLSForm (pyxform's conventions: a
``survey``, a ``choices`` and a ``settings`` sheet, ``relevant`` for show-if,
``label::Polish (pl)`` columns for translations) into a definition dict shaped like
``surveys/youth-voice.yaml``; :func:`write_xlsform` (in :mod:`.xlsform_export`) writes
one back.  The convention for the app's own question types is in docs/SURVEYS.md
("XLSForm") and in :data:`TYPES_HELP`.

The workbook is read with pyxform's own reader
(``pyxform.xls2json_backends.xlsx_to_dict``: its cell cleaning, header rules and
yes/no words), but the rows are mapped here rather than by pyxform's
``workbook_to_json``: that returns the XForm's nested form without row numbers (so a
problem could not be named by sheet, row and column), keys translations by language
*name* rather than code, and knows nothing of the app's types (area, age band,
rating).  Every refusal is an :class:`XLSFormError` naming the sheet, the row as the
spreadsheet shows it and the column header.
"""

from __future__ import annotations

import re
from io import BytesIO

ENGLISH = "en"
AREA_FILE = "areas.csv"  # select_one_from_file areas.csv: the app's area question
AGE_LIST = "age_band"  # select_one age_band: the app's age question
# pyxform cannot translate form_title: the title's other languages go in these columns.
TITLE_LANGS = "translated_title"
LIKERT = "likert"  # select_one LIST with appearance likert and values 1..n: a rating
TEXT_COLUMNS = {"label": "label", "hint": "help", "guidance_hint": "show_if_hint"}
# Metadata rows that collect nothing a young person answers: passed over.
METADATA = {"start", "end", "today", "deviceid", "username", "phonenumber", "simserial",
            "subscriberid", "email", "audit", "start-geopoint"}
TYPES_HELP = ("select_one LIST, select_multiple LIST, select_one age_band, "
              "select_one_from_file areas.csv, text, integer or note")
LANGUAGE_NAMES = {"en": "English", "pl": "Polish", "ro": "Romanian", "cy": "Welsh",
                  "lt": "Lithuanian", "ml": "Malayalam", "uk": "Ukrainian", "ar": "Arabic",
                  "pt": "Portuguese", "ur": "Urdu", "pa": "Punjabi", "bg": "Bulgarian"}
_CODE = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)\s*\)\s*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_MAX_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*<=\s*(\d+)$")
_RANGE = re.compile(r"^\.\s*>=\s*(-?\d+)\s+and\s+\.\s*<=\s*(-?\d+)$")
_REF = r"\$\{(?P<q>[^}]*)\}"
_VAL = r"(?:(?P<quote>['\"])(?P<v>.*?)(?P=quote)|(?P<n>-?\d+))"
_COMPARE = re.compile(rf"^{_REF}\s*(?P<op>!=|=)\s*{_VAL}$")
_SELECTED = re.compile(rf"^(?P<neg>not\s*\(\s*)?selected\s*\(\s*{_REF}\s*,\s*{_VAL}\s*\)"
                       r"(?(neg)\s*\))$")


class XLSFormError(ValueError):
    """An XLSForm that cannot become a survey; says where (sheet, row, column) and why."""

    def __init__(self, problem: str, sheet: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.problem, self.sheet, self.row, self.column = problem, sheet, row, column
        where = ", ".join(part for part in (
            f"{sheet} sheet" if sheet else None, f"row {row}" if row else None,
            f"column {column}" if column else None) if part)
        super().__init__(f"{where}: {problem}" if where else problem)


def language_code(header: str) -> str | None:
    """``'label::Polish (pl)'`` -> ``'pl'``; ``'label'`` -> ``None`` (the default language)."""
    if "::" not in header:
        return None
    found = _CODE.search(header.split("::", 1)[1])
    return found.group(1).replace("_", "-") if found else ""


def language_header(column: str, code: str) -> str:
    """``('label', 'pl')`` -> ``'label::Polish (pl)'``."""
    return f"{column}::{LANGUAGE_NAMES.get(code, code)} ({code})"


class _Sheet:
    """One sheet's rows (with their spreadsheet row numbers) and its text columns."""

    def __init__(self, name: str, rows: list[dict], headers: list[str], default_lang: str):
        self.name, self.headers, self.default_lang = name, headers, default_lang
        self.rows = [(n, row) for n, row in enumerate(rows, start=2) if row]
        for header in headers:
            if "::" in header and header.split("::", 1)[0] in (*TEXT_COLUMNS, "form_title", TITLE_LANGS):
                if not language_code(header):
                    raise XLSFormError(
                        f"{header!r} needs its language code in brackets, like "
                        f"{header.split('::', 1)[0]}::Polish (pl)", name, 1, header)

    def text(self, row: dict, n: int, column: str, required: bool = False,
             also: str | None = None):
        """The column's text in every language (its ``column::Language (code)`` columns,
        and ``also``'s): a string when only English is given, else ``{code: text}``;
        ``None`` when empty."""
        found: dict[str, str] = {}
        for header in self.headers:
            if header.split("::", 1)[0] in (column, also) and (
                    header == column or "::" in header):
                value = row.get(header)
                if value:
                    found[language_code(header) or self.default_lang] = str(value)
        if not found:
            if required:
                raise XLSFormError(f"the {column} is empty", self.name, n, column)
            return None
        if set(found) == {ENGLISH}:
            return found[ENGLISH]
        return dict(sorted(found.items(), key=lambda kv: kv[0] != ENGLISH))


def _workbook(data: bytes) -> dict:
    if not data.startswith(b"PK\x03\x04"):
        raise XLSFormError("the file is not an .xlsx workbook (save it from Excel, "
                           "LibreOffice or Google Sheets as .xlsx)")
    # pyxform (and openpyxl, xlrd under it) is imported when a workbook is read, not
    # when the app starts: it is a fifth of the start-up of every process otherwise.
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import xlsx_to_dict

    try:
        return xlsx_to_dict(BytesIO(data))
    except PyXFormError as exc:
        raise XLSFormError(f"the workbook cannot be read: {exc}") from None


def _headers(book: dict, sheet: str) -> list[str]:
    found = book.get(f"{sheet}_header") or [{}]
    return [h for h in found[0]]


def _yes(sheet: str, n: int, column: str, value) -> bool:
    from pyxform.aliases import yes_no

    if value in (None, ""):
        return False
    if value not in yes_no:
        raise XLSFormError(f"{value!r} is not yes or no", sheet, n, column)
    return yes_no[value]


def read_xlsform(data: bytes, slug: str | None = None) -> dict:
    """The definition dict an XLSForm workbook (``.xlsx`` bytes) describes.

    ``slug`` (when given) wins over the settings sheet's ``form_id``.  Row-level
    problems raise :class:`XLSFormError`; the result is then checked like any YAML
    definition by :func:`app.survey.definition.parse_definition`.
    """
    book = _workbook(data)
    if "survey" not in book:
        raise XLSFormError("the workbook has no 'survey' sheet (sheets: "
                           f"{', '.join(book.get('sheet_names', [])) or 'none'})", "survey")
    if "settings" not in book:
        raise XLSFormError("the workbook has no 'settings' sheet: add one with the columns "
                           "form_id, form_title and version", "settings")
    out = _settings(book, slug)
    default_lang = out.pop("_lang")
    lists = _choices(book, default_lang) if "choices" in book else None
    survey = _Sheet("survey", book["survey"], _headers(book, "survey"), default_lang)
    questions: list[dict] = []
    names: dict[str, int] = {}
    for n, row in survey.rows:
        kind = str(row.get("type", "")).strip()
        if not kind:
            raise XLSFormError("the type is empty", "survey", n, "type")
        if kind in METADATA:
            continue
        name = str(row.get("name", "")).strip()
        if not name:
            raise XLSFormError("the name is empty", "survey", n, "name")
        if name in names:
            raise XLSFormError(f"the name {name!r} is already used in row {names[name]}",
                               "survey", n, "name")
        names[name] = n
        if kind == "note":
            if questions or "intro" in out:
                raise XLSFormError("a note can only be the survey's introduction, in the "
                                   "first row; the app shows no notes between questions",
                                   "survey", n, "type")
            out["intro"] = survey.text(row, n, "label", required=True)
            continue
        if not _NAME.match(name):
            raise XLSFormError(f"the name {name!r} must start with a lower-case letter and "
                               "use only a-z, 0-9 and _", "survey", n, "name")
        questions.append(_question(survey, n, row, name, kind, lists, questions))
    if not questions:
        raise XLSFormError("there are no questions", "survey")
    out["questions"] = questions
    return out


def _settings(book: dict, slug: str | None) -> dict:
    headers = _headers(book, "settings")
    rows = [r for r in book["settings"] if r]
    row = rows[0] if rows else {}
    lang = language_code("x::" + str(row.get("default_language", ""))) or ENGLISH
    sheet = _Sheet("settings", [row], headers, lang)
    out: dict = {}
    form_id = slug or str(row.get("form_id", "")).strip()
    if not form_id:
        raise XLSFormError("form_id is empty: it is the survey's slug, like youth-voice",
                           "settings", 2, "form_id")
    if not _SLUG.match(form_id):
        raise XLSFormError(f"form_id {form_id!r} must be lower-case letters, digits and "
                           "hyphens (it is the survey's slug)", "settings", 2, "form_id")
    out["slug"] = form_id
    version = str(row.get("version", "")).strip()
    if not re.fullmatch(r"[1-9]\d*", version):
        raise XLSFormError(f"version {version!r} must be a whole number from 1 (raise it "
                           "to change a survey's wording)", "settings", 2, "version")
    out["version"] = int(version)
    out["title"] = sheet.text(row, 2, "form_title", required=True, also=TITLE_LANGS)
    if _yes("settings", 2, "default", row.get("default")):
        out["default"] = True
    for column in ("opens_on", "closes_on"):
        if row.get(column):
            out[column] = str(row[column]).removesuffix(" 00:00:00")
    out["_lang"] = lang
    return out


def _choices(book: dict, default_lang: str) -> dict[str, list[tuple[int, dict]]]:
    """``{list name: [(row, {value, label}), ...]}`` from the choices sheet."""
    sheet = _Sheet("choices", book["choices"], _headers(book, "choices"), default_lang)
    lists: dict[str, list[tuple[int, dict]]] = {}
    seen: dict[tuple[str, str], int] = {}
    for n, row in sheet.rows:
        list_name = str(row.get("list_name", row.get("list name", ""))).strip()
        if not list_name:
            raise XLSFormError("the list_name is empty", "choices", n, "list_name")
        value = str(row.get("name", row.get("value", ""))).strip()
        if not value:
            raise XLSFormError("the name (the stored value) is empty", "choices", n, "name")
        if (list_name, value) in seen:
            raise XLSFormError(f"{value!r} is already in the list {list_name!r} "
                               f"(row {seen[list_name, value]})", "choices", n, "name")
        seen[list_name, value] = n
        lists.setdefault(list_name, []).append(
            (n, {"value": value, "label": sheet.text(row, n, "label", required=True)}))
    return lists


def _question(survey: _Sheet, n: int, row: dict, name: str, kind: str, lists, earlier) -> dict:
    words = kind.replace("select one", "select_one").replace(
        "select all that apply", "select_multiple").split()
    base = words[0]
    q: dict = {"id": name, "type": "", "label": survey.text(row, n, "label", required=True)}
    constraint = str(row.get("constraint", "")).strip()
    if base in ("select_one", "select_multiple"):
        if len(words) != 2:
            raise XLSFormError(f"{base} needs one list name after it, like {base} colours",
                               "survey", n, "type")
        options = _options(words[1], lists, n)
        if base == "select_multiple":
            q["type"] = "multiple"
        elif words[1] == AGE_LIST:
            q["type"] = "age_band"
        elif str(row.get("appearance", "")).strip() == LIKERT and _scale(options, q):
            q["type"] = "rating"
        else:
            q["type"] = "single"
        if q["type"] != "rating":
            q["options"] = options
    elif base == "select_one_from_file":
        if words[1:] != [AREA_FILE]:
            raise XLSFormError(f"the only list from a file is {AREA_FILE} (the app's "
                               "own list of areas)", "survey", n, "type")
        q["type"] = "area"
    elif kind == "text":
        q["type"] = "text"
        if constraint:
            found = _MAX_LENGTH.match(constraint)
            if not found:
                raise XLSFormError(f"{constraint!r}: a text question's only constraint is "
                                   "string-length(.) <= N", "survey", n, "constraint")
            q["max_length"] = int(found.group(1))
    elif kind == "integer":
        found = _RANGE.match(constraint)
        if not found:
            raise XLSFormError("an integer question is a rating scale and needs a "
                               "constraint like . >= 1 and . <= 5", "survey", n, "constraint")
        q["type"] = "rating"
        q["scale"] = {"min": int(found.group(1)), "max": int(found.group(2))}
    elif _pyxform_type(kind) or _pyxform_type(base):
        raise XLSFormError(f"{kind!r} questions cannot be asked in this survey (use "
                           f"{TYPES_HELP})", "survey", n, "type")
    else:
        raise XLSFormError(f"{kind!r} is not a question type (use {TYPES_HELP})",
                           "survey", n, "type")
    help_text = survey.text(row, n, "hint")
    if help_text is not None:
        q["help"] = help_text
    q["required"] = _yes("survey", n, "required", row.get("required"))
    relevant = str(row.get("relevant", "")).strip()
    if relevant:
        q["show_if"] = parse_relevant(relevant, earlier, n)
        hint = survey.text(row, n, "guidance_hint")
        if hint is not None:
            q["show_if_hint"] = hint
    return q


def _options(list_name: str, lists, n: int) -> list[dict]:
    if lists is None:
        raise XLSFormError(f"the list {list_name!r} needs a 'choices' sheet, and the "
                           "workbook has none", "survey", n, "type")
    if list_name not in lists:
        raise XLSFormError(f"the list {list_name!r} is not on the choices sheet",
                           "survey", n, "type")
    return [dict(option) for _row, option in lists[list_name]]


def _scale(options: list[dict], q: dict) -> bool:
    """A likert list of the whole numbers lo..hi whose middle labels are their numbers is
    the app's rating scale (end labels become min_label and max_label): fill in ``q``."""
    values = [o["value"] for o in options]
    if not all(re.fullmatch(r"-?\d+", v) for v in values) or len(values) < 2:
        return False
    lo = int(values[0])
    if [int(v) for v in values] != list(range(lo, lo + len(values))):
        return False

    def plain(label, value):
        texts = label.values() if isinstance(label, dict) else [label]
        return all(t == value for t in texts)

    if not all(plain(o["label"], o["value"]) for o in options[1:-1]):
        return False
    q["scale"] = {"min": lo, "max": lo + len(values) - 1}
    for key, option in (("min_label", options[0]), ("max_label", options[-1])):
        if not plain(option["label"], option["value"]):
            q["scale"][key] = option["label"]
    return True


def parse_relevant(expression: str, earlier: list[dict], n: int) -> dict:
    """``show_if`` from a ``relevant`` expression: ``${q} = 'a' or ${q} = 'b'``,
    ``selected(${q}, 'a') or ...``, or (a one-answer question) ``${q} != 'a' and ...`` /
    ``not(selected(${q}, 'a'))``, which mean every other option."""
    def refuse(why: str):
        raise XLSFormError(f"{expression!r}: {why}", "survey", n, "relevant")

    has_or = re.search(r"\s+or\s+", expression)
    has_and = re.search(r"\s+and\s+", expression)
    if has_or and has_and:
        refuse("'and' and 'or' cannot be mixed; the app shows a question when an earlier "
               "question has one of the listed answers")
    terms = [t.strip() for t in re.split(r"\s+(?:or|and)\s+", expression)]
    parsed = []
    for term in terms:
        while term.startswith("(") and term.endswith(")"):
            term = term[1:-1].strip()
        found = _COMPARE.match(term) or _SELECTED.match(term)
        if not found:
            refuse("the app understands ${question} = 'value', ${question} != 'value' "
                   "and selected(${question}, 'value'), joined by or (or by and for !=)")
        value = found.group("v") if found.group("v") is not None else found.group("n")
        negative = found.groupdict().get("op") == "!=" or bool(found.groupdict().get("neg"))
        parsed.append((found.group("q"), value, negative, "op" in found.groupdict()))
    targets = {p[0] for p in parsed}
    if len(targets) != 1:
        refuse("every part must name the same question")
    target_id = targets.pop()
    target = next((q for q in earlier if q["id"] == target_id), None)
    if target is None:
        refuse(f"{target_id!r} is not an earlier question")
    if target["type"] == "rating":
        scale = target["scale"]
        valid = [str(v) for v in range(scale["min"], scale["max"] + 1)]
    else:
        valid = [o["value"] for o in target.get("options", [])]
    if not valid:
        refuse(f"{target_id!r} has no answers to choose from")
    negative = parsed[0][2]
    if any(p[2] != negative for p in parsed) or (has_or and negative) or (
            has_and and not negative):
        refuse("use either answers joined by or, or != answers joined by and")
    for _q, value, _neg, is_compare in parsed:
        if value not in valid:
            refuse(f"{value!r} is not an answer of {target_id!r}")
        if target["type"] == "multiple" and (is_compare or negative):
            refuse(f"{target_id!r} takes several answers: use selected(${{{target_id}}}, "
                   "'value') joined by or")
    chosen = list(dict.fromkeys(p[1] for p in parsed))
    if negative:
        chosen = [v for v in valid if v not in chosen]
    return {"question": target_id, "in": chosen}


def _pyxform_type(kind: str) -> bool:
    """Whether ``kind`` is a question type XLSForm knows (one this survey cannot ask)."""
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    return kind in QUESTION_TYPE_DICT
