"""What one survey submission costs in one process, beside the minimal form.

No server and no network: the Flask test client sends GET then POST, as in
bench/load_survey.py, with the app configured as in production (rate limits off),
on a throwaway SQLite file or PostgreSQL database.  Prints milliseconds per GET,
per POST and per submission, best of ``--repeats`` rounds of ``--submissions``.

    .venv/bin/python bench/survey_cost.py
    .venv/bin/python bench/survey_cost.py --db postgresql --submissions 500
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load_harness as h  # noqa: E402


def _round(app, path: str, n: int) -> tuple[float, float]:
    from werkzeug.datastructures import MultiDict

    client = app.test_client()
    get_s = post_s = 0.0
    for _ in range(n):
        t0 = time.perf_counter()
        resp = client.get(path)
        t1 = time.perf_counter()
        if resp.status_code != 200:
            raise SystemExit(f"GET {path} gave {resp.status_code}")
        form = h.parse_form(resp.get_data(as_text=True))
        for name, value in h.SURVEY_ANSWERS.items():
            if form.value(name) is not None:
                form.set(name, value)
        data = MultiDict(form.fields)
        t2 = time.perf_counter()
        resp = client.post(path, data=data)
        t3 = time.perf_counter()
        if resp.status_code != 200:
            raise SystemExit(f"POST {path} gave {resp.status_code}: "
                             f"{h.error_text(resp.get_data(as_text=True))}")
        get_s += t1 - t0
        post_s += t3 - t2
    return 1000 * get_s / n, 1000 * post_s / n


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--submissions", type=int, default=300)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args(argv)

    url, drop = h.make_database(args.db, "cost")
    try:
        h.create_schema(url)
        os.environ.update(h.app_env(url))
        import load_minimal_app as minimal

        from wsgi import app as survey_app

        targets = (("minimal form", minimal.app, "/form"),
                   ("survey", survey_app, "/survey/youth-voice"))
        best: dict[str, tuple[float, float]] = {}
        for _name, app, path in targets:
            _round(app, path, 20)  # warm: definitions loaded, pools filled
        for _ in range(args.repeats):
            for name, app, path in targets:
                got = _round(app, path, args.submissions)
                if name not in best or sum(got) < sum(best[name]):
                    best[name] = got
        print(f"{args.db}: {args.submissions} submissions per round, best of {args.repeats}")
        print(f"{'target':<14}{'GET ms':>8}{'POST ms':>9}{'total ms':>10}")
        for name, (get_ms, post_ms) in best.items():
            print(f"{name:<14}{get_ms:>8.2f}{post_ms:>9.2f}{get_ms + post_ms:>10.2f}")
        ratio = sum(best["minimal form"]) / sum(best["survey"])
        print(f"survey costs {1 / ratio:.2f}x the minimal form per submission")
    finally:
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
