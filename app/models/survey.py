"""Surveys, anonymous responses and their answers, campaigns, safeguarding."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .tenancy import CouncilOwned


def new_record_key() -> int:
    """A record key for the cell key method: uniform on 0-255, from ``secrets``."""
    return secrets.randbelow(256)


class Survey(CouncilOwned, Base):
    """A survey as loaded from its definition file in ``surveys/``."""

    __tablename__ = "survey"
    __table_args__ = (UniqueConstraint("council_id", "slug", "version",
                                       name="uq_survey_slug_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict] = mapped_column(JSON)
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    # Goes up by one on every UPDATE of the row (any column), so per-process caches
    # of the parsed definition and built form can be keyed on (id, revision) and
    # checked with one small query instead of loading the definition each time.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1",
                                          onupdate=literal_column("revision + 1"))


class Campaign(CouncilOwned, Base):
    """A link for one school, club or event, so we know where voices came from."""

    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint("council_id", "survey_slug", "code",
                                       name="uq_campaign_survey_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_slug: Mapped[str] = mapped_column(String(60))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="event")  # school / club / event
    school_urn: Mapped[str | None] = mapped_column(String(12))
    pupils: Mapped[int | None] = mapped_column(Integer)
    area_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Response(CouncilOwned, Base):
    """One anonymous response.  No names, emails, IPs, user agents or postcodes.

    Written on every submission, read in bulk (a survey's results, the nightly
    retention job): indexed only on what pages filter by (survey, area, token).
    """

    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    survey_slug: Mapped[str] = mapped_column(String(60), index=True)
    survey_version: Mapped[int] = mapped_column(Integer)
    # One-time submission token: a resubmit or a double tap stores one response.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # Only the date, never the time: a timestamp can single a child out.
    submitted_on: Mapped[date] = mapped_column(Date)
    area_level: Mapped[str | None] = mapped_column(String(20))
    area_code: Mapped[str | None] = mapped_column(String(32), index=True)
    age_band: Mapped[str | None] = mapped_column(String(20))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    # Cell key method (app.publication.cellkey): a random 0-255 drawn with ``secrets``
    # when the response is stored, never shown.  A published cell's noise is a fixed
    # function of the keys of the responses in it.
    record_key: Mapped[int] = mapped_column(Integer, default=new_record_key)
    # Whether the answer counts towards published figures (app.publication.review):
    # None for rows the council loaded; "new" for a web answer not yet checked,
    # then "counted", "held" (a burst that one person could have made: left out of
    # every figure until a person releases it) or "released".  Nothing identifying.
    review: Mapped[str | None] = mapped_column(String(10))

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    campaign: Mapped[Campaign | None] = relationship()


class Answer(CouncilOwned, Base):
    """One answer; a multiple-choice question stores one row per option chosen."""

    __tablename__ = "answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(60))
    value: Mapped[str | None] = mapped_column(Text)
    is_free_text: Mapped[bool] = mapped_column(Boolean, default=False)

    response: Mapped[Response] = relationship(back_populates="answers")


class SafeguardingFlag(CouncilOwned, Base):
    """A response whose free text matched a safeguarding indicator."""

    __tablename__ = "safeguarding_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What a person sees and links to: random, so it says nothing about the
    # order answers came in (the id does).
    ref: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: uuid.uuid4().hex)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    matched: Mapped[list] = mapped_column(JSON)  # indicator categories matched
    # False: the words were typed into a box not meant for the young person's age (with
    # JavaScript off, an 11-year-old sees the box for 13 and over); they were screened
    # and thrown away, and only the categories they matched were kept.
    text_kept: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open/reviewed/action_taken
    notes: Mapped[str | None] = mapped_column(Text)
    # Only the date, as the privacy page says: a time could single a child out.
    created_on: Mapped[date] = mapped_column(Date, default=lambda: utcnow().date())
    reviewed_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    response: Mapped[Response] = relationship()


class SurveyWave(CouncilOwned, Base):
    """One round of a survey ("2026"), by dates (app/survey/waves.py).

    A response belongs to the wave whose dates hold its ``submitted_on`` date (and,
    when ``versions`` is not empty, whose versions include its survey version): the
    wave is derived from what a response stores anyway, so nothing is added to it
    and a wave set up after answers arrived still counts them.  Waves of one
    survey never overlap (checked when one is made)."""

    __tablename__ = "survey_wave"
    __table_args__ = (UniqueConstraint("council_id", "survey_slug", "name",
                                       name="uq_survey_wave_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_slug: Mapped[str] = mapped_column(String(60), index=True)
    name: Mapped[str] = mapped_column(String(40))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    # Survey versions answered in this wave ([] = any version).
    versions: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def holds(self, submitted_on: date, version: int | None = None) -> bool:
        """Whether a response sent on ``submitted_on`` (to ``version``) is in this wave."""
        if not self.opens_on <= submitted_on <= self.closes_on:
            return False
        return not self.versions or version is None or version in self.versions


class WaveAction(CouncilOwned, Base):
    """One line of a wave's public "You said, we did" page, written by an admin:
    what young people said, what the council did or is doing, and its status.
    ``said`` and ``did`` map a language code to the text ("en" always there);
    the page shows the reader's language, else English.  Plain text: escaped."""

    __tablename__ = "wave_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    said: Mapped[dict] = mapped_column(JSON, default=dict)
    did: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="doing")  # done / doing / planned
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
