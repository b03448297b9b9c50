"""The national picture as JSON and back, field by field (docs/NATIONAL.md, "The
stored roll-up").

The stored roll-up (:class:`app.models.NationalRollup`) keeps the
:class:`~app.publication.national.NationalPicture` as a plain JSON document: only
numbers, strings, lists, objects and ``null``, written and read explicitly here, so
what the database holds is data and loading it runs no code (it was pickled, which a
database write could turn into code execution).  :func:`load` gives back a picture
equal to the one given to :func:`dump` (``tests/national/test_rollup_storage.py``).
JSON object keys are strings, so the months of the funding cliff are written as
strings and read back as numbers.  No Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..publication.national import (
    AnswerCount,
    AnswerRow,
    CouncilRelease,
    NationalPicture,
    Ratio,
    Row,
    Total,
)

FORMAT = 1  # raise it when the layout below changes; load() refuses another
Json = dict[str, Any]


class UnknownFormat(ValueError):
    """A stored picture written in a layout this code does not read."""


def _total(t: Total) -> Json:
    return {"value": t.value, "hidden": t.hidden, "parts": t.parts}


def _load_total(d: Json) -> Total:
    return Total(int(d["value"]), int(d["hidden"]), int(d["parts"]))


def _ratio(r: Ratio) -> Json:
    return {"value": r.value, "used": r.used, "of": r.of}


def _load_ratio(d: Json) -> Ratio:
    value = d["value"]
    return Ratio(None if value is None else float(value), int(d["used"]), int(d["of"]))


def _months(m: Mapping[int, int]) -> Json:
    return {str(k): int(v) for k, v in m.items()}


def _load_months(d: Json) -> dict[int, int]:
    return {int(k): int(v) for k, v in d.items()}


def _bands(m: Mapping[str, int]) -> Json:
    return {str(k): int(v) for k, v in m.items()}


def _load_bands(d: Json) -> dict[str, int]:
    return {str(k): int(v) for k, v in d.items()}


def _count(value: Any) -> int | None:
    return None if value is None else int(value)


def _row(r: Row) -> Json:
    return {"level": r.level, "code": r.code, "name": r.name, "region_code": r.region_code,
            "councils": r.councils, "young_people": _total(r.young_people),
            "reached": _total(r.reached), "reach_share": _ratio(r.reach_share),
            "services": r.services, "per_1000": _ratio(r.per_1000),
            "cost_bands": _bands(r.cost_bands), "cliff_services": _months(r.cliff_services),
            "responses": _total(r.responses)}


def _load_row(d: Json) -> Row:
    return Row(level=str(d["level"]), code=str(d["code"]), name=str(d["name"]),
               region_code=str(d["region_code"]), councils=int(d["councils"]),
               young_people=_load_total(d["young_people"]),
               reached=_load_total(d["reached"]), reach_share=_load_ratio(d["reach_share"]),
               services=int(d["services"]), per_1000=_load_ratio(d["per_1000"]),
               cost_bands=_load_bands(d["cost_bands"]),
               cliff_services=_load_months(d["cliff_services"]),
               responses=_load_total(d["responses"]))


def _answer_row(a: AnswerRow) -> Json:
    return {"survey": a.survey, "question": a.question, "question_text": a.question_text,
            "answer": a.answer, "count": _total(a.count), "share": _ratio(a.share)}


def _load_answer_row(d: Json) -> AnswerRow:
    return AnswerRow(survey=str(d["survey"]), question=str(d["question"]),
                     question_text=str(d["question_text"]), answer=str(d["answer"]),
                     count=_load_total(d["count"]), share=_load_ratio(d["share"]))


def _answer_count(a: AnswerCount) -> Json:
    return {"survey": a.survey, "question": a.question, "question_text": a.question_text,
            "answer": a.answer, "count": a.count, "base": a.base}


def _load_answer_count(d: Json) -> AnswerCount:
    return AnswerCount(survey=str(d["survey"]), question=str(d["question"]),
                       question_text=str(d["question_text"]), answer=str(d["answer"]),
                       count=_count(d["count"]), base=_count(d["base"]))


def _release(release: CouncilRelease) -> Json:
    return {"code": release.code, "name": release.name, "region_code": release.region_code,
            "region_name": release.region_name, "licence": release.licence,
            "licence_url": release.licence_url, "attribution": release.attribution,
            "published_on": release.published_on.isoformat() if release.published_on else None,
            "young_people": release.young_people, "reached": release.reached, "services": release.services,
            "cost_bands": _bands(release.cost_bands), "cliff_services": _months(release.cliff_services),
            "responses": release.responses, "answers": [_answer_count(a) for a in release.answers],
            "population": release.population}


def _load_release(d: Json) -> CouncilRelease:
    published = d["published_on"]
    return CouncilRelease(
        code=str(d["code"]), name=str(d["name"]), region_code=str(d["region_code"]),
        region_name=str(d["region_name"]), licence=str(d["licence"]),
        licence_url=str(d["licence_url"]), attribution=str(d["attribution"]),
        published_on=date.fromisoformat(published) if published else None,
        young_people=_count(d["young_people"]), reached=_count(d["reached"]),
        services=int(d["services"]), cost_bands=_load_bands(d["cost_bands"]),
        cliff_services=_load_months(d["cliff_services"]), responses=_count(d["responses"]),
        answers=tuple(_load_answer_count(a) for a in d["answers"]),
        population=bool(d["population"]))


def dump(picture: NationalPicture) -> Json:
    """The picture as a JSON-ready document (every value a JSON type)."""
    return {"format": FORMAT,
            "councils": [_row(r) for r in picture.councils],
            "regions": [_row(r) for r in picture.regions],
            "england": _row(picture.england),
            "answers": {code: [_answer_row(a) for a in rows]
                        for code, rows in picture.answers.items()},
            "releases": [_release(r) for r in picture.releases]}


def load(document: Json) -> NationalPicture:
    """The picture :func:`dump` wrote (:class:`UnknownFormat` for another layout)."""
    if document.get("format") != FORMAT:
        raise UnknownFormat(f"a stored national picture of format {document.get('format')!r}"
                            f" (this code reads {FORMAT})")
    return NationalPicture(
        councils=[_load_row(r) for r in document["councils"]],
        regions=[_load_row(r) for r in document["regions"]],
        england=_load_row(document["england"]),
        answers={str(code): [_load_answer_row(a) for a in rows]
                 for code, rows in document["answers"].items()},
        releases=[_load_release(r) for r in document["releases"]])


__all__ = ["FORMAT", "UnknownFormat", "dump", "load"]
