"""How the national roll-up is stored (docs/NATIONAL.md, "The stored roll-up"): the
picture as plain JSON, written and read field by field (never pickled), one row kept,
the newest."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import timedelta

import pytest

from app.models import NationalRollup
from app.models.base import utcnow
from app.national import picture_json
from app.national.rollup import latest, save
from app.publication.national import (
    AnswerCount,
    AnswerRow,
    CouncilRelease,
    NationalPicture,
    Row,
    build,
)

from .fabricated import three


def test_the_picture_goes_to_json_and_comes_back_the_same():
    picture = build(three())
    stored = json.loads(json.dumps(picture_json.dump(picture)))  # as the database gives it
    again = picture_json.load(stored)
    assert again == picture
    # What the page reads off it, beyond equality: the months of the funding cliff are
    # numbers again, hidden counts stay hidden, the dates are dates.
    assert again.england.cliff_services[12] == picture.england.cliff_services[12] == 3
    assert {r.code: r.young_people for r in again.releases}["E07000003"] is None
    assert again.earliest == picture.earliest and again.latest == picture.latest
    assert again.releases[0].answers == picture.releases[0].answers


def test_every_field_of_the_picture_is_written():
    """A field added to the picture's dataclasses must be written and read here too
    (a defaulted one would otherwise come back as its default)."""
    doc = picture_json.dump(build(three()))
    assert set(doc) - {"format"} == {f.name for f in fields(NationalPicture)}
    assert set(doc["england"]) == {f.name for f in fields(Row)}
    assert set(next(iter(doc["answers"].values()))[0]) == {f.name for f in fields(AnswerRow)}
    release = doc["releases"][0]
    assert set(release) == {f.name for f in fields(CouncilRelease)}
    assert set(release["answers"][0]) == {f.name for f in fields(AnswerCount)}


def test_a_stored_picture_of_another_layout_is_refused():
    doc = picture_json.dump(build(three()))
    with pytest.raises(picture_json.UnknownFormat):
        picture_json.load({**doc, "format": picture_json.FORMAT + 1})


def test_the_newest_roll_up_is_the_one_kept(app, db):
    picture = build(three())
    now = utcnow()
    save(db.session, picture, '{"n": 1}', now, job_id="job-1", sources={})
    db.session.commit()
    save(db.session, picture, '{"n": 2}', now + timedelta(seconds=5), job_id="job-2",
         sources={"E06000001": {"data_version": 3, "snapshot": "abc"}})
    db.session.commit()
    assert [r.job_id for r in db.session.query(NationalRollup)] == ["job-2"]
    # A slower rebuild that started earlier and ends later does not replace it.
    save(db.session, picture, '{"n": 0}', now - timedelta(seconds=5), job_id="job-0",
         sources={})
    db.session.commit()
    assert [r.job_id for r in db.session.query(NationalRollup)] == ["job-2"]
    found = latest()
    assert (found.job_id, found.hsds, found.picture) == ("job-2", '{"n": 2}', picture)
    assert found.sources == {"E06000001": {"data_version": 3, "snapshot": "abc"}}
    raw = db.session.query(NationalRollup.picture).scalar()
    assert isinstance(raw, dict) and raw["england"]["code"] == "E92000001"
