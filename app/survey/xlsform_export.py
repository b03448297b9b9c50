"""A survey definition dict written as an XLSForm workbook (``.xlsx`` bytes).  Pure.

The inverse of :func:`app.survey.xlsform.read_xlsform`: reading the workbook back gives
the same definition (``tests/survey/test_xlsform.py``), and pyxform converts it to an
XForm, so ODK and Kobo tools open it too.  The conventions (which XLSForm type each of
the app's question types becomes) are in docs/SURVEYS.md, "XLSForm".
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written (app start-up)
    from openpyxl import Workbook

from .xlsform import AGE_LIST, AREA_FILE, ENGLISH, LIKERT, TITLE_LANGS, language_header

SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "constraint",
                  "appearance", "guidance_hint")
TEXT_KEYS = {"label": "label", "hint": "help", "guidance_hint": "show_if_hint"}


def _languages(definition: dict) -> list[str]:
    """Every language code a text of the definition is given in, English first; none
    when every text is plain (English) text."""
    texts = [definition.get("title"), definition.get("intro")]
    for q in definition.get("questions", []):
        texts += [q.get("label"), q.get("help"), q.get("show_if_hint")]
        texts += [o.get("label") for o in q.get("options", [])]
        texts += [(q.get("scale") or {}).get(k) for k in ("min_label", "max_label")]
    found: dict[str, None] = {}
    for text in texts:
        if isinstance(text, dict):
            found.update(dict.fromkeys(text))
    codes = sorted(found, key=lambda c: c != ENGLISH)
    return codes if codes and codes != [ENGLISH] else []


def _headers(column: str, languages: list[str]) -> list[str]:
    return [language_header(column, c) for c in languages] if languages else [column]


def _cells(column: str, value, languages: list[str]) -> dict[str, str]:
    """``{header: text}`` for one text field (a string is English)."""
    if value in (None, ""):
        return {}
    if not languages:
        return {column: value}
    given = value if isinstance(value, dict) else {ENGLISH: value}
    return {language_header(column, code): text for code, text in given.items()}


def _relevant(show_if: dict, target: dict) -> str:
    chosen = [str(v) for v in show_if["in"]]
    qid = show_if["question"]
    if target["type"] == "multiple":
        return " or ".join(f"selected(${{{qid}}}, '{v}')" for v in chosen)
    if target["type"] == "rating":
        scale = target.get("scale") or {}
        valid = [str(v) for v in range(scale.get("min", 1), scale.get("max", 5) + 1)]
    else:
        valid = [str(o["value"]) for o in target["options"]]
    others = [v for v in valid if v not in chosen]
    if others and len(others) < len(chosen) and chosen == [v for v in valid if v in chosen]:
        return " and ".join(f"${{{qid}}} != '{v}'" for v in others)
    return " or ".join(f"${{{qid}}} = '{v}'" for v in chosen)


def _rating_options(q: dict, languages: list[str]) -> list[dict]:
    """The likert list of a rating: its numbers (in every language), the end labels."""
    scale = q.get("scale") or {}
    lo, hi = scale.get("min", 1), scale.get("max", 5)
    options = [{"value": str(v), "label": dict.fromkeys(languages, str(v)) or str(v)}
               for v in range(lo, hi + 1)]
    if scale.get("min_label"):
        options[0]["label"] = scale["min_label"]
    if scale.get("max_label"):
        options[-1]["label"] = scale["max_label"]
    return options


def _list_name(q: dict, taken: set[str]) -> str:
    if q["type"] == "age_band":
        return AGE_LIST
    name = q["id"] if q["id"] != AGE_LIST else f"{AGE_LIST}_options"
    while name in taken:
        name += "_"
    return name


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[dict], first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:  # text, never a formula, whatever a label starts with
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    return sheet


def write_xlsform(definition: dict) -> bytes:
    """The XLSForm workbook (``.xlsx`` bytes) of a definition dict (as in ``surveys/``)."""
    languages = _languages(definition)
    survey_rows: list[dict] = []
    choice_rows: list[dict] = []
    lists: set[str] = set()
    by_id = {q["id"]: q for q in definition["questions"]}
    if definition.get("intro"):
        survey_rows.append({"type": "note", "name": "intro",
                            **_cells("label", definition["intro"], languages)})
    for q in definition["questions"]:
        row: dict = {"name": q["id"], "required": "yes" if q.get("required") else None}
        for column, key in TEXT_KEYS.items():
            row.update(_cells(column, q.get(key), languages))
        options = q.get("options", [])
        if q["type"] == "area":
            row["type"] = f"select_one_from_file {AREA_FILE}"
        elif q["type"] == "text":
            row["type"] = "text"
            if q.get("max_length"):
                row["constraint"] = f"string-length(.) <= {q['max_length']}"
        else:
            if q["type"] == "rating":
                options, row["appearance"] = _rating_options(q, languages), LIKERT
            list_name = _list_name(q, lists)
            lists.add(list_name)
            kind = "select_multiple" if q["type"] == "multiple" else "select_one"
            row["type"] = f"{kind} {list_name}"
            for option in options:
                choice_rows.append({"list_name": list_name, "name": str(option["value"]),
                                    **_cells("label", option["label"], languages)})
        if q.get("show_if"):
            row["relevant"] = _relevant(q["show_if"], by_id[q["show_if"]["question"]])
        survey_rows.append(row)
    title = definition["title"]
    titles = title if isinstance(title, dict) else {ENGLISH: title}
    settings: dict = {"form_id": definition["slug"], "version": str(definition["version"]),
                      "form_title": titles.get(ENGLISH),
                      **{language_header(TITLE_LANGS, code): text
                         for code, text in titles.items() if code != ENGLISH}}
    if languages:
        settings["default_language"] = f"{language_header('x', ENGLISH)[3:]}"
    if definition.get("default"):
        settings["default"] = "yes"
    for key in ("opens_on", "closes_on"):
        if definition.get(key):
            settings[key] = str(definition[key])
    from openpyxl import Workbook

    workbook = Workbook()
    survey_headers = [h for column in SURVEY_COLUMNS
                      for h in (_headers(column, languages) if column in TEXT_KEYS
                                else [column])]
    _sheet(workbook, "survey", survey_headers, survey_rows, first=True)
    _sheet(workbook, "choices", ["list_name", "name", *_headers("label", languages)],
           choice_rows)
    _sheet(workbook, "settings", [
        "form_title", *[language_header(TITLE_LANGS, c) for c in languages if c != ENGLISH],
        "form_id", "version", *(["default_language"] if languages else []),
        "default", "opens_on", "closes_on"], [settings])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
