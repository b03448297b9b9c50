"""Partner organisations' people, their invitations and their proposed changes.

Contacts are adults at partner bodies (a club secretary, a police youth
officer); nothing here is about young people.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .directory import Organisation, Service
from .tenancy import CouncilOwned

CHANGE_KINDS = {"update": "Change to a listing", "create": "New listing"}
CHANGE_STATES = {
    "pending": "Waiting for review",
    "approved": "Approved",
    "edited": "Approved with the council's edits",
    "rejected": "Not accepted",
    "live": "Live at once (trusted organisation)",
    "withdrawn": "Withdrawn",
}


class OrganisationContact(CouncilOwned, Base):
    """A person at a partner organisation the council may invite."""

    __tablename__ = "organisation_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()


class PartnerInvite(CouncilOwned, Base):
    """A one-time, expiring link that lets a contact set a password.

    Only a SHA-256 of the link's token is kept: the link is shown once, to the
    commissioner who made it.
    """

    __tablename__ = "partner_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("organisation_contact.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()
    contact: Mapped[OrganisationContact] = relationship()


class ListingChange(CouncilOwned, Base):
    """A partner's proposed listing, before and after, as the documented CSV columns.

    ``before`` is the listing as it was when the partner saved (empty for a new
    listing); ``after`` is what they asked for.  A commissioner approves (perhaps
    after editing ``after``) or rejects with a reason the partner sees.
    """

    __tablename__ = "listing_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # update / create
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    submitted_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    service: Mapped[Service | None] = relationship()
