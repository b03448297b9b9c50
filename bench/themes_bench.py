"""Time coding 10,000 free-text answers into themes (issue 25; goal under 60 s on 2 cores).

    OMP_NUM_THREADS=2 .venv/bin/python bench/themes_bench.py [--answers 10000]

The answers are made up: the hand-coded sample's answers joined in random pairs
(seeded), so the words are realistic and no two answers need be the same.  Times
(1) keyword coding, (2) fitting the suggester on the sample's hand codes (as if
confirmed by a person) with the 10,000 answers as keyword seeds, as the coding
page's "Suggest themes" does, (3) suggesting themes for all of them.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.survey.themes import Suggester, keyword_suggestions, load_codebook  # noqa: E402
from bench.themes_score import read_sample  # noqa: E402


def answers(n: int, seed: int = 25) -> list[str]:
    texts, _truth = read_sample()
    rng = random.Random(seed)
    return [f"{rng.choice(texts)} and {rng.choice(texts)}" if rng.random() < 0.6
            else rng.choice(texts) for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=10_000)
    args = parser.parse_args()
    book = load_codebook()
    texts = answers(args.answers)
    sample, truth = read_sample()
    t0 = time.perf_counter()
    kw = keyword_suggestions(book, texts)
    t1 = time.perf_counter()
    model = Suggester(book).fit(sample, truth, seed_texts=texts)
    t2 = time.perf_counter()
    got = model.suggest(texts)
    t3 = time.perf_counter()
    print(f"answers: {len(texts):,} (cores seen: {os.cpu_count()}, "
          f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']})")
    print(f"keyword coding:   {t1 - t0:6.2f} s ({sum(map(bool, kw)):,} answers with a keyword)")
    print(f"fit suggester:    {t2 - t1:6.2f} s")
    print(f"suggest themes:   {t3 - t2:6.2f} s ({sum(map(bool, got)):,} answers with a theme)")
    print(f"total:            {t3 - t0:6.2f} s (goal: under 60 s)")


if __name__ == "__main__":
    main()
