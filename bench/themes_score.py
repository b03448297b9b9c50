"""Score the themes method against the hand-coded sample (issue 25).

    .venv/bin/python bench/themes_score.py [--folds 5]

The sample (tests/survey/data/themes_sample.csv) is ~300 made-up short answers
written and hand-coded for this purpose (not from real people).  Five-fold
cross-validation: the suggester is trained on four folds' hand codes (as if a
person had confirmed them) plus the fifth fold's words uncoded (keyword seeds, as on
the coding page), then suggests themes for the fifth.  Prints precision and recall
per theme for keywords alone and for keywords + model, as a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.survey.themes import Suggester, keyword_suggestions, load_codebook, score  # noqa: E402

SAMPLE = ROOT / "tests" / "survey" / "data" / "themes_sample.csv"


def read_sample(path: Path = SAMPLE) -> tuple[list[str], list[set[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [{t for t in r["themes"].split(";") if t} for r in rows]


def cross_validate(texts, truth, folds: int = 5, threshold: float = 0.5):
    book = load_codebook()
    predicted: list = [None] * len(texts)
    for k in range(folds):
        test = [i for i in range(len(texts)) if i % folds == k]
        train = [i for i in range(len(texts)) if i % folds != k]
        model = Suggester(book, threshold=threshold).fit(
            [texts[i] for i in train], [truth[i] for i in train],
            seed_texts=[texts[i] for i in test])
        for i, got in zip(test, model.suggest([texts[i] for i in test]), strict=True):
            predicted[i] = set(got)
    return predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    book = load_codebook()
    texts, truth = read_sample()
    kw = score(truth, [set(s) for s in keyword_suggestions(book, texts)], book.ids)
    ml = score(truth, cross_validate(texts, truth, args.folds, args.threshold), book.ids)
    print(f"{len(texts)} answers, {args.folds}-fold cross-validation, threshold "
          f"{args.threshold}\n")
    print("| Theme | Answers | Keywords: precision | recall | Keywords + model: precision "
          "| recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for tid in book.ids + ["all"]:
        label = book.label(tid) if tid != "all" else "**All themes (micro)**"
        print(f"| {label} | {kw[tid]['support']} | {kw[tid]['precision']:.2f} | "
              f"{kw[tid]['recall']:.2f} | {ml[tid]['precision']:.2f} | "
              f"{ml[tid]['recall']:.2f} |")


if __name__ == "__main__":
    main()
