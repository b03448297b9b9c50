"""Attack (a) of issue 29, differencing with planted answers, on the demo county
over many snapshots.

Builds the demo county (1,500 answers, 60 parishes) in a throwaway SQLite
database.  Then every night for ``--nights`` nights the outsider sends 7 answers
of their own through the public survey form (varied: identical from one parish,
different from one parish, or spread over 7 parishes), one young person answers
in a random parish and age band, and a snapshot is published.  An integer
program over each pair of consecutive snapshots (and the first against the last)
knows the planted answers and the release model and tries to prove the young
person's parish or age band, or any true count of 1-7 the new answers are in
(every one, for the first against the last).  The attacker and its model of
the demo are tests/publication/attacker.py and demo_attack.py.  Prints each night
and a summary, with the release model and (``--control``) without.  Too slow for
the test suite (tests/publication/test_differencing_demo.py runs 2 nights); its
result is in docs/DISCLOSURE.md.

    nice .venv/bin/python bench/release_differencing_demo.py --nights 40
    nice .venv/bin/python bench/release_differencing_demo.py --nights 40 --control
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
os.environ.setdefault("APP_ENV", "testing")

import load_harness as h  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nights", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--control", action="store_true",
                        help="without the release model and holds (as test_repeated.py's control)")
    args = parser.parse_args()
    import pytest
    from flask import g

    from app import create_app
    from app.demo import build_demo
    from app.extensions import db
    from tests.conftest import TEST_CONFIG, Auth
    from tests.publication.demo_attack import nights
    from tests.publication.support import UNPROTECTED_OVER_TIME

    url, drop = h.make_database("sqlite", "differencing")
    mp = pytest.MonkeyPatch()
    start = time.monotonic()
    try:
        h.create_schema(url)
        config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url}
        if args.control:
            config.update(UNPROTECTED_OVER_TIME)
        app = create_app(config)
        # As tests/conftest.py's app: one app context for every request, so drop
        # what the last request left on ``g``.
        app.before_request(lambda: g.pop("_login_user", None) and None)
        with app.app_context():
            build_demo(db.session, progress=lambda *_a: None, config=app.config)
            client = app.test_client()
            print(f"demo built in {time.monotonic() - start:.0f} s", flush=True)
            out = nights(client, db, Auth(client, db), mp, args.nights, config={},
                         seed=args.seed,
                         log=lambda m: print(f"[{time.monotonic() - start:.0f} s] {m}",
                                             flush=True))
            per = out["nights"]
            pinned = sum(1 for r in per if r["pins"])
            rec = sum(len(r["recovered"]) for r in per)
            tried = sum(r["tried"] for r in per)
            young = sum(r["young"] for r in per)
            label = "without the release model" if args.control else "with the release model"
            last = out["first_last"]
            print(f"{args.nights} nights, {label}: {young} of {args.nights} young people "
                  f"counted; {pinned} had their parish or age band pinned over consecutive "
                  f"snapshots; {rec} of {tried} tries at true counts of 1-7 recovered; "
                  f"first against last: pinned {len(last['pins'])} parishes/age bands, "
                  f"recovered {len(last['recovered'])} of {last['tried']} counts of 1-7; "
                  f"{time.monotonic() - start:.0f} s", flush=True)
            db.session.remove()
            db.engine.dispose()
    finally:
        mp.undo()
        drop()


if __name__ == "__main__":
    main()
