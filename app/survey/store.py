"""Surveys in the database, submission tokens and the all-or-nothing store.  No Flask.

A response is stored in ONE transaction (response, answers and any safeguarding
flag together).  The one-time submission token is enforced by the database's
unique constraint on ``response.token``, so a double tap, a retry or the same
form sent to two app servers at once stores exactly one response.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from ..models import Answer, Area, Campaign, DataVersion, Response, SafeguardingFlag, Survey
from ..models.survey import new_record_key
from ..models.tenancy import resolve_council_id
from ..tenancy.scoping import set_database_council
from .definition import ADMIN_DATES, SURVEYS_DIR, SurveyDefinition, load_all, parse_definition
from .safeguarding import match

NOT_SAY = "not_say"


# --- surveys -----------------------------------------------------------------

def today() -> date:
    """Today in UTC: a response keeps the date it was sent, never the time."""
    return datetime.now(UTC).date()


def sync_definitions(session, folder: Path | str = SURVEYS_DIR) -> list[tuple[SurveyDefinition, str]]:
    """Load every definition file into the database (all checked before any is stored).

    A new (slug, version) is added; the highest version of each slug becomes current.
    Returns ``[(definition, "added" | "unchanged")]``.  Commits.
    """
    definitions = load_all(folder)
    out = []
    for d in definitions:
        row = session.scalar(select(Survey).where(Survey.slug == d.slug,
                                                  Survey.version == d.version))
        if row is None:
            session.add(Survey(slug=d.slug, version=d.version, title=d.title, definition=d.raw,
                               opens_on=d.opens_on, closes_on=d.closes_on, is_current=False))
            out.append((d, "added"))
        else:
            # Dates and wording fixes within a version are allowed; questions are not
            # compared here because a version's answers were given to its questions.
            # Dates set on the admin's survey page win over the file's dates.
            by_admin = bool((row.definition or {}).get(ADMIN_DATES))
            row.title = d.title
            if by_admin:
                row.definition = {**d.raw, ADMIN_DATES: True}
            else:
                row.opens_on, row.closes_on = d.opens_on, d.closes_on
                row.definition = d.raw
            out.append((d, "unchanged"))
    session.flush()
    for slug in {d.slug for d in definitions}:
        rows = session.scalars(select(Survey).where(Survey.slug == slug)).all()
        top = max(r.version for r in rows)
        for r in rows:
            r.is_current = r.version == top
    try:
        session.commit()
    except IntegrityError:  # another worker loaded them at the same moment
        session.rollback()
    return out


def current_survey(session, slug: str, *, autoload: bool = True) -> Survey | None:
    row = session.scalar(select(Survey).where(Survey.slug == slug, Survey.is_current.is_(True)))
    if row is None and autoload and session.scalar(select(Survey.id).limit(1)) is None:
        sync_definitions(session)
        return current_survey(session, slug, autoload=False)
    return row


@dataclass(frozen=True)
class SurveySnapshot:
    """What the survey pages need of a survey row, detached from any session.

    Built once per process for each (survey id, revision) and shared by every
    request, so a page view does not load and parse the definition again.
    """

    id: int
    slug: str
    version: int
    revision: int
    title: str
    opens_on: date | None
    closes_on: date | None
    definition: dict  # as stored (admin-set dates marked inside)
    parsed: SurveyDefinition


def current_survey_key(session, slug: str) -> tuple[int, int, int] | None:
    """``(survey id, revision, data version)`` of the current survey ``slug``, in ONE
    small query; ``None`` when there is no such survey.

    The revision goes up on every change to the survey row and the data version
    whenever areas or postcodes change (``app.dataversion``), so per-process caches
    keyed on this triple see every edit as soon as they ask again.  On a new database the
    definitions in ``surveys/`` are loaded first.
    """
    version = (select(DataVersion.version).where(DataVersion.id == 1)
               .scalar_subquery())
    found = session.execute(select(Survey.id, Survey.revision, version)
                            .where(Survey.slug == slug, Survey.is_current.is_(True))).first()
    if found is None:
        row = current_survey(session, slug)
        if row is None:
            return None
        return row.id, row.revision, int(session.scalar(
            select(DataVersion.version).where(DataVersion.id == 1)) or 0)
    return found[0], found[1], int(found[2] or 0)


def survey_snapshot(session, survey_id: int) -> SurveySnapshot:
    row = session.get(Survey, survey_id)
    return SurveySnapshot(id=row.id, slug=row.slug, version=row.version, revision=row.revision,
                          title=row.title, opens_on=row.opens_on, closes_on=row.closes_on,
                          definition=dict(row.definition or {}), parsed=definition_of(row))


def default_survey(session) -> Survey | None:
    rows = session.scalars(select(Survey).where(Survey.is_current.is_(True))
                           .order_by(Survey.slug)).all()
    if not rows:
        sync_definitions(session)
        rows = session.scalars(select(Survey).where(Survey.is_current.is_(True))
                               .order_by(Survey.slug)).all()
    if not rows:
        return None
    return next((r for r in rows if r.definition.get("default")), rows[0])


@lru_cache(maxsize=64)
def _parsed(survey_id: int, blob: str) -> SurveyDefinition:
    import json

    return parse_definition(json.loads(blob), f"survey {survey_id}")


def definition_of(survey: Survey) -> SurveyDefinition:
    import json

    return _parsed(survey.id, json.dumps(survey.definition, sort_keys=True))


def open_dates(survey: Survey, definition: SurveyDefinition) -> tuple[date | None, date | None]:
    """(opens on, closes on): the admin's dates on the row when set, else the file's."""
    if (survey.definition or {}).get(ADMIN_DATES):
        return survey.opens_on, survey.closes_on
    return definition.opens_on, definition.closes_on


def is_open(survey: Survey, definition: SurveyDefinition, today: date) -> bool:
    opens_on, closes_on = open_dates(survey, definition)
    if opens_on and today < opens_on:
        return False
    return not (closes_on and today > closes_on)


# --- areas -------------------------------------------------------------------

def area_level(session) -> str | None:
    """'parish' when parishes are loaded, else 'ward' (else None)."""
    for level in ("parish", "ward"):
        if session.scalar(select(Area.id).where(Area.level == level).limit(1)):
            return level
    return None


def area_choices(session, level: str | None) -> list[tuple[str, str]]:
    if level is None:
        return []
    rows = session.execute(select(Area.code, Area.name).where(Area.level == level)
                           .order_by(Area.name, Area.code)).all()
    return [(code, name) for code, name in rows]


def example_postcode(session, fallback: str = "HR4 9BQ") -> str:
    """A live postcode from the imported directory, for the form's hint."""
    from ..models import Postcode

    found = session.scalar(select(Postcode.postcode).where(Postcode.terminated.is_(None))
                           .order_by(Postcode.postcode).limit(1))
    return found or fallback


# --- tokens ------------------------------------------------------------------

@lru_cache(maxsize=4)
def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="yvm-survey-submission")


def issue_token(secret: str, slug: str) -> str:
    """A signed one-time token for one filling-in of a survey form."""
    return _serializer(secret).dumps({"s": slug, "n": secrets.token_hex(16)})


def token_key(secret: str, slug: str, token: str | None) -> str | None:
    """The value stored in ``Response.token`` for a valid ``token``; ``None`` when invalid."""
    if not token:
        return None
    try:
        data = _serializer(secret).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != slug or not isinstance(data.get("n"), str):
        return None
    return hashlib.sha256(f"{slug}:{data['n']}".encode()).hexdigest()


# --- storing -----------------------------------------------------------------

@dataclass
class Submission:
    area_level: str | None
    area_code: str | None
    age_band: str | None
    answers: dict  # question id -> str | list[str] | None (only questions shown)
    # Words typed into a text box not meant for this young person (with JavaScript off
    # every box shows): screened for safeguarding indicators, then thrown away, never
    # stored.  Question id -> text.
    unasked_text: dict = field(default_factory=dict)


_PG_RESPONSE_WITH_ANSWERS = text("""
WITH r AS (
    INSERT INTO response (council_id, survey_id, survey_slug, survey_version, token,
                          submitted_on, area_level, area_code, age_band, campaign_id, flagged,
                          record_key, review)
    VALUES (:council_id, :survey_id, :survey_slug, :survey_version, :token, :submitted_on,
            :area_level, :area_code, :age_band, :campaign_id, :flagged, :record_key,
            :review)
    RETURNING id
)
INSERT INTO answer (council_id, response_id, question_id, value, is_free_text)
SELECT :council_id, r.id, a.question_id, a.value, a.is_free_text
FROM r, unnest(CAST(:question_ids AS varchar[]), CAST(:answer_values AS text[]),
               CAST(:free_text AS boolean[])) AS a(question_id, value, is_free_text)
RETURNING response_id
""")


def _pg_params(row: dict, answers: list[dict]) -> dict:
    return {**row, "question_ids": [a["question_id"] for a in answers],
            "answer_values": [a["value"] for a in answers],
            "free_text": [a["is_free_text"] for a in answers]}


def store_response(session, *, survey: Survey | SurveySnapshot, definition: SurveyDefinition,
                   key: str, submission: Submission, campaign: Campaign | None, indicators,
                   today: date) -> tuple[int, bool]:
    """Store one response in one transaction.  Returns ``(response id, created)``.

    A token already used returns the stored response's id with ``created=False``.
    Any database error rolls everything back and is raised: nothing half-stored.
    This runs for every submission, so it uses plain INSERTs, not the ORM: on
    PostgreSQL the response and its answers are one statement
    (``_PG_RESPONSE_WITH_ANSWERS``), on its own when there is no safeguarding
    flag to add; on SQLite an INSERT and an executemany in one transaction.
    """
    answers: list[dict] = []
    matched: list[str] = []
    for q in definition.questions:
        if q.type in ("area", "age_band"):
            continue
        value = submission.answers.get(q.id)
        if value in (None, "", []):
            continue
        if q.type == "multiple":
            answers += [{"question_id": q.id, "value": v, "is_free_text": False} for v in value]
        elif q.type == "text":
            answers.append({"question_id": q.id, "value": value, "is_free_text": True})
            for category in match(value, indicators):
                if category not in matched:
                    matched.append(category)
        else:
            answers.append({"question_id": q.id, "value": str(value), "is_free_text": False})
    # A child's words are never dropped in silence: what they typed into a box not meant
    # for them is screened like any answer, and a match raises a flag (its categories,
    # with the response's age band and campaign), though the words themselves are not kept.
    unkept: list[str] = []
    for value in submission.unasked_text.values():
        for category in match(value, indicators):
            if category not in unkept:
                unkept.append(category)
    # Its own short transaction straight on the engine (the session's unit of work
    # has nothing to do here).  No look-up first: the unique constraint on the token
    # decides (one query fewer per submission); a used token fails the insert, the
    # transaction rolls back and the stored response is returned.
    row = {"survey_id": survey.id, "survey_slug": survey.slug,
           "survey_version": survey.version, "token": key, "submitted_on": today,
           "area_level": submission.area_level, "area_code": submission.area_code,
           "age_band": submission.age_band,
           "campaign_id": campaign.id if campaign else None,
           "flagged": bool(matched or unkept),
           "record_key": new_record_key(),
           # Checked when the next snapshot is made (app.publication.review).
           "review": "new"}
    engine = session.get_bind()
    try:
        # One transaction, which starts by naming the council for PostgreSQL's row-level
        # security (app/tenancy), so no AUTOCOMMIT shortcut: the council must be set.
        with engine.begin() as conn:
            set_database_council(conn)
            row["council_id"] = resolve_council_id(conn)
            if answers and conn.dialect.name == "postgresql":
                response_id = conn.execute(_PG_RESPONSE_WITH_ANSWERS,
                                           _pg_params(row, answers)).first()[0]
                answers = []
            else:
                response_id = conn.execute(insert(Response.__table__),
                                           row).inserted_primary_key[0]
            if answers:  # SQLite: the driver's executemany, in C
                conn.execute(insert(Answer.__table__),
                             [dict(a, response_id=response_id) for a in answers])
            flags = [{"response_id": response_id, "matched": found, "status": "open",
                      "text_kept": kept} for found, kept in ((matched, True), (unkept, False))
                     if found]
            if flags:
                conn.execute(insert(SafeguardingFlag.__table__), flags)
    except IntegrityError:
        session.rollback()  # a fresh view of the database for the look-up
        existing = session.scalar(select(Response.id).where(Response.token == key))
        if existing is not None:
            return existing, False
        raise
    return response_id, True


# --- the admin's record-level export ------------------------------------------

def record_level_rows(session, slug: str, qids: list[str]) -> list[list]:
    """One row per response (no ids, no tokens, no free text) for the admin's
    record-level export: the data controller's copy, not a publication."""
    codes = dict(session.execute(select(Campaign.id, Campaign.code)).all())
    answers: dict[int, dict[str, list[str]]] = {}
    for rid, qid, value in session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value)
            .join(Response).where(Response.survey_slug == slug,
                                  Answer.is_free_text.is_(False))):
        answers.setdefault(rid, {}).setdefault(qid, []).append(value)
    rows = []
    for r in session.scalars(select(Response).where(Response.survey_slug == slug)):
        got = answers.get(r.id, {})
        rows.append([r.survey_version, r.submitted_on.isoformat(), r.area_level or "",
                     r.area_code or "", r.age_band or "", codes.get(r.campaign_id, "")]
                    + [";".join(sorted(got.get(q, []))) for q in qids])
    return rows
