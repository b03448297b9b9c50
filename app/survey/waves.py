"""Survey waves: making one, and this wave beside the last.  No Flask.

A wave is a survey's round ("2026") with its own dates (:class:`app.models.SurveyWave`).
A response belongs to the wave whose dates hold its submission date (derived, never
stored on the response: nothing is added to what a response keeps, and a wave set up
late still counts the answers already sent).  Waves of one survey never overlap.

Every figure here is read from the published snapshot (:mod:`app.publication.waves`):
each wave's tables are protected like the survey's.  A change between waves is worked
out only from the two published values (:func:`app.publication.change`), and none is
given where either is hidden (``[c]``); a change in a share is the difference of two
shares of published counts, in percentage points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from .. import publication
from ..models import Survey, SurveyWave
from .findings import NO_ANSWER, NON_QUESTIONS, share

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


class WaveError(ValueError):
    """A wave that cannot be made: ``field`` names the form field, the message says why."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


def check_wave(session, slug: str, name: str, opens_on: date | None,
               closes_on: date | None, versions=()) -> list[WaveError]:
    """Every problem with a new wave (empty: it can be made)."""
    problems = []
    if session.scalar(select(Survey.id).where(Survey.slug == slug).limit(1)) is None:
        problems.append(WaveError("slug", f"There is no survey {slug!r}"))
    if not NAME.match(name or ""):
        problems.append(WaveError("name", "Enter a short name for the wave, like 2026: "
                                          "letters, digits, - and _ only (it is in the "
                                          "page's address)"))
    elif session.scalar(select(SurveyWave.id).where(SurveyWave.survey_slug == slug,
                                                    SurveyWave.name == name)):
        problems.append(WaveError("name", f"This survey already has a wave called {name}"))
    if opens_on is None:
        problems.append(WaveError("opens_on", "Enter the date the wave opens"))
    if closes_on is None:
        problems.append(WaveError("closes_on", "Enter the date the wave closes"))
    if opens_on and closes_on:
        if closes_on < opens_on:
            problems.append(WaveError("closes_on", "The close date must be on or after the "
                                                   "open date"))
        else:
            for other in publication.survey_waves(session, slug):
                if other.opens_on <= closes_on and opens_on <= other.closes_on:
                    problems.append(WaveError(
                        "opens_on", f"These dates overlap wave {other.name} "
                                    f"({other.opens_on:%-d %B %Y} to "
                                    f"{other.closes_on:%-d %B %Y}); a response must "
                                    "belong to one wave only"))
                    break
    if any(not isinstance(v, int) or v < 1 for v in versions):
        problems.append(WaveError("versions", "Survey versions are whole numbers from 1"))
    return problems


def add_wave(session, slug: str, name: str, opens_on: date, closes_on: date,
             versions=()) -> SurveyWave:
    """Add the wave (the caller has checked it and commits, with its audit record).
    Its tables are published in the next snapshot."""
    wave = SurveyWave(survey_slug=slug, name=name, opens_on=opens_on, closes_on=closes_on,
                      versions=sorted(set(versions)))
    session.add(wave)
    session.flush()
    return wave


def this_and_last(session, slug: str, today: date) -> tuple[SurveyWave | None,
                                                             SurveyWave | None]:
    """The latest wave that has opened by ``today`` and the wave before it."""
    started = [w for w in publication.survey_waves(session, slug) if w.opens_on <= today]
    if not started:
        return None, None
    return started[-1], (started[-2] if len(started) > 1 else None)


@dataclass
class Row:
    """One line of a comparison: published value (or share) last wave and this wave,
    and the change (``None`` when either side is hidden)."""

    label: str
    before: int | None
    after: int | None
    change: int | None = None

    def __post_init__(self):
        self.change = publication.change(self.before, self.after)


@dataclass
class QuestionChange:
    id: str
    title: str
    rows: list[Row] = field(default_factory=list)  # shares, in whole percentages


@dataclass
class Comparison:
    """This wave beside the last, for the whole survey or one area."""

    this: SurveyWave
    last: SurveyWave | None
    total: Row
    areas: list[Row] = field(default_factory=list)  # published answers per area
    questions: list[QuestionChange] = field(default_factory=list)
    area: str | None = None

    @property
    def published(self) -> bool:
        """Whether the latest snapshot has this wave (a wave made since waits for it)."""
        return self.total.after is not None or bool(self.areas)


def _question_changes(before: list, after: list) -> list[QuestionChange]:
    """Shares of each answer in both waves (tables matched by question id, rows by
    answer), from the published counts and bases of each wave."""
    old = {t.id: t for t in before}
    out = []
    for t in after:
        if t.is_grid or t.id in NON_QUESTIONS:
            continue
        prev = old.get(t.id)
        prev_rows = dict(zip(prev.rows, prev.values, strict=True)) if prev else {}
        rows = [Row(label, share(prev_rows.get(label), prev.total) if prev else None,
                    share(value, t.total))
                for label, value in zip(t.rows, t.values, strict=True) if label != NO_ANSWER]
        out.append(QuestionChange(t.id, t.title, rows))
    return out


def comparison(session, slug: str, today: date, area: str | None = None) -> Comparison | None:
    """This wave beside the last (published values only), for the whole survey or one
    area of the survey's level; ``None`` when the survey has no wave yet."""
    this, last = this_and_last(session, slug, today)
    if this is None:
        return None
    snap = publication.latest(session)
    total, tables = publication.wave_tables(session, snap, slug, this.name, area)
    old_total, old_tables = (publication.wave_tables(session, snap, slug, last.name, area)
                             if last else (None, []))
    comp = Comparison(this, last, Row("Answers", old_total, total), area=area)
    now_areas = next((t for t in tables if t.id == "area"), None)
    then_areas = next((t for t in old_tables if t.id == "area"), None)
    if now_areas is not None:
        then = dict(zip(then_areas.codes, then_areas.values, strict=True)) if then_areas else {}
        comp.areas = [Row(label, then.get(code), value) for label, code, value in
                      zip(now_areas.rows, now_areas.codes, now_areas.values, strict=True)]
    comp.questions = _question_changes(old_tables, tables)
    return comp


VOICE_LABELS = (("cost", "cost"), ("transport", "getting there"),
                ("nothing_near", "nothing near enough"))


def ward_comparison(session, slug: str, code: str, today: date) -> dict | None:
    """A ward's answers and barrier shares this wave beside the last (the ward report):
    ``None`` when the survey has no wave."""
    this, last = this_and_last(session, slug, today)
    if this is None:
        return None
    snap = publication.latest(session)

    def cells(wave):
        found = publication.wave_voice(session, snap, slug, wave.name) if wave else None
        return (found or {}).get(code, {})

    now, then = cells(this), cells(last)
    rows = [Row(label, share(then.get(f"cites_{key}"), then.get("responses")),
                share(now.get(f"cites_{key}"), now.get("responses")))
            for key, label in VOICE_LABELS]
    return {"this": this, "last": last,
            "responses": Row("Answers", then.get("responses") if last else None,
                             now.get("responses")),
            "shares": rows}


def ward_waves(session, code: str, today: date) -> dict | None:
    """The ward report's waves: the default survey's (else the first survey with waves)
    this wave beside the last for ward ``code``; ``None`` when no survey has waves."""
    slugs = sorted(set(session.scalars(select(SurveyWave.survey_slug))))
    if not slugs:
        return None
    default = session.scalars(select(Survey).where(Survey.is_current.is_(True),
                                                   Survey.slug.in_(slugs))).all()
    chosen = next((s.slug for s in default if (s.definition or {}).get("default")), slugs[0])
    return ward_comparison(session, chosen, code, today)
