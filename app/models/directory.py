"""The provision directory: organisations, services, sessions, buildings, reports."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .tenancy import CouncilOwned

SERVICE_TYPES = {
    "open_access": "Open-access youth club",
    "drop_in": "Drop-in",
    "uniformed": "Uniformed (Scouts, Guides, cadets)",
    "sport": "Sport",
    "boxing_martial_arts": "Boxing and martial arts",
    "arts_music": "Arts and music",
    "outdoor": "Outdoor",
    "faith": "Faith-based",
    "detached": "Detached or outreach youth work",
    "online": "Online",
    "other": "Other",
}
COST_MODELS = {
    "free": "Free",
    "per_session": "Per session",
    "weekly": "Weekly",
    "monthly": "Monthly",
    "termly": "Termly",
    "yearly": "Yearly",
}
PROVIDER_TYPES = {
    "volunteer": "Volunteer-run",
    "council": "Council",
    "charity": "Charity",
    "police": "Police",
    "nhs": "NHS",
    "school": "School",
    "private": "Private",
}
SERVICE_STATUSES = {"active": "Active", "paused": "Paused", "closed": "Closed"}
# How a young person joins: book first, or just turn up.
JOINING = {"book": "Book a place first", "drop_in": "Drop in: just turn up"}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# What kind of body a partner organisation is (the same codes as PROVIDER_TYPES).
ORGANISATION_KINDS = {
    "volunteer": "Volunteer group",
    "charity": "Charity",
    "police": "Police",
    "nhs": "NHS",
    "school": "School",
    "council": "Council team",
    "private": "Private",
}


class Organisation(CouncilOwned, Base):
    """A body that runs services: a partner once it has a kind and contacts."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("council_id", "name", name="uq_organisation_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(20))
    # A trusted organisation's edits go live at once (still audited).
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    # SHA-256 of the organisation's check-in link token (the token itself is shown once).
    checkin_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class Service(CouncilOwned, Base):
    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    service_type: Mapped[str] = mapped_column(String(30), index=True)
    uniformed: Mapped[bool] = mapped_column(Boolean, default=False)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    cost_model: Mapped[str] = mapped_column(String(20), default="free")
    cost_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    concession: Mapped[bool] = mapped_column(Boolean, default=False)
    venue_name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(10))
    x: Mapped[float | None] = mapped_column(Float)  # easting, EPSG:27700
    y: Mapped[float | None] = mapped_column(Float)  # northing, EPSG:27700
    no_fixed_place: Mapped[bool] = mapped_column(Boolean, default=False)
    lsoa_code: Mapped[str | None] = mapped_column(String(32))
    accessibility_notes: Mapped[str | None] = mapped_column(Text)
    transport_notes: Mapped[str | None] = mapped_column(Text)
    # Contact and joining (HSDS 3 phones, email, url, application_process).
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(300))
    how_to_join: Mapped[str | None] = mapped_column(Text)
    joining: Mapped[str | None] = mapped_column(String(10))  # a JOINING code
    what_to_bring: Mapped[str | None] = mapped_column(Text)
    send_notes: Mapped[str | None] = mapped_column(Text)  # special needs and disabilities
    provider_type: Mapped[str | None] = mapped_column(String(20))
    funding_source: Mapped[str | None] = mapped_column(String(200))
    funding_end: Mapped[date | None] = mapped_column(Date)
    capacity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    # At a place outside the council's area (within OUTSIDE_SERVICE_MAX_KM of it): it
    # counts for reach but is not the council's own provision; set from the place on
    # import, never typed (docs/GEOGRAPHY.md, "Across the boundary").
    outside_council: Mapped[bool] = mapped_column(Boolean, default=False)
    last_checked: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    organisation: Mapped[Organisation | None] = relationship()
    sessions: Mapped[list[ServiceSession]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="ServiceSession.day"
    )


class ServiceSession(CouncilOwned, Base):
    """A regular weekly session of a service."""

    __tablename__ = "service_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    day: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)
    term_time_only: Mapped[bool] = mapped_column(Boolean, default=False)

    service: Mapped[Service] = relationship(back_populates="sessions")


class Building(CouncilOwned, Base):
    """A council-owned building that could host provision."""

    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("council_id", "uprn", name="uq_building_uprn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uprn: Mapped[str | None] = mapped_column(String(12))
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    kind: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    # The partner organisation that looks after it, if any (it may edit it).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )


class ServiceReport(CouncilOwned, Base):
    """An anonymous report from the public that a listing is out of date."""

    __tablename__ = "service_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # stopped / price / times / other
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="open")
    handled_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    service: Mapped[Service] = relationship()
