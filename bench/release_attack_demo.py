"""The noise-averaging attack of issue 29 on the demo county, over 40 snapshots.

Builds the demo county (1,500 answers, 60 parishes) in a throwaway SQLite
database; then for ``--nights`` nights adds one open-link answer per parish
ticking every barrier (as a web answer, checked like any other) and publishes a
snapshot each night.  The attacker (tests/publication/averaging.py) works out a
posterior over each parish's starting counts (answers, and those citing cost,
transport and nothing near) from the published values and the p-table, and calls
a count when its posterior is 0.95 or more.  Prints how many true counts of 1-7
were called right and wrong, with the release model and (``--control``) without.
Too slow for the test suite; its result is in docs/DISCLOSURE.md.

    .venv/bin/python bench/release_attack_demo.py
    .venv/bin/python bench/release_attack_demo.py --control
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("APP_ENV", "testing")

import load_harness as h  # noqa: E402

COLS = ("responses", "cites_cost", "cites_transport", "cites_nothing_near")
KINDS = {"cites_cost": "cost", "cites_transport": "transport",
         "cites_nothing_near": "nothing_near"}


def _truth(session, codes) -> dict:
    from sqlalchemy import select

    from app.models import Answer, Response

    kinds: dict = {}
    for rid, value in session.execute(select(Answer.response_id, Answer.value)
                                      .where(Answer.question_id == "barriers")):
        kinds.setdefault(rid, set()).add(value)
    t = {(c, col): 0 for c in codes for col in COLS}
    for rid, code in session.execute(select(Response.id, Response.area_code)):
        if code in codes:
            t[(code, "responses")] += 1
            for col, kind in KINDS.items():
                t[(code, col)] += kind in kinds.get(rid, ())
    return t


def _plant(session, survey, codes, night: int) -> None:
    from app.models import Answer, Response

    day = date(2026, 6, 1) + timedelta(days=night)
    for k, code in enumerate(codes):
        r = Response(survey_id=survey.id, survey_slug=survey.slug,
                     survey_version=survey.version, token=f"plant-{night}-{k}",
                     submitted_on=day, area_level="parish", area_code=code,
                     age_band="16-17", review="new")
        r.answers = [Answer(question_id="barriers", value=v)
                     for v in ("cost", "transport", "nothing_near", "time")]
        session.add(r)
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nights", type=int, default=40)
    parser.add_argument("--control", action="store_true",
                        help="without the release model and holds")
    args = parser.parse_args()
    from sqlalchemy import select

    from app import create_app
    from app.demo import build_demo
    from app.extensions import db
    from app.models import Area, Survey
    from app.publication import CellKeyMethod, Schedule, publish, voice
    from tests.publication.averaging import Posterior
    from tests.publication.support import UNPROTECTED_OVER_TIME

    url, drop = h.make_database("sqlite", "attack")
    try:
        h.create_schema(url)
        config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url}
        if args.control:
            config.update({**UNPROTECTED_OVER_TIME, "PUBLISH_BREAKDOWN_MIN": 50})
        app = create_app(config)
        with app.app_context():
            build_demo(db.session, progress=lambda *_a: None, config=app.config)
            codes = sorted(db.session.scalars(select(Area.code).where(Area.level == "parish")))
            survey = db.session.scalar(select(Survey).where(Survey.is_current.is_(True)))
            truth = _truth(db.session, set(codes))
            seen = {key: [] for key in truth}
            for night in range(args.nights + 1):
                if night:
                    _plant(db.session, survey, codes, night)
                    publish(db.session, CellKeyMethod.from_config(app.config),
                            Schedule.from_config(app.config), trigger="bench")
                frame = voice(db.session, "parish", codes)
                for (code, col) in seen:
                    value = frame.at[code, col]
                    seen[(code, col)].append(None if value is None else int(value))
            post = Posterior(d=4, variance=2.5)
            small = [k for k, v in truth.items() if 1 <= v <= 7]
            right = wrong = 0
            for key in small:
                called, p = post.call(seen[key], fresh_only=not args.control)
                if called is not None and p >= 0.95:
                    right += called == truth[key]
                    wrong += called != truth[key]
            label = "without the release model" if args.control else "with the release model"
            print(f"{args.nights} snapshots, {label}: {len(small)} true counts of 1-7; "
                  f"called right with posterior >= 0.95: {right}; called wrong: {wrong}")
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
