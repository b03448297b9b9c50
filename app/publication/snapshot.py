"""Make, keep and read published snapshots.  No Flask: the views and the CLI
pass in the session, the method and the settings.

A snapshot is made nightly (``PUBLISH_HOUR``, by ``flask publish run --if-due``
from cron) or when an admin publishes now.  It is refused while fewer than
``PUBLISH_MIN_NEW_RESPONSES`` responses (default 8, the first unsuppressed
count) have arrived since the last one, so two snapshots never differ by one
or a few young people (a differencing attack on consecutive snapshots); the
same people always keep the same published values, so a snapshot with no new
responses publishes the same figures again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ..models import AREA_LEVELS, Area, Campaign, PublishedFigure, PublishedSnapshot, Survey
from .cellkey import CellKeyMethod
from .microdata import (
    level_areas,
    new_since,
    survey_records,
    survey_slugs,
    voice_records,
    watermark,
)
from .survey_tables import build_tables
from .voice import voice_cells


class PublishRefused(RuntimeError):
    """Nothing was published; the message says why and when it can be."""


@dataclass(frozen=True)
class Schedule:
    hour: int = 2  # UTC
    min_new: int = 8

    @classmethod
    def from_config(cls, config) -> Schedule:
        hour = int(config.get("PUBLISH_HOUR", 2))
        if not 0 <= hour <= 23:
            raise ValueError("PUBLISH_HOUR must be an hour of the day, 0 to 23 (UTC)")
        return cls(hour, int(config.get("PUBLISH_MIN_NEW_RESPONSES", 8)))

    def next_due(self, last: datetime | None, now: datetime) -> datetime:
        """The next scheduled run after the last snapshot (now, if there is none)."""
        if last is None:
            return now
        last = last if last.tzinfo else last.replace(tzinfo=UTC)
        due = last.replace(hour=self.hour, minute=0, second=0, microsecond=0)
        if due <= last:
            due += timedelta(days=1)
        return due


def latest(session) -> PublishedSnapshot | None:
    return session.scalar(select(PublishedSnapshot)
                          .order_by(PublishedSnapshot.id.desc()).limit(1))


def figure(session, snapshot: PublishedSnapshot | None, dataset: str, key: str):
    if snapshot is None:
        return None
    return session.scalar(select(PublishedFigure.payload).where(
        PublishedFigure.snapshot_id == snapshot.id, PublishedFigure.dataset == dataset,
        PublishedFigure.key == key))


def survey_key(slug: str, area: str | None = None, age: str | None = None) -> str:
    return f"{slug}|{area or ''}|{age or ''}"


def status(session, schedule: Schedule, now: datetime | None = None) -> dict:
    """For the admin: when the last snapshot was made and when the next is due,
    and whether enough new responses wait (a yes/no, never a count)."""
    now = now or datetime.now(UTC)
    snap = latest(session)
    last = snap.published_at if snap else None
    waiting = new_since(session, snap.through_response if snap else 0)
    return {"last": last, "next_due": schedule.next_due(last, now),
            "ready": snap is None or waiting == 0 or waiting >= schedule.min_new,
            "min_new": schedule.min_new, "trigger": snap.trigger if snap else None}


def is_due(session, schedule: Schedule, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    snap = latest(session)
    return schedule.next_due(snap.published_at if snap else None, now) <= now


def publish(session, method: CellKeyMethod, schedule: Schedule, *, trigger: str,
            now: datetime | None = None) -> PublishedSnapshot:
    """Build every published figure from the records and store them as one snapshot
    (committed).  Raises :class:`PublishRefused` when too few responses are new."""
    from ..survey.definition import SurveyDefinitionError
    from ..survey.store import current_survey, definition_of

    previous = latest(session)
    top, _n = watermark(session)
    if previous is not None:
        waiting = new_since(session, previous.through_response)
        if 0 < waiting < schedule.min_new:
            raise PublishRefused(
                f"Fewer than {schedule.min_new} responses have arrived since the last "
                "snapshot. Publishing now would let someone compare the two snapshots "
                "and single out the new ones; the figures will be published once "
                f"{schedule.min_new} or more have arrived.")
    snap = PublishedSnapshot(token=secrets.token_hex(16), trigger=trigger,
                             method=method.describe(), through_response=top,
                             published_at=now or datetime.now(UTC))
    session.add(snap)
    session.flush()
    docs: list[tuple[str, str, dict]] = []
    names = dict(session.execute(select(Area.code, Area.name)).all())
    totals: dict = {"surveys": {}, "versions": {}}
    all_keys: list[int] = []
    slugs = sorted(set(survey_slugs(session)) | set(
        session.scalars(select(Survey.slug).where(Survey.is_current.is_(True)))))
    for slug in slugs:
        survey = current_survey(session, slug, autoload=False)
        records = survey_records(session, slug)
        all_keys += [r["record_key"] for r in records.responses]
        totals["surveys"][slug] = method.publish_cell(
            [r["record_key"] for r in records.responses])
        by_version: dict = {}
        for r in records.responses:
            by_version.setdefault(str(r["survey_id"]), []).append(r["record_key"])
        totals["versions"].update({k: method.publish_cell(v) for k, v in by_version.items()})
        try:
            definition = definition_of(survey) if survey is not None else None
        except SurveyDefinitionError:  # a broken stored definition: its tables wait
            definition = None
        if definition is not None:
            docs += _survey_docs(session, slug, definition, records, method, names)
    totals["all"] = method.publish_cell(all_keys)
    docs.append(("totals", "all", totals))
    for level in AREA_LEVELS:
        areas = level_areas(session, level)
        if len(areas):
            cells = voice_cells(voice_records(session, level, areas), method)
            docs.append(("voice", level, cells))
    session.add_all(PublishedFigure(snapshot_id=snap.id, dataset=d, key=k, payload=p)
                    for d, k, p in docs)
    session.commit()
    return snap


def _survey_docs(session, slug, definition, records, method, names):
    campaigns = session.execute(select(Campaign.id, Campaign.name, Campaign.pupils)
                                .where(Campaign.survey_slug == slug)
                                .order_by(Campaign.name, Campaign.id)).all()
    campaigns = [tuple(c) for c in campaigns]
    rows = records.responses
    combos: dict[tuple, list] = {(None, None): rows}
    for r in rows:
        a, g = r["area_code"], r["age_band"]
        if a:
            combos.setdefault((a, None), []).append(r)
        if g:
            combos.setdefault((None, g), []).append(r)
        if a and g:
            combos.setdefault((a, g), []).append(r)
    out = []
    for (area, age), subset in combos.items():
        total, tables = build_tables(subset, records.answers, definition, method, names=names,
                                     campaigns=campaigns, grid=(area is None and age is None))
        out.append(("survey", survey_key(slug, area, age),
                    {"total": total, "tables": [t.to_json() for t in tables]}))
    return out
