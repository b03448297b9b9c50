"""The shipped translations are complete: a string without a translation fails here.

* every catalogue of ``SUPPORTED_LANGUAGES`` (``app/translations/<code>/LC_MESSAGES/
  messages.po``) translates every msgid of the template, none fuzzy, with the same
  ``%(name)s`` / ``{name}`` placeholders;
* the template (``app/translations/messages.pot``) is what ``pybabel extract`` finds
  in the code and templates now, so a newly marked string cannot skip the catalogues;
* every text of every shipped survey file has every shipped language.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from app.config import SETTINGS
from app.survey.definition import Text, definition_files, load_file

ROOT = Path(__file__).resolve().parent.parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
POT = TRANSLATIONS / "messages.pot"
DEFAULT_LANGUAGES = next(s.default for s in SETTINGS if s.name == "SUPPORTED_LANGUAGES")
# The shipped languages; a council checks its own with SUPPORTED_LANGUAGES=en,cy,pl,ro.
SHIPPED = [c.strip() for c in (os.environ.get("SUPPORTED_LANGUAGES") or DEFAULT_LANGUAGES)
           .split(",") if c.strip() and c.strip() != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_polish_and_romanian_are_shipped():
    assert {"pl", "ro"} <= set(DEFAULT_LANGUAGES.split(","))


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_string_is_translated(lang):
    po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    assert po.exists(), f"{lang}: no catalogue at {po.relative_to(ROOT)} (pybabel init -l {lang})"
    with POT.open("rb") as f:
        wanted = _ids(read_po(f))
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    assert not catalog.fuzzy, f"{lang}: the catalogue's header is marked fuzzy"
    problems = []
    for msgid in sorted(wanted, key=str):
        message = catalog.get(msgid)
        english = msgid if isinstance(msgid, tuple) else (msgid,)
        strings = message.string if message is not None else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if message is None or not all(strings):
            problems.append(f"untranslated: {english[0]!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy (check, then remove the flag): {english[0]!r}")
        elif any(_placeholders(s) != _placeholders(english[-1]) for s in strings):
            problems.append(f"placeholders differ: {english[0]!r}")
    assert not problems, f"{lang}: " + "\n".join(problems)
    # Babel's own checks (python-format placeholders and their types).
    assert not list(catalog.check()), f"{lang}: pybabel's checks fail"


def test_the_template_is_up_to_date(tmp_path):
    """``pybabel extract`` now finds exactly the template's strings (docs/SURVEYS.md,
    "Languages", says how to update it and the catalogues)."""
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
                                "--no-location", "--sort-output", "-o", str(fresh), str(ROOT)])
    with fresh.open("rb") as f:
        found = _ids(read_po(f))
    with POT.open("rb") as f:
        kept = _ids(read_po(f))
    assert not found - kept, f"marked but not in messages.pot: {sorted(found - kept, key=str)}"
    assert not kept - found, f"in messages.pot but no longer used: {sorted(kept - found, key=str)}"


def _texts(definition):
    yield "title", definition.title
    yield "intro", definition.intro
    for q in definition.questions:
        for name in ("label", "help", "min_label", "max_label", "show_if_hint"):
            yield f"{q.id}.{name}", getattr(q, name)
        for o in q.options:
            yield f"{q.id}.{o.value}", o.label


@pytest.mark.parametrize("path", definition_files(), ids=lambda p: p.name)
def test_every_shipped_survey_text_is_translated(path):
    definition = load_file(path)
    missing = [f"{where} ({lang})" for where, text in _texts(definition) if text
               for lang in SHIPPED
               if not (isinstance(text, Text) and text.translations.get(lang))]
    assert not missing, f"{path.name}: no translation for " + ", ".join(missing)
