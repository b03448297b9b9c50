"""Themes of what young people wrote: the council's codebook, keyword coding and
suggestions from a small model trained on the machine.

Pure: no Flask, no network, no hosted model.  The codebook is a YAML file
(``surveys/themes.yaml``, or the council's copy named by ``THEMES_FILE``) of
themes, each with an id, a label and keyword phrases.  Keywords are matched
with the safeguarding indicators' matcher (:func:`.safeguarding.compile_indicators`:
whole words, case and punctuation ignored, ``*`` for word endings), so there is one
phrase matcher in the app, not two.

A *suggestion* is never a code: only a person's confirmation makes an answer
count under a theme (:mod:`app.survey.themes_service`).  :class:`Suggester` is
TF-IDF over words and word pairs with one logistic regression per theme
(scikit-learn, one-vs-rest), trained on the person-confirmed codes plus, for
themes with too few of those, answers whose keywords match (keyword seeds).  It
suggests a theme when its keywords match or the model's probability reaches
``threshold``.  docs/SURVEYS.md gives its precision and recall on a hand-coded
sample (``bench/themes_score.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..yaml_files import load_yaml
from .definition import SURVEYS_DIR
from .safeguarding import IndicatorError, compile_indicators, match

DEFAULT_THEMES = SURVEYS_DIR / "themes.yaml"
_ID = re.compile(r"^[a-z0-9_]{1,40}$")


class CodebookError(ValueError):
    pass


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Codebook:
    themes: tuple[Theme, ...]
    patterns: tuple = field(repr=False, default=())
    # Optional: rural-urban class code -> "city", "town" or "rural" (app.publication.themes).
    area_types: dict | None = field(default=None, hash=False, compare=False)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def label(self, theme_id: str) -> str:
        for t in self.themes:
            if t.id == theme_id:
                return t.label
        return theme_id

    def keyword_themes(self, text: str | None) -> list[str]:
        """The themes whose keywords ``text`` contains, in codebook order."""
        return match(text, self.patterns) if text else []


def compile_codebook(data, where: str = "codebook") -> Codebook:
    themes_data = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(themes_data, list) or not themes_data:
        raise CodebookError(f"{where}: needs 'themes:', a list of themes")
    themes, seen = [], set()
    for n, item in enumerate(themes_data, 1):
        if not isinstance(item, dict):
            raise CodebookError(f"{where}: theme {n} must have id, label and keywords")
        tid, label, words = item.get("id"), item.get("label"), item.get("keywords")
        if not isinstance(tid, str) or not _ID.match(tid):
            raise CodebookError(f"{where}: theme {n}: id must be lower-case letters, digits "
                                "or _ (up to 40)")
        if tid in seen:
            raise CodebookError(f"{where}: theme id {tid!r} appears twice")
        seen.add(tid)
        if not isinstance(label, str) or not label.strip():
            raise CodebookError(f"{where}: theme {tid!r} needs a label")
        if not isinstance(words, list) or not words:
            raise CodebookError(f"{where}: theme {tid!r} needs a list of keywords")
        themes.append(Theme(tid, label.strip(), tuple(str(w) for w in words)))
    try:
        patterns = compile_indicators({t.id: list(t.keywords) for t in themes})
    except IndicatorError as exc:
        raise CodebookError(f"{where}: {str(exc).replace('category', 'theme')}") from None
    types = data.get("area_types")
    if types is not None and (not isinstance(types, dict) or not set(map(str, types.values()))
                              <= {"city", "town", "rural"}):
        raise CodebookError(f"{where}: area_types maps rural-urban class codes to city, town "
                            "or rural")
    return Codebook(tuple(themes), tuple(patterns),
                    {str(k).upper(): str(v) for k, v in types.items()} if types else None)


def load_codebook(path: Path | str | None = None) -> Codebook:
    """The codebook at ``path`` (the shipped one by default), re-read when it changes."""
    return load_yaml(path or DEFAULT_THEMES, compile_codebook, CodebookError,
                     "the codebook of themes")


# ---------------------------------------------------------------- suggestions

@dataclass
class Suggester:
    """TF-IDF + one-vs-rest logistic regression, fitted on the machine."""

    codebook: Codebook
    threshold: float = 0.5
    min_examples: int = 5  # a theme with fewer confirmed codes is seeded from keywords
    _vectoriser: object = field(default=None, repr=False)
    _models: dict = field(default_factory=dict, repr=False)

    def fit(self, texts: Sequence[str], codes: Sequence[Iterable[str]] | None = None,
            seed_texts: Sequence[str] = ()) -> Suggester:
        """Train on ``texts`` with their person-confirmed ``codes`` (theme ids per text),
        plus ``seed_texts`` labelled by their keywords (uncoded answers: they teach the
        model the words around the keywords)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts = list(texts)
        labels = [set(c) for c in (codes or [[] for _ in texts])]
        confirmed = {t: sum(t in s for s in labels) for t in self.codebook.ids}
        # Uncoded answers teach only where their keywords match: one matching no
        # keyword is not evidence that it is about no theme.
        seeds = [s for s in seed_texts if s and self.codebook.keyword_themes(s)]
        seed_labels = [set(self.codebook.keyword_themes(s)) for s in seeds]
        # Confirmed answers whose theme has few confirmations also get their keywords.
        sparse = {t for t, n in confirmed.items() if n < self.min_examples}
        labels = [s | (set(self.codebook.keyword_themes(x)) & sparse)
                  for s, x in zip(labels, texts, strict=True)]
        all_texts = texts + seeds
        all_labels = labels + seed_labels
        self._models = {}
        if not all_texts:
            return self
        self._vectoriser = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                           token_pattern=r"(?u)\b[a-z][a-z']+\b",
                                           lowercase=True)
        matrix = self._vectoriser.fit_transform(all_texts)
        for tid in self.codebook.ids:
            y = np.array([tid in s for s in all_labels], dtype=int)
            if 0 < y.sum() < len(y):
                model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=200,
                                           solver="liblinear")
                self._models[tid] = model.fit(matrix, y)
        return self

    def probabilities(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        if self._vectoriser is None or not texts:
            return {}
        matrix = self._vectoriser.transform(list(texts))
        return {tid: m.predict_proba(matrix)[:, 1] for tid, m in self._models.items()}

    def suggest(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """For each text, {theme id: score} of the themes suggested: 1.0 for a keyword
        match, else the model's probability when it reaches ``threshold``."""
        texts = list(texts)
        probs = self.probabilities(texts)
        out: list[dict[str, float]] = []
        for i, text in enumerate(texts):
            got = {t: 1.0 for t in self.codebook.keyword_themes(text)}
            for tid, p in probs.items():
                if tid not in got and p[i] >= self.threshold:
                    got[tid] = round(float(p[i]), 3)
            out.append(got)
        return out


def keyword_suggestions(codebook: Codebook, texts: Sequence[str]) -> list[dict[str, float]]:
    """Keywords alone, the baseline the model is scored against."""
    return [{t: 1.0 for t in codebook.keyword_themes(x)} for x in texts]


def score(truth: Sequence[set[str]], predicted: Sequence[Iterable[str]],
          theme_ids: Sequence[str]) -> dict[str, dict[str, float | int]]:
    """Precision, recall and support per theme (and "all", micro-averaged)."""
    out: dict[str, dict[str, float | int]] = {}
    tp_all = fp_all = fn_all = 0
    for tid in theme_ids:
        tp = sum(tid in t and tid in set(p) for t, p in zip(truth, predicted, strict=True))
        fp = sum(tid not in t and tid in set(p) for t, p in zip(truth, predicted, strict=True))
        fn = sum(tid in t and tid not in set(p) for t, p in zip(truth, predicted, strict=True))
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        out[tid] = {"precision": tp / (tp + fp) if tp + fp else 0.0,
                    "recall": tp / (tp + fn) if tp + fn else 0.0, "support": tp + fn}
    out["all"] = {"precision": tp_all / (tp_all + fp_all) if tp_all + fp_all else 0.0,
                  "recall": tp_all / (tp_all + fn_all) if tp_all + fn_all else 0.0,
                  "support": tp_all + fn_all}
    return out


# ------------------------------------------------------------ personal details

_EMAIL = re.compile(r"[\w.+-]+\s*@\s*[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+?44\s?|0)(?:\d[\s-]?){9,10}(?!\d)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)
_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9_.]{2,}")
_NAMED = re.compile(r"\b(?:my name is|i am called|i'm called|call me)\s+[A-Za-z]", re.I)


def personal_details(text: str) -> list[str]:
    """What in ``text`` looks like a personal detail: a quote containing any of them
    is never approved for publication."""
    found = []
    for label, pattern in (("an email address", _EMAIL), ("a phone number", _PHONE),
                           ("a postcode", _POSTCODE), ("a social media handle", _HANDLE),
                           ("a name", _NAMED)):
        if pattern.search(text or ""):
            found.append(label)
    return found
