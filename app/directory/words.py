"""Search words as people type them: synonyms, plurals and typos.  No Flask.

The public search matches each word of the query against a listing's name,
description, venue, address, organisation and type, after three steps:

* **word forms**: case, punctuation and simple endings are ignored
  (:func:`stem`: "clubs" = "club", "boxing" = "box"), and a word also finds
  longer words it starts ("climb" finds "climbing");
* **synonyms**: a word or phrase in one of the groups of
  ``surveys/search_synonyms.yaml`` (or the council's own file,
  ``SEARCH_SYNONYMS_FILE``) finds every other member of its group
  ("football" finds "Town FC Juniors", "cubs" finds "Scouts");
* **typos**: a word of four letters or more that no listing and no synonym
  uses is replaced by the nearest words that are used ("fotball" ->
  "football"), and the page says so.

Typo tolerance uses :mod:`difflib` from the standard library: no fuzzy-matching
library (rapidfuzz and the like) is installed, and the vocabulary is small (the
words of a council's few hundred listings), so ``difflib.get_close_matches``
is quick enough and adds no dependency.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..yaml_files import load_yaml

DEFAULT_SYNONYMS = Path(__file__).resolve().parents[2] / "surveys" / "search_synonyms.yaml"
MAX_TERMS = 8
TYPO_MIN_LENGTH = 4  # shorter words have too many near neighbours to guess at
TYPO_CUTOFF = 0.8  # difflib's similarity ratio: one wrong letter in five
PREFIX_MIN_LENGTH = 3
_WORD = re.compile(r"[a-z0-9]+")


class SynonymError(ValueError):
    """The synonyms file cannot be used; the message names the file and the group."""


def stem(word: str) -> str:
    """A rough English stem, the same on both sides of a match: plurals, "-ing" and a
    final "e" go ("clubs" -> "club", "boxing" -> "box", "dance"/"dancing" -> "danc")."""
    w = word.lower().removesuffix("'s")
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def words(text: str | None) -> list[str]:
    """The stemmed words of ``text`` (lower case, punctuation dropped)."""
    return [stem(w) for w in _WORD.findall((text or "").lower().replace("'s", ""))]


def vocabulary_of(texts) -> dict[str, str]:
    """Stemmed word -> a word as written, for every word of ``texts`` (for typos)."""
    out: dict[str, str] = {}
    for text in texts:
        for w in _WORD.findall((text or "").lower().replace("'s", "")):
            out.setdefault(stem(w), w)
    return out


@dataclass(frozen=True)
class Synonyms:
    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    index: dict = field(default_factory=dict)  # phrase (stemmed words) -> group number
    longest: int = 1
    written: dict = field(default_factory=dict)  # one-word phrase's stem -> the word

    def group_of(self, phrase: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        number = self.index.get(phrase)
        return () if number is None else self.groups[number]


def compile_synonyms(data) -> Synonyms:
    """Check the file's shape and turn its groups into stemmed phrases."""
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        raise SynonymError("must have a 'groups:' list (each group a list of words)")
    groups, index, written = [], {}, {}
    for number, group in enumerate(data["groups"], start=1):
        if not isinstance(group, list) or len(group) < 2:
            raise SynonymError(f"group {number} must be a list of two or more words")
        phrases = []
        for item in group:
            phrase = tuple(words(str(item))) if isinstance(item, (str, int)) else ()
            if not phrase:
                raise SynonymError(f"group {number} has an empty or unreadable entry {item!r}")
            if phrase not in phrases:
                phrases.append(phrase)
            if len(phrase) == 1:
                written.setdefault(phrase[0], str(item).lower())
        for phrase in phrases:
            # A word in two groups finds both: merge them.
            if phrase in index:
                other = index[phrase]
                merged = groups[other] + tuple(p for p in phrases if p not in groups[other])
                groups[other] = merged
                for p in merged:
                    index[p] = other
                break
        else:
            for phrase in phrases:
                index[phrase] = len(groups)
            groups.append(tuple(phrases))
    return Synonyms(tuple(groups), index, max((len(p) for p in index), default=1), written)


def load_synonyms(path: Path | str | None = None) -> Synonyms:
    """The synonyms in ``path`` (the shipped file by default), re-read when it changes."""
    return load_yaml(path or DEFAULT_SYNONYMS, compile_synonyms, SynonymError,
                     "the search synonyms")


@dataclass
class Term:
    """One thing the searcher asked for: what they typed and every phrase that counts."""

    typed: str
    phrases: set = field(default_factory=set)
    corrected: list[str] = field(default_factory=list)


@dataclass
class Query:
    terms: list[Term]

    @property
    def corrections(self) -> list[tuple[str, list[str]]]:
        return [(t.typed, t.corrected) for t in self.terms if t.corrected]

    def matches(self, text_words: list[str]) -> bool:
        """Every term found in the listing's words."""
        return all(any(_has(text_words, p) for p in t.phrases) for t in self.terms)


def _has(text: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    for i in range(len(text) - n + 1):
        if text[i:i + n - 1] != list(phrase[:-1]):
            continue
        last, got = phrase[-1], text[i + n - 1]
        if got == last or (len(last) >= PREFIX_MIN_LENGTH and got.startswith(last)):
            return True
    return False


def _known(word: str, vocabulary: dict[str, str], synonyms: Synonyms) -> bool:
    if (word,) in synonyms.index:
        return True
    return any(v == word or (len(word) >= PREFIX_MIN_LENGTH and v.startswith(word))
               for v in vocabulary)


def parse_query(text: str, synonyms: Synonyms, vocabulary: dict[str, str]) -> Query:
    """The query's terms, each with its synonyms and (for an unknown word) its nearest
    known words.  ``vocabulary`` is :func:`vocabulary_of` the listings' text."""
    raw = _WORD.findall((text or "").lower().replace("'s", ""))[:MAX_TERMS]
    stems = [stem(w) for w in raw]
    terms, i = [], 0
    while i < len(stems):
        for size in range(min(synonyms.longest, len(stems) - i), 1, -1):
            phrase = tuple(stems[i:i + size])
            if phrase in synonyms.index:
                terms.append(Term(" ".join(raw[i:i + size]), set(synonyms.group_of(phrase))))
                i += size
                break
        else:
            word = stems[i]
            term = Term(raw[i], {(word,), *synonyms.group_of((word,))})
            if len(word) >= TYPO_MIN_LENGTH:
                # A word cut short ("footbal") finds the synonyms of the words it starts.
                for longer in synonyms.written:
                    if longer.startswith(word):
                        term.phrases |= set(synonyms.group_of((longer,)))
                if not _known(word, vocabulary, synonyms):
                    known = {**synonyms.written, **vocabulary}
                    for near in difflib.get_close_matches(word, sorted(known), n=3,
                                                          cutoff=TYPO_CUTOFF):
                        term.corrected.append(known[near])
                        term.phrases |= {(near,), *synonyms.group_of((near,))}
            terms.append(term)
            i += 1
    return Query(terms)
