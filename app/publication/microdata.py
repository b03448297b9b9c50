"""The publication layer's reads of response and answer rows.

Outside the survey's own storage (:mod:`app.survey.store`), safeguarding, the
retention job and the admin's record-level export, this module is the only
code that reads the ``response`` and ``answer`` tables (a test in
tests/publication checks it).  What it reads goes straight into the
disclosure-controlled snapshot (:mod:`app.publication.snapshot`); nothing here
is shown to anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from ..analysis.voice import BARRIER_QUESTIONS
from ..geodata.crs import BNG
from ..models import Answer, Area, Response


@dataclass
class SurveyRecords:
    """One survey's responses (all versions) and their choice answers."""

    responses: list[dict[str, Any]] = field(default_factory=list)  # id, area_code, age_band, ...
    # (response id, question id, value) of every choice answer: a row per value ticked
    answers: list[tuple[int, str, str | None]] = field(default_factory=list)


def published_rows(top: int) -> ColumnElement[bool]:
    """The condition on response rows that count towards a snapshot read through
    response ``top``: not held for review and already checked (app.publication.review)."""
    return and_(Response.id <= top,
                or_(Response.review.is_(None), Response.review.in_(("counted", "released"))))


def _is_open(campaign_id: int | None, review: str | None) -> bool:
    """An answer through the open survey link (checked, not released by a person)."""
    return campaign_id is None and review == "counted"


def survey_records(session: Session, slug: str, top: int) -> SurveyRecords:
    out = SurveyRecords()
    rows = session.execute(
        select(Response.id, Response.survey_id, Response.area_code, Response.age_band,
               Response.campaign_id, Response.record_key, Response.review,
               Response.submitted_on, Response.survey_version)
        .where(Response.survey_slug == slug, published_rows(top)).order_by(Response.id)).all()
    out.responses = [{"id": r[0], "survey_id": r[1], "area_code": r[2], "age_band": r[3],
                      "campaign_id": r[4], "record_key": int(r[5] or 0),
                      "open": _is_open(r[4], r[6]), "submitted_on": r[7], "version": r[8]}
                     for r in rows]
    out.answers = list(session.execute(
        select(Answer.response_id, Answer.question_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.survey_slug == slug, published_rows(top),
               Answer.is_free_text.is_(False))).tuples())
    return out


def survey_slugs(session: Session) -> list[str]:
    return list(session.scalars(select(Response.survey_slug).distinct()
                                .order_by(Response.survey_slug)))


def watermark(session: Session) -> int:
    """The highest response id: never published; a snapshot reads responses up to
    it, and the release model tells new people in a cell from old by it."""
    return int(session.scalar(select(func.max(Response.id))) or 0)


def level_areas(session: Session, level: str) -> gpd.GeoDataFrame:
    areas = session.scalars(select(Area).where(Area.level == level).order_by(Area.code)).all()
    return gpd.GeoDataFrame({"name": [a.name for a in areas]},
                            geometry=[a.geometry for a in areas], crs=BNG,
                            index=pd.Index([a.code for a in areas], name="code"))


@dataclass
class VoiceRows:
    """What the voice figures of every area level are made from, read once per snapshot:
    the published responses that gave an area and the barrier answers."""

    responses: pd.DataFrame  # response_id, record_key, area_level, area_code, open
    answers: pd.DataFrame  # response_id, question_id, value


def voice_rows(session: Session, top: int) -> VoiceRows:
    """The rows :func:`voice_records` places at each level (one read for all levels)."""
    rows = session.execute(
        select(Response.id, Response.record_key, Response.area_level, Response.area_code,
               Response.campaign_id, Response.review)
        .where(Response.area_code.is_not(None), published_rows(top))).all()
    resp = pd.DataFrame([(r[0], r[1], r[2], r[3], _is_open(r[4], r[5])) for r in rows],
                        columns=["response_id", "record_key", "area_level", "area_code", "open"])
    if resp.empty:
        return VoiceRows(resp, pd.DataFrame(columns=["response_id", "question_id", "value"]))
    answers = pd.DataFrame(session.execute(
        select(Answer.response_id, Answer.question_id, Answer.value)
        .where(Answer.question_id.in_(BARRIER_QUESTIONS), Answer.is_free_text.is_(False))
    ).all(), columns=["response_id", "question_id", "value"])
    return VoiceRows(resp, answers)


def voice_records(session: Session, level: str, areas: gpd.GeoDataFrame, top: int,
                  rows: VoiceRows | None = None) -> pd.DataFrame:
    """Long table (``response_id``, ``record_key``, ``open``, ``area_code``,
    ``question_id``, ``value``) with every published response placed in an area of
    ``level``.

    A response recorded at another level (an LSOA, say, when wards are shown)
    is placed in the ``level`` area containing that area's representative
    point.  Only barrier questions are read.  ``rows``: :func:`voice_rows` for the
    same ``top``, when the caller places them at several levels (read once); else
    they are read here.
    """
    read = rows if rows is not None else voice_rows(session, top)
    cols = ["response_id", "record_key", "open", "area_code", "question_id", "value"]
    if read.responses.empty:
        return pd.DataFrame(columns=cols)
    resp = read.responses.copy()
    other = resp[resp["area_level"].fillna(level) != level]
    if len(other) and len(areas):
        mapping = _place_codes(session, other[["area_level", "area_code"]].drop_duplicates(),
                               areas)
        keys = list(zip(other["area_level"], other["area_code"], strict=True))
        resp.loc[other.index, "area_code"] = [mapping.get(k) for k in keys]
    elif len(other):
        resp.loc[other.index, "area_code"] = None
    resp = resp[resp["area_code"].notna()]
    long = resp[["response_id", "record_key", "open", "area_code"]].merge(
        read.answers, on="response_id", how="left")
    return long[cols]


def _place_codes(session: Session, pairs: pd.DataFrame,
                 areas: gpd.GeoDataFrame) -> dict[Any, Any]:
    rows = session.execute(
        select(Area.level, Area.code, Area.centroid_x, Area.centroid_y)
        .where(Area.code.in_(pairs["area_code"].tolist()))
    ).all()
    pts = pd.DataFrame(rows, columns=["level", "code", "x", "y"]).dropna()
    if pts.empty:
        return {}
    gpts = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts["x"], pts["y"]), crs=BNG)
    joined = gpd.sjoin(gpts, areas[["geometry"]].rename_axis("target").reset_index(),
                       how="left", predicate="within")
    return {(lv, c): t for lv, c, t in zip(joined["level"], joined["code"], joined["target"],
                                           strict=True) if isinstance(t, str)}
