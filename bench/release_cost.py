"""What the release model costs in accuracy, on the demo county.

Builds the demo county (1,500 answers, first snapshot) in a throwaway SQLite
database, then for ``--weeks`` weeks adds ``--per-week`` new answers (copies of
random demo answers with new record keys, through the same campaign link or the
open link as the answer copied) and publishes a snapshot each week.  For every
published cell it compares the published value with the true count, and with
the value the cell key method alone would give now (every cell worked out again,
as before the release model).  Prints, per snapshot: cells, cells kept from an
earlier snapshot, cells hidden ([c]), and the mean absolute difference from the
true count of shown cells, with and without the release model.

    .venv/bin/python bench/release_cost.py
    .venv/bin/python bench/release_cost.py --weeks 12 --per-week 60
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("APP_ENV", "testing")

import load_harness as h  # noqa: E402


def _record(rows):
    """Wrap the release model's cell so every decision is written down."""
    import importlib

    release = importlib.import_module("app.publication.release")
    original = release.Releaser.cell

    def cell(self, cid, members, margin=None):
        members = list(members)
        first = cid not in self.state
        value = original(self, cid, members, margin)
        if first:
            fresh = self._value(len(members), release.cell_key(m.record_key for m in members),
                                margin)
            rows.append((len(members), value, fresh, self.state[cid][1] != self.top))
        return value

    release.Releaser.cell = cell


def _add_week(session, rng, n: int, day) -> None:
    from sqlalchemy import select

    from app.models import Answer, Response

    ids = session.scalars(select(Response.id).where(Response.review.is_(None))).all()
    for k in range(n):
        src = session.get(Response, rng.choice(ids))
        copy = Response(survey_id=src.survey_id, survey_slug=src.survey_slug,
                        survey_version=src.survey_version, token=f"bench-{day}-{k}",
                        submitted_on=day, area_level=src.area_level, area_code=src.area_code,
                        age_band=src.age_band, campaign_id=src.campaign_id,
                        record_key=rng.randrange(256), review="counted")
        copy.answers = [Answer(question_id=a.question_id, value=a.value)
                        for a in session.scalars(select(Answer).where(
                            Answer.response_id == src.id, Answer.is_free_text.is_(False)))]
        session.add(copy)
    session.commit()


def _summary(label, rows) -> str:
    kept = sum(1 for r in rows if r[3])
    hidden = sum(1 for r in rows if r[1] is None)
    shown = [(n, v) for n, v, _f, _k in rows if v is not None]
    fresh = [(n, f) for n, _v, f, _k in rows if f is not None]
    mad = sum(abs(n - v) for n, v in shown) / max(len(shown), 1)
    mad_fresh = sum(abs(n - f) for n, f in fresh) / max(len(fresh), 1)
    return (f"{label:<10} {len(rows):>7,} {kept:>7,} ({100 * kept / len(rows):4.1f}%) "
            f"{hidden:>7,} {mad:>8.2f} {mad_fresh:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--per-week", type=int, default=40)
    args = parser.parse_args()
    from datetime import date, timedelta

    from app import create_app
    from app.demo import build_demo
    from app.extensions import db
    from app.publication import CellKeyMethod, Schedule, publish

    url, drop = h.make_database("sqlite", "release")
    try:
        h.create_schema(url)
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        rows: list = []
        _record(rows)
        with app.app_context():
            build_demo(db.session, progress=lambda *_a: None, config=app.config)
            print("snapshot     cells    kept             hidden  |pub-true| |fresh-true|")
            print(_summary("demo", rows))
            rng = random.Random(5)
            for week in range(1, args.weeks + 1):
                _add_week(db.session, rng, args.per_week, date(2026, 6, 1) + timedelta(weeks=week))
                rows.clear()
                publish(db.session, CellKeyMethod.from_config(app.config),
                        Schedule.from_config(app.config), trigger="bench")
                print(_summary(f"week {week}", rows))
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
