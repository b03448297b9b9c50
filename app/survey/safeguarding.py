"""Safeguarding indicators: flag free text that suggests a young person may be at risk.

Pure: no Flask.  The indicator list is a YAML file of ``category: [phrases]``
(``surveys/safeguarding_indicators.yaml`` by default).  Matching ignores case
and punctuation and matches whole words; a phrase ending in ``*`` matches any
word that starts with it.  It is a prompt for a human, never a diagnosis: it
errs on the side of flagging.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..yaml_files import load_yaml
from .definition import SURVEYS_DIR

DEFAULT_INDICATORS = SURVEYS_DIR / "safeguarding_indicators.yaml"


class IndicatorError(ValueError):
    pass


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9'*]+", " ", text)
    return f" {text.strip()} "


def compile_indicators(data) -> list[tuple[str, re.Pattern]]:
    if not isinstance(data, dict) or not data:
        raise IndicatorError("the indicator file must map categories to lists of phrases")
    out = []
    for category, phrases in data.items():
        if not isinstance(phrases, list) or not phrases:
            raise IndicatorError(f"category {category!r} needs a list of phrases")
        parts = []
        for phrase in phrases:
            if not isinstance(phrase, str) or not phrase.strip():
                raise IndicatorError(f"category {category!r} has an empty phrase")
            words = _normalise(phrase.rstrip("*")).split()
            if not words:
                raise IndicatorError(f"category {category!r}: phrase {phrase!r} has no words")
            body = r"\s+".join(re.escape(w) for w in words)
            tail = r"[a-z0-9']*" if phrase.strip().endswith("*") else ""
            parts.append(body + tail)
        out.append((str(category), re.compile(r"(?<![a-z0-9'])(?:" + "|".join(parts)
                                              + r")(?![a-z0-9'])")))
    return out


def load_indicators(path: Path | str | None = None) -> tuple:
    return load_yaml(path or DEFAULT_INDICATORS, _compiled, IndicatorError,
                     "the safeguarding indicators")


def _compiled(data) -> tuple:
    """:func:`compile_indicators` as a tuple (a module function: the cache keys on it)."""
    return tuple(compile_indicators(data))


def match(text: str | None, indicators) -> list[str]:
    """The indicator categories ``text`` matches, in file order."""
    if not text:
        return []
    norm = _normalise(text)
    return [category for category, pattern in indicators if pattern.search(norm)]
