"""One-time invitation links and per-organisation check-in links.  No Flask.

No e-mail server is needed: a commissioner is shown the link once, to copy and
send, and as a QR code to print.  Only a SHA-256 of each token is stored, so a
copy of the database cannot be used to sign up or check in.  An invitation is
refused once used, once a newer one for the same contact replaces it, and after
it expires; setting the password goes through the same rules as every staff
password (:func:`app.auth.passwords.password_problem`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import segno
from sqlalchemy import func, select

from ..audit import record
from ..auth.passwords import hash_password, password_problem
from ..models import Organisation, OrganisationContact, PartnerInvite, User
from ..models.users import new_session_token


class InviteRefused(Exception):
    """The link cannot be used; the message says why, for the person holding it."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def create_invite(session, contact: OrganisationContact, *, by, days: int,
                  now: datetime | None = None) -> tuple[PartnerInvite, str]:
    """A new invitation for ``contact``; earlier unused ones stop working.  Returns the
    invite and its token (shown once; only its hash is kept)."""
    if not contact.email:
        raise InviteRefused("Add an email address for this contact first: it becomes their "
                            "sign-in name.")
    now = now or datetime.now(UTC)
    for old in session.scalars(select(PartnerInvite).where(
            PartnerInvite.contact_id == contact.id, PartnerInvite.used_at.is_(None),
            PartnerInvite.revoked_at.is_(None))):
        old.revoked_at = now
    token = new_token()
    invite = PartnerInvite(organisation_id=contact.organisation_id, contact_id=contact.id,
                           token_hash=token_hash(token), created_by=getattr(by, "id", None),
                           created_at=now, expires_at=now + timedelta(days=days))
    session.add(invite)
    session.flush()
    record(session, user=by, action="invite", obj=invite,
           after={"contact": contact.email, "organisation": contact.organisation.name,
                  "expires_at": invite.expires_at.isoformat()})
    return invite, token


def usable_invite(session, token: str, *, now: datetime | None = None) -> PartnerInvite:
    """The invitation ``token`` names, or :class:`InviteRefused` saying why not."""
    now = now or datetime.now(UTC)
    invite = session.scalar(select(PartnerInvite).where(
        PartnerInvite.token_hash == token_hash(token[:200])))
    if invite is None:
        raise InviteRefused("This link is not valid. Check you copied all of it, or ask the "
                            "council for a new one.")
    if invite.used_at is not None:
        raise InviteRefused("This link has already been used. Sign in with the password you "
                            "set, or ask the council for a new link.")
    if invite.revoked_at is not None:
        raise InviteRefused("A newer link has replaced this one. Use the newest link the "
                            "council sent you.")
    if _aware(invite.expires_at) <= now:
        raise InviteRefused("This link has expired. Ask the council for a new one.")
    return invite


def accept_invite(session, invite: PartnerInvite, password: str, *,
                  now: datetime | None = None) -> tuple[User | None, str | None]:
    """Set the contact's password: (account, None), or (None, what is wrong with it).

    The account is a ``partner`` of the invite's organisation.  An existing
    partner account with the same e-mail (a forgotten password) gets the new
    password; an existing council account is never turned into a partner one.
    """
    now = now or datetime.now(UTC)
    email = invite.contact.email.strip().lower()
    problem = password_problem(password, email)
    if problem:
        return None, problem
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is not None and (user.role != "partner"
                             or user.organisation_id != invite.organisation_id):
        return None, ("An account with this email address already exists. Ask the council "
                      "to use another address.")
    created = user is None
    if created:
        user = User(email=email, role="partner", organisation_id=invite.organisation_id,
                    password_hash=hash_password(password))
        session.add(user)
    else:
        user.password_hash = hash_password(password)
        user.failed_logins, user.active = 0, True
    user.session_token = new_session_token()  # any old session ends
    session.flush()
    invite.used_at = now
    invite.contact.user_id = user.id
    record(session, user=user, action="accept invite" if created else "reset password by invite",
           obj=user, after={"email": email, "role": "partner",
                            "organisation": invite.organisation.name})
    return user, None


def new_checkin_link(session, org: Organisation, *, by) -> str:
    """A fresh check-in token for ``org`` (the old link stops working)."""
    token = new_token()
    org.checkin_token_hash = token_hash(token)
    record(session, user=by, action="new check-in link", obj=org)
    return token


def organisation_for_checkin(session, token: str) -> Organisation | None:
    if not token:
        return None
    return session.scalar(select(Organisation).where(
        Organisation.checkin_token_hash == token_hash(token[:200])))


def qr_svg(url: str, title: str) -> str:
    """The link as an inline SVG QR code.  segno escapes the title; the link is only
    encoded as modules (black squares), never written into the markup."""
    return segno.make(url, error="m").svg_inline(scale=4, title=title, border=4)
