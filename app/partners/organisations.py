"""The council's side: partner organisations, their contacts, and the review queue.
No Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..audit import record, snapshot
from ..models import Building, ListingChange, Organisation, OrganisationContact, Service, User
from .listings import is_stale, review_cutoff
from .rows import difference


class DuplicateName(ValueError):
    pass


def all_organisations(session) -> list[dict]:
    """Every organisation with its listing, contact and account counts, by name."""
    listings = dict(session.execute(select(Service.organisation_id, func.count())
                                    .group_by(Service.organisation_id)).all())
    contacts = dict(session.execute(select(OrganisationContact.organisation_id, func.count())
                                    .group_by(OrganisationContact.organisation_id)).all())
    accounts = dict(session.execute(select(User.organisation_id, func.count())
                                    .where(User.role == "partner")
                                    .group_by(User.organisation_id)).all())
    return [{"organisation": o, "listings": listings.get(o.id, 0),
             "contacts": contacts.get(o.id, 0), "accounts": accounts.get(o.id, 0)}
            for o in session.scalars(select(Organisation).order_by(func.lower(Organisation.name)))]


def save_organisation(session, org: Organisation | None, values: dict, *, user) -> Organisation:
    """Create or update an organisation from form values (name, kind, description,
    website, trusted)."""
    name = values["name"].strip()
    other = session.scalar(select(Organisation).where(func.lower(Organisation.name)
                                                      == name.lower()))
    if other is not None and other is not org:
        raise DuplicateName(f"There is already an organisation called {other.name}.")
    before = snapshot(org, exclude=("checkin_token_hash",)) if org is not None else None
    if org is None:
        org = Organisation(name=name)
        session.add(org)
    org.name = name
    org.kind = values["kind"]
    org.description = (values.get("description") or "").strip() or None
    org.website = (values.get("website") or "").strip() or None
    org.trusted = bool(values.get("trusted"))
    # The listings' provider type follows the organisation's kind.
    session.flush()
    for service in session.scalars(select(Service).where(Service.organisation_id == org.id)):
        service.provider_type = org.kind
    record(session, user=user, action="update" if before else "create", obj=org, before=before,
           after=snapshot(org, exclude=("checkin_token_hash",)))
    return org


def add_contact(session, org: Organisation, values: dict, *, user) -> OrganisationContact:
    contact = OrganisationContact(
        organisation_id=org.id, name=values["name"].strip(),
        job_title=(values.get("job_title") or "").strip() or None,
        email=values["email"].strip().lower(), phone=(values.get("phone") or "").strip() or None)
    session.add(contact)
    session.flush()
    record(session, user=user, action="create", obj=contact, after=snapshot(contact))
    return contact


@dataclass
class OrganisationPage:
    organisation: Organisation
    contacts: list
    accounts: list
    services: list
    stale: set
    changes: list
    buildings: list  # every council building, to choose which it looks after


def organisation_page(session, org: Organisation, *, review_days: int,
                      today: date | None = None) -> OrganisationPage:
    cutoff = review_cutoff(review_days, today)
    services = list(session.scalars(select(Service).where(Service.organisation_id == org.id)
                                    .order_by(Service.name)))
    return OrganisationPage(
        organisation=org,
        contacts=list(session.scalars(select(OrganisationContact).where(
            OrganisationContact.organisation_id == org.id).order_by(OrganisationContact.name))),
        accounts=list(session.scalars(select(User).where(User.role == "partner",
                                                         User.organisation_id == org.id))),
        services=services, stale={s.id for s in services if is_stale(s, cutoff)},
        changes=list(session.scalars(select(ListingChange).where(
            ListingChange.organisation_id == org.id).order_by(ListingChange.id.desc())
            .limit(20))),
        buildings=list(session.scalars(select(Building).order_by(Building.name))))


def review_queue(session) -> list[dict]:
    """Changes waiting for review, oldest first, each with its before/after."""
    changes = session.scalars(select(ListingChange).where(ListingChange.status == "pending")
                              .options(selectinload(ListingChange.organisation))
                              .order_by(ListingChange.submitted_at, ListingChange.id)).all()
    return [{"change": c, "diff": difference(c.before, c.after)} for c in changes]


def pending_count(session) -> int:
    return session.scalar(select(func.count(ListingChange.id))
                          .where(ListingChange.status == "pending")) or 0


def upkeep_headline(session, *, review_days: int, today: date | None = None) -> dict:
    """For the commissioner's dashboard: stale listings and changes waiting."""
    cutoff = review_cutoff(review_days, today)
    stale = session.scalar(select(func.count(Service.id)).where(
        Service.status != "closed",
        (Service.last_checked.is_(None)) | (Service.last_checked < cutoff))) or 0
    return {"stale": stale, "pending": pending_count(session), "review_days": review_days}


def link_building(session, org: Organisation, building: Building, *, keep: bool, user) -> None:
    """Let ``org`` look after ``building`` (``keep``), or stop it doing so."""
    before = {"organisation_id": building.organisation_id}
    if keep:
        building.organisation_id = org.id
    elif building.organisation_id == org.id:
        building.organisation_id = None
    record(session, user=user, action="link building" if keep else "unlink building",
           obj=building, before=before, after={"organisation_id": building.organisation_id},
           note=org.name)
