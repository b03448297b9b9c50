"""Demo county: partner organisations that keep their own listings.

Every organisation gets its kind from its listings.  Three become partners with
a contact and a signed-up account each (passwords printed once, like the other
demo accounts): the police (changes reviewed; two wait in the queue), the
city's youth charity (trusted: changes go live at once) and the NHS trust
(changes reviewed; several listings not confirmed for a long time, and a
report from the public about one of them).
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from ..auth.passwords import hash_password
from ..directory.records import service_row
from ..models import Building, Organisation, OrganisationContact, Service, ServiceReport, User
from ..partners.changes import propose

# (provider type, contact name, job title, trusted)
PARTNERS = (
    ("police", "Sam Okafor", "Youth engagement officer", False),
    ("charity", "Priya Shah", "Youth programmes manager", True),
    ("nhs", "Alex Morgan", "Young people's health lead", False),
)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:30]


def build(session, ctx, domain: str) -> dict[str, str]:
    """Make the partners; return {email: password} of their accounts."""
    today = date.today()
    services = session.scalars(select(Service).order_by(Service.id)).all()
    by_org: dict[int, list[Service]] = {}
    for s in services:
        if s.organisation_id is not None:
            by_org.setdefault(s.organisation_id, []).append(s)
    orgs = {o.id: o for o in session.scalars(select(Organisation))}
    for org_id, listed in by_org.items():
        kinds = Counter(s.provider_type for s in listed if s.provider_type)
        orgs[org_id].kind = kinds.most_common(1)[0][0] if kinds else None
    accounts: dict[str, str] = {}
    for kind, contact_name, title, trusted in PARTNERS:
        candidates = [o for o in orgs.values() if o.kind == kind and by_org.get(o.id)]
        if not candidates:
            continue
        org = max(candidates, key=lambda o: (len(by_org[o.id]), o.name))
        org.trusted = trusted
        email = f"partner-{_slug(kind)}@{domain}"
        password = secrets.token_urlsafe(12)
        user = User(email=email, role="partner", organisation=org,
                    password_hash=hash_password(password))
        session.add(user)
        session.flush()
        session.add(OrganisationContact(organisation_id=org.id, name=contact_name,
                                        job_title=title, email=email, user_id=user.id))
        accounts[email] = password
        listed = [s for s in by_org[org.id] if s.status != "closed"]
        if kind == "police":
            _waiting_changes(session, user, org, listed, today)
        if kind == "nhs":
            _new_listing(session, user, org, listed, today)
            for i, s in enumerate(listed):
                s.last_checked = today - timedelta(days=250 + 40 * i)
            session.add(ServiceReport(service_id=listed[0].id, kind="times",
                                      message="The drop-in is on Thursdays now."))
        if kind == "charity":
            building = session.scalar(select(Building).order_by(Building.id))
            if building is not None:
                building.organisation_id = org.id
            listed[-1].last_checked = today - timedelta(days=300)
    session.flush()
    ctx.info["partners"] = sorted(accounts)
    return accounts


def _as_form_gives(service: Service) -> dict:
    """The listing's row as the edit form gives it: a postcode place has no easting."""
    row = service_row(service)
    if row["postcode"]:
        row.update(easting="", northing="", lsoa_code="")
    return row


def _waiting_changes(session, user, org, listed, today) -> None:
    """A new session time for one listing, a new price for another: both wait for review."""
    if listed:
        row = _as_form_gives(listed[0])
        first = listed[0].sessions[0] if listed[0].sessions else None
        if first is not None:
            later = f"{(first.start.hour + 1) % 24:02d}:{first.start.minute:02d}"
            end = f"{min(23, first.end.hour + 1):02d}:{first.end.minute:02d}"
            row["sessions"] = row["sessions"].replace(
                f"{first.start:%H:%M}-{first.end:%H:%M}", f"{later}-{end}", 1)
        row["last_checked"] = today.isoformat()
        propose(session, user=user, org=org, service=listed[0], row=row, today=today)
    if len(listed) > 1:
        row = _as_form_gives(listed[1])
        row.update(cost_model="per_session", cost_amount="1.50", last_checked=today.isoformat())
        propose(session, user=user, org=org, service=listed[1], row=row, today=today)


def _new_listing(session, user, org, listed, today) -> None:
    """A new listing proposed by the organisation, waiting for review."""
    if not listed:
        return
    row = _as_form_gives(listed[0])
    row.update(name=f"{org.name}: Teen Health Clinic", service_type="drop_in",
               cost_model="free", cost_amount="", sessions="Tue 16:00-18:00",
               description="Confidential health advice for 13 to 19 year olds, no appointment.",
               age_min="13", age_max="19", funding_end="", last_checked=today.isoformat())
    if not row["postcode"] and not row["easting"]:
        row["no_fixed_place"] = "yes"
    propose(session, user=user, org=org, service=None, row=row, today=today)
