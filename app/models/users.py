"""Staff accounts and the audit trail."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .tenancy import CouncilOwned

ROLES = ("admin", "commissioner", "councillor", "safeguarding", "partner", "national_admin")
# Council staff.  Partner accounts (people at other organisations) are not staff:
# they see only the partner pages, and only their own organisation's records.
# A national admin (issue 27) adds councils and reads no council's data: not staff either.
STAFF_ROLES = tuple(r for r in ROLES if r not in ("partner", "national_admin"))
ROLE_LABELS = {
    "admin": "Administrator",
    "commissioner": "Commissioner",
    "councillor": "Councillor",
    "safeguarding": "Safeguarding lead",
    "partner": "Partner organisation",
    "national_admin": "National administrator",
}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(CouncilOwned, Base):
    """A member of staff.  Young people never have accounts."""

    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("council_id", "email", name="uq_user_account_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Rotated at login and logout: a session cookie carrying an old token is dead.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    # Partner accounts belong to one organisation and see only its listings.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    organisation = relationship("Organisation")
    # The ward a councillor (or any member of staff who reads the gap figures) looks
    # after: their dashboard leads with it.  A code, not a key: wards are re-imported.
    ward_code: Mapped[str | None] = mapped_column(String(32))

    # Flask-Login protocol, without importing Flask-Login here.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class AuditEvent(CouncilOwned, Base):
    """Who changed what, when, with the record before and after."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept as text so the trail survives the account being deleted.
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(60))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
