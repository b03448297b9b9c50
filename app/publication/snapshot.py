"""Make, keep and read published snapshots.  No Flask: the views and the CLI
pass in the session, the method and the settings.

Snapshots are published in scheduled batches: every ``PUBLISH_EVERY_DAYS``
days (default 7) at ``PUBLISH_HOUR`` (by ``flask publish run --if-due`` from
cron), or when an admin publishes now.  A scheduled run always publishes: it
is never refused because few or many answers are waiting, so the version
token, the date and every header move on the council's schedule and say
nothing about waiting answers.  What protects young people between snapshots
is the release model (:mod:`.release`): each cell keeps its last value until
enough independent people have changed it; and answers one person could have
made in bulk are held for review first (:mod:`.review`).
"""

from __future__ import annotations

import gc
import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config_values import setting_value
from ..models import (
    AREA_LEVELS,
    Area,
    Campaign,
    Council,
    PublishedFigure,
    PublishedSnapshot,
    ReleaseState,
    Survey,
)
from ..models.tenancy import resolve_council_id
from .cellkey import CellKeyMethod
from .cohort import Cohort, Selection
from .keys import latest, survey_key
from .microdata import (
    level_areas,
    survey_records,
    survey_slugs,
    voice_records,
    voice_rows,
    watermark,
)
from .release import Releaser, ReleaseRule, cid
from .review import HoldRules, check_new, held_groups
from .survey_tables import Filter, build_tables, people
from .voice import voice_cells
from .waves import apply_option_map, wave_docs


@dataclass(frozen=True)
class Schedule:
    hour: int = 2  # UTC
    every_days: int = 7
    release: ReleaseRule = ReleaseRule()
    holds: HoldRules = HoldRules()
    themes_min: int = 10  # THEMES_MIN_ANSWERS (app.publication.themes)
    themes_file: str | None = None  # THEMES_FILE: the codebook, for labels and order

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Schedule:
        hour = int(setting_value(config, "PUBLISH_HOUR"))
        if not 0 <= hour <= 23:
            raise ValueError("PUBLISH_HOUR must be an hour of the day, 0 to 23 (UTC)")
        every = int(setting_value(config, "PUBLISH_EVERY_DAYS"))
        if every < 1:
            raise ValueError("PUBLISH_EVERY_DAYS must be 1 or more")
        return cls(hour, every, ReleaseRule.from_config(config), HoldRules.from_config(config),
                   int(setting_value(config, "THEMES_MIN_ANSWERS")), config.get("THEMES_FILE"))

    def next_due(self, last: datetime | None, now: datetime) -> datetime:
        """The next scheduled run after the last snapshot (now, if there is none):
        the first ``hour`` o'clock after it, then ``every_days - 1`` days on."""
        if last is None:
            return now
        last = last if last.tzinfo else last.replace(tzinfo=UTC)
        due = last.replace(hour=self.hour, minute=0, second=0, microsecond=0)
        if due <= last:
            due += timedelta(days=1)
        return due + timedelta(days=self.every_days - 1)


def status(session: Session, schedule: Schedule,
           now: datetime | None = None) -> dict[str, Any]:
    """For the admin: when the last snapshot was made, when the next is due, the
    groups of answers held for review, and the release model's settings."""
    now = now or datetime.now(UTC)
    snap = latest(session)
    last = snap.published_at if snap else None
    return {"last": last, "next_due": schedule.next_due(last, now),
            "every_days": schedule.every_days, "held": held_groups(session),
            "release": schedule.release.describe(),
            "trigger": snap.trigger if snap else None}


def is_due(session: Session, schedule: Schedule, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    snap = latest(session)
    return schedule.next_due(snap.published_at if snap else None, now) <= now


def publish(session: Session, method: CellKeyMethod, schedule: Schedule, *, trigger: str,
            now: datetime | None = None) -> PublishedSnapshot:
    """Check new answers, then build every published figure with the release model
    and store them as one snapshot (committed).  Never refused."""
    with _collector_paused():
        return _publish(session, method, schedule, trigger=trigger, now=now)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a snapshot is built.  Building one keeps
    tens of thousands of small objects alive at once (rows read, cells, tables), which
    made the collector walk the whole process's heap again and again: close to half of
    a publish's CPU on the demo county (bench/bench_publish.py).  What the snapshot
    leaves behind is freed by reference counting when it returns; the collector then
    runs as usual.  Nothing published depends on it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _publish(session: Session, method: CellKeyMethod, schedule: Schedule, *, trigger: str,
             now: datetime | None = None) -> PublishedSnapshot:
    from ..survey.definition import SurveyDefinitionError
    from ..survey.store import area_level, current_survey, definition_of

    method = council_method(session, method)
    previous = latest(session)
    top = watermark(session)
    check_new(session, schedule.holds, top)
    before = None
    if previous is not None:
        before = session.scalar(select(ReleaseState.cells)
                                .where(ReleaseState.snapshot_id == previous.id)) or {}
    rel = Releaser(method, schedule.release, before, top)
    snap = PublishedSnapshot(token=secrets.token_hex(16), trigger=trigger,
                             method={**method.describe(), **schedule.release.describe()},
                             through_response=top, published_at=now or datetime.now(UTC))
    session.add(snap)
    session.flush()
    docs: list[tuple[str, str, dict[str, Any]]] = []
    names: dict[str, str] = {c: n for c, n in session.execute(select(Area.code, Area.name))}
    level = area_level(session)
    area_rows = sorted(session.scalars(select(Area.code).where(Area.level == level)),
                       key=lambda c: (names.get(c, c), c)) if level else []
    totals: dict[str, Any] = {"surveys": {}, "versions": {}}
    everyone: list[dict[str, Any]] = []
    with_waves: list[Any] = []
    slugs = sorted(set(survey_slugs(session)) | set(
        session.scalars(select(Survey.slug).where(Survey.is_current.is_(True)))))
    for slug in slugs:
        survey = current_survey(session, slug, autoload=False)
        records = survey_records(session, slug, top)
        everyone += records.responses
        by_version: dict[Any, Any] = {}
        for r in records.responses:
            by_version.setdefault(str(r["survey_id"]), []).append(r)
        totals["versions"].update({k: _total(rel, cid("v", k), v) for k, v in by_version.items()})
        try:
            definition = definition_of(survey) if survey is not None else None
        except SurveyDefinitionError:  # a broken stored definition: its tables wait
            definition = None
        if definition is not None:
            # Renamed options counted as their new names; every page's people.
            cohort = Cohort(records.responses,
                            apply_option_map(records.answers, definition.option_map))
            docs += _survey_docs(session, slug, definition, cohort, rel, names, area_rows)
            with_waves.append((slug, definition, records, cohort))
        totals["surveys"][slug] = _total(rel, Filter(slug).cell(), records.responses)
    docs += _theme_docs(session, rel, top, slugs, schedule)
    totals["all"] = _total(rel, "all", everyone)
    docs.append(("totals", "all", totals))
    longs: dict[str, Any] = {}
    voice_read = voice_rows(session, top)  # placed at each level below
    for lv in AREA_LEVELS:
        areas = level_areas(session, lv)
        if len(areas):
            longs[lv] = (voice_records(session, lv, areas, top, voice_read), list(areas.index))
            cells = voice_cells(longs[lv][0], rel, lv, areas.index)
            docs.append(("voice", lv, cells))
    ward_long, ward_codes = longs.get("ward", (None, []))
    for slug, definition, records, cohort in with_waves:  # each wave's own tables
        docs += wave_docs(session, slug, definition, records, cohort, rel, names, area_rows,
                          ward_long, ward_codes)
    session.add_all(PublishedFigure(snapshot_id=snap.id, dataset=d, key=k, payload=p)
                    for d, k, p in docs)
    session.add(ReleaseState(snapshot_id=snap.id, cells=rel.state))
    session.commit()
    return snap


def council_method(session: Session, method: CellKeyMethod) -> CellKeyMethod:
    """``method`` with the current council's own threshold, if it raised it (the
    council row read through ``session``; app.disclosure)."""
    council = session.get(Council, resolve_council_id(session.connection()))
    return replace(method, rule=method.rule.for_settings(council.settings if council else None))


def _theme_docs(session: Session, rel: Releaser, top: int, slugs: Iterable[str],
                schedule: Schedule) -> list[tuple[str, str, dict[str, Any]]]:
    from ..survey.themes import load_codebook
    from .themes import ThemeRule, theme_docs

    return theme_docs(session, rel, top, slugs,
                      ThemeRule(schedule.themes_min, load_codebook(schedule.themes_file)))


def _total(rel: Releaser, name: str, records: Iterable[Mapping[str, Any]]) -> int | None:
    return rel.cell(name, people(records))


def _survey_docs(session: Session, slug: str, definition: Any, cohort: Cohort,
                 rel: Releaser, names: dict[str, str],
                 area_rows: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """One document per page: every survey, every age band, every area (its total
    only unless the area's published total reaches ``PUBLISH_BREAKDOWN_MIN``), and
    every age band of those larger areas."""
    campaigns = [tuple(c) for c in session.execute(
        select(Campaign.id, Campaign.name, Campaign.pupils).where(Campaign.survey_slug == slug)
        .order_by(Campaign.name, Campaign.id)).all()]
    rows = cohort.all()
    size = cohort.size
    age_q = definition.age_question
    ages = [o.value for o in age_q.options] if age_q else []
    codes = list(area_rows) + sorted(str(c) for c in cohort.area if c and c not in area_rows)
    minimum = rel.rule.breakdown_min
    large = []
    out = []

    def page(area: str | None, age: str | None, subset: Selection,
             **kw: Any) -> int | None:
        total, tables = build_tables(subset, definition, rel, Filter(slug, area, age),
                                     names=names, **kw)
        out.append(("survey", survey_key(slug, area, age),
                    {"total": total, "tables": [t.to_json() for t in tables],
                     "breakdown": kw.get("breakdown", True)}))
        return total

    for code in codes:  # areas first: their published totals decide the breakdowns
        mine = rows & cohort.of(cohort.area, code)
        shown = rel.cell(Filter(slug, code).cell(), mine, size or None)
        wide = shown is not None and shown >= minimum
        if wide:
            large.append(code)
        page(code, None, mine, area_rows=[], campaigns=[], grid_areas=None, breakdown=wide)
        if wide:
            for g in ages:
                page(code, g, mine & cohort.of(cohort.age, g), area_rows=[],
                     campaigns=[], grid_areas=None)
    page(None, None, rows, area_rows=codes, campaigns=campaigns, grid_areas=large)
    for g in ages:
        page(None, g, rows & cohort.of(cohort.age, g), area_rows=[], campaigns=[],
             grid_areas=None)
    return out
