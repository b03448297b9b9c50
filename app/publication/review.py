"""Answers one person could have made in bulk are held out of published figures
until a person releases them.  No Flask.

The survey stores nothing that identifies who sent an answer (no address, no
browser, no time of day), so the check works on what is stored anyway: the
link it came through (a campaign or the open link), the day, the area, the age
band and the tick-box answers.  When a snapshot is made, every web answer not
yet checked (``review = "new"``) is checked against the answers of the same
day, and is *held* when:

* **a burst on the open link**: more than ``SURVEY_HOLD_OPEN_PER_AREA_DAY``
  (default 3) answers through the open link gave the same area on one day;
* **identical answers**: ``SURVEY_HOLD_IDENTICAL`` (default 3) or more answers
  through one link on one day are the same in every tick-box answer, area and
  age band;
* **more answers than pupils**: a school campaign's answers beyond its number
  of pupils.

Otherwise it is *counted*.  A held answer is in no published figure until an
admin releases its group (link, day, area) on the publishing page; rows the
council loaded itself (the demo, imports) are not checked.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..config_values import setting_value
from ..models import Answer, Area, Campaign, Response

OPEN = "open"  # the open link, in a group's key


@dataclass(frozen=True)
class HoldRules:
    open_per_area_day: int = 3
    identical: int = 3

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HoldRules:
        rules = cls(int(setting_value(config, "SURVEY_HOLD_OPEN_PER_AREA_DAY")),
                    int(setting_value(config, "SURVEY_HOLD_IDENTICAL")))
        if rules.open_per_area_day < 1 or rules.identical < 2:
            raise ValueError("SURVEY_HOLD_OPEN_PER_AREA_DAY must be 1 or more and "
                             "SURVEY_HOLD_IDENTICAL 2 or more")
        return rules


@dataclass(frozen=True)
class HeldGroup:
    """Held answers of one link, day and area (what an admin releases together)."""

    link: str  # campaign id as text, or "open"
    link_name: str
    day: date
    area_code: str | None
    area_name: str
    size: int  # how many answers are held

    @property
    def key(self) -> str:
        return f"{self.link}|{self.day.isoformat()}|{self.area_code or ''}"


def _pattern(area: str | None, age: str | None, answers: dict[str, set[str]]) -> str:
    """A hash of an answer's area, age band and tick-box answers (never stored)."""
    text = repr((area, age, sorted((q, sorted(v)) for q, v in answers.items())))
    return hashlib.sha256(text.encode()).hexdigest()


def check_new(session: Session, rules: HoldRules, top: int) -> int:
    """Check every web answer up to response ``top`` not yet checked; mark it
    counted or held (flushed, not committed).  Returns how many were held."""
    new = session.execute(select(Response.id, Response.submitted_on)
                          .where(Response.review == "new", Response.id <= top)).all()
    if not new:
        return 0
    days = {d for _i, d in new}
    rows = session.execute(
        select(Response.id, Response.campaign_id, Response.submitted_on, Response.area_code,
               Response.age_band, Response.review)
        .where(Response.submitted_on.in_(days), Response.review.is_not(None),
               Response.id <= top).order_by(Response.id)).all()
    ids = [r[0] for r in rows]
    answers: dict[int, dict[str, set[str]]] = defaultdict(dict)
    for rid, qid, value in session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value)
            .where(Answer.response_id.in_(ids), Answer.is_free_text.is_(False))):
        answers[rid].setdefault(qid, set()).add(value)
    per_area = Counter((r[2], r[3]) for r in rows if r[1] is None)
    same = Counter((r[1], r[2], _pattern(r[3], r[4], answers[r[0]])) for r in rows)
    held = set()
    for rid, camp, day, area, age, review in rows:
        if review != "new":
            continue
        if camp is None and per_area[(day, area)] > rules.open_per_area_day:
            held.add(rid)
        elif same[(camp, day, _pattern(area, age, answers[rid]))] >= rules.identical:
            held.add(rid)
    held |= _over_pupils(session, top)
    new_ids = [i for i, _d in new]
    session.execute(update(Response).where(Response.id.in_(new_ids))
                    .values(review="counted"))
    if held:
        session.execute(update(Response).where(Response.id.in_(sorted(held)))
                        .values(review="held"))
    return len(held & set(new_ids))


def _over_pupils(session: Session, top: int) -> set[int]:
    """New answers through a school campaign beyond its number of pupils."""
    out: set[int] = set()
    for camp_id, pupils in session.execute(select(Campaign.id, Campaign.pupils)
                                           .where(Campaign.pupils.is_not(None))):
        rows = session.execute(select(Response.id, Response.review)
                               .where(Response.campaign_id == camp_id, Response.id <= top,
                                      Response.review.is_not(None))
                               .order_by(Response.id)).all()
        if len(rows) <= pupils:
            continue
        kept = sum(1 for _i, rv in rows if rv in ("counted", "released"))
        for rid, review in rows:
            if review == "new":
                if kept >= pupils:
                    out.add(rid)
                else:
                    kept += 1
    return out


def held_groups(session: Session) -> list[HeldGroup]:
    """Every group of held answers, oldest day first."""
    names: dict[str, str] = {c: n for c, n in session.execute(select(Area.code, Area.name))}
    camps: dict[int, str] = {i: n for i, n in
                             session.execute(select(Campaign.id, Campaign.name))}
    counts = Counter(session.execute(
        select(Response.campaign_id, Response.submitted_on, Response.area_code)
        .where(Response.review == "held")).all())
    out = [HeldGroup(str(c) if c is not None else OPEN,
                     camps.get(c, "") if c is not None else "The open survey link",
                     day, area, names.get(area, area) if area else "No area given", n)
           for (c, day, area), n in counts.items()]
    return sorted(out, key=lambda g: (g.day, g.link_name, g.area_name))


def release(session: Session, key: str) -> int:
    """Release the held group ``key`` (from :attr:`HeldGroup.key`): its answers count
    from the next snapshot.  Flushed, not committed; returns how many."""
    try:
        link, day, area = key.split("|")
        when = date.fromisoformat(day)
        camp = None if link == OPEN else int(link)
    except ValueError:
        return 0
    where = [Response.review == "held", Response.submitted_on == when,
             Response.campaign_id.is_(None) if camp is None else Response.campaign_id == camp,
             Response.area_code.is_(None) if not area else Response.area_code == area]
    done = session.execute(update(Response).where(*where).values(review="released"))
    return int(getattr(done, "rowcount", 0) or 0)


__all__ = ["HeldGroup", "HoldRules", "check_new", "held_groups", "release"]
