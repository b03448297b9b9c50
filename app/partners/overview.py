"""The partners page: who runs what, where, for whom, at what cost, until when,
how current each keeps its listings, and which areas rest on one partner.  No Flask.

Everything here is about organisations and their listings, never about young
people, so no figure passes through the disclosure layer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..directory.costs import service_monthly_cost
from ..geodata.lookup import areas_containing
from ..models import Area, ListingChange, Organisation, Service, User
from ..models.directory import ORGANISATION_KINDS, SERVICE_TYPES
from .listings import is_stale, review_cutoff


@dataclass
class OrgSummary:
    organisation: Organisation
    kind: str
    listings: int = 0
    active: int = 0
    paused_or_closed: int = 0
    types: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    no_fixed_place: int = 0
    ages: str = "—"
    free: int = 0
    monthly_range: str = "—"
    funding_end: date | None = None
    ending_within_year: int = 0
    current: int = 0  # listings confirmed within the review period (of those not closed)
    checkable: int = 0
    oldest_check: date | None = None
    never_checked: int = 0
    pending: int = 0
    accounts: int = 0

    @property
    def current_share(self) -> int | None:
        return round(100 * self.current / self.checkable) if self.checkable else None


@dataclass
class Overview:
    organisations: list[OrgSummary]
    single_partner_areas: list[dict]
    area_level: str
    review_days: int
    unattached: int  # listings with no organisation


def _area_level(session) -> str | None:
    for level in ("parish", "ward", "lsoa"):
        if session.scalar(select(Area.id).where(Area.level == level).limit(1)) is not None:
            return level
    return None


def _money(value: float) -> str:
    return f"£{value:,.0f}" if value == int(value) else f"£{value:,.2f}"


def build_overview(session, *, review_days: int, today: date | None = None) -> Overview:
    today = today or date.today()
    cutoff = review_cutoff(review_days, today)
    year_on = today + timedelta(days=365)
    level = _area_level(session)
    services = session.scalars(select(Service).options(
        selectinload(Service.sessions), selectinload(Service.organisation))).all()
    pending = dict(session.execute(select(ListingChange.organisation_id, func.count())
                                   .where(ListingChange.status == "pending")
                                   .group_by(ListingChange.organisation_id)).all())
    accounts = dict(session.execute(select(User.organisation_id, func.count())
                                    .where(User.role == "partner", User.active.is_(True))
                                    .group_by(User.organisation_id)).all())
    by_org: dict[int, list[Service]] = defaultdict(list)
    unattached = 0
    for s in services:
        if s.organisation_id is None:
            unattached += 1
        else:
            by_org[s.organisation_id].append(s)
    # Each placed listing's area, found for all of them at once (none before any
    # boundaries are imported).
    placed = [s for s in services if not s.no_fixed_place and s.x is not None] if level else []
    found = areas_containing(session, [(s.x, s.y) for s in placed], level) if level else []
    area_names = {s.id: area.name for s, area in zip(placed, found, strict=True)
                  if area is not None}
    # area name -> {organisation id: active listings there}
    providers: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    summaries = []
    orgs = {o.id: o for o in session.scalars(select(Organisation))}
    for org_id, listed in by_org.items():
        org = orgs[org_id]
        summary = OrgSummary(organisation=org, kind=ORGANISATION_KINDS.get(org.kind or "", ""),
                             listings=len(listed), pending=pending.get(org_id, 0),
                             accounts=accounts.get(org_id, 0))
        live = [s for s in listed if s.status != "closed"]
        summary.active = sum(1 for s in listed if s.status == "active")
        summary.paused_or_closed = len(listed) - summary.active
        summary.types = sorted({SERVICE_TYPES.get(s.service_type, s.service_type) for s in live})
        places = set()
        for s in live:
            if s.no_fixed_place or s.x is None:
                summary.no_fixed_place += 1
                continue
            name = area_names.get(s.id)
            if name:
                places.add(name)
                if s.status == "active":
                    providers[name][org_id] += 1
        summary.areas = sorted(places)
        lows = [s.age_min for s in live if s.age_min is not None]
        highs = [s.age_max for s in live if s.age_max is not None]
        if lows or highs:
            summary.ages = f"{min(lows) if lows else 'any'} to {max(highs) if highs else 'any'}"
        summary.free = sum(1 for s in live if s.cost_model == "free")
        monthly = [m for m in (service_monthly_cost(s) for s in live if s.cost_model != "free")
                   if m is not None]
        if monthly:
            low, high = min(monthly), max(monthly)
            summary.monthly_range = (_money(low) if low == high
                                     else f"{_money(low)} to {_money(high)}") + " a month"
        ends = sorted(s.funding_end for s in live if s.funding_end and s.funding_end >= today)
        summary.funding_end = ends[0] if ends else None
        summary.ending_within_year = sum(1 for d in ends if d <= year_on)
        summary.checkable = len(live)
        summary.current = sum(1 for s in live if not is_stale(s, cutoff))
        checks = [s.last_checked for s in live if s.last_checked]
        summary.oldest_check = min(checks) if checks else None
        summary.never_checked = sum(1 for s in live if s.last_checked is None)
        summaries.append(summary)
    summaries.sort(key=lambda o: (o.current_share if o.current_share is not None else 101,
                                  o.organisation.name.lower()))
    single = []
    for name, runs in providers.items():
        if len(runs) == 1:
            (org_id, count), = runs.items()
            single.append({"area": name, "organisation": orgs[org_id], "listings": count})
    single.sort(key=lambda r: (r["organisation"].name.lower(), r["area"]))
    return Overview(organisations=summaries, single_partner_areas=single,
                    area_level=level or "area", review_days=review_days, unattached=unattached)
