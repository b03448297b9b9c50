"""Demo county: council buildings and youth services.

Reads the demo geography already in the database (``Postcode`` and ``Area``
rows, and the ``rural`` and ``imd_decile`` LSOA indicators when present) and
places about 80 made-up services and a dozen council buildings at its
postcodes, so that the product's point shows on the map:

* the city (named by the demo geography in ``ctx.info["town_centres"]``, or
  else the place with most urban postcodes) has free drop-ins and
  open-access clubs run by the council and charities, and a bit of everything;
* market towns (other urban places) have some free provision and some paid;
* rural places have volunteer-run clubs on monthly subscriptions and uniformed
  groups; isolated deprived rural parishes have little, or only paid
  uniformed provision;
* a handful of outreach and online services have no fixed place.

Several grants end within the next 12 months, a few services are paused or
closed, some were last checked long ago (so they show for review) and a few
reports from the public wait in the queue.  Everything comes from
``random.Random(ctx.seed)``; dates are relative to the day it is built.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from ..geodata.lookup import areas_containing
from ..models import (
    Area,
    AreaIndicator,
    Building,
    Organisation,
    Postcode,
    Service,
    ServiceReport,
    ServiceSession,
)
from .directory_contacts import add_contact


@dataclass
class Place:
    name: str
    postcodes: list = field(default_factory=list)
    urban: int = 0
    deprived: int = 0

    @property
    def is_urban(self) -> bool:
        return self.urban * 2 >= len(self.postcodes)

    @property
    def is_deprived(self) -> bool:
        return self.deprived * 2 > len(self.postcodes)


# name, type, cost model, amount, provider, funding, concession, ages, sessions
# (day, start hour, hours, term-time only), venue.
CITY = [
    ("{p} Youth Hub Drop-in", "drop_in", "free", None, "council", "Council youth service",
     False, (11, 19), [(0, 16, 3, False), (2, 16, 3, False), (4, 16, 4, False)], "{p} Youth Hub"),
    ("{p} Friday Night Project", "open_access", "free", None, "charity", "grant:Youth Investment Fund",
     False, (11, 18), [(4, 18, 3, False)], "{p} Community Centre"),
    ("Northside Youth Club", "open_access", "free", None, "charity", "grant:National Lottery Community Fund",
     False, (11, 16), [(1, 18, 2, False), (3, 18, 2, False)], "Northside Community Centre"),
    ("Eastgate Young People's Drop-in", "drop_in", "free", None, "nhs", "NHS integrated care board",
     False, (13, 19), [(2, 15, 3, False)], "Eastgate Health Centre"),
    ("{p} LGBTQ+ Youth Group", "open_access", "free", None, "charity", "grant:Community Foundation",
     False, (13, 19), [(1, 17, 2, False)], "{p} Library"),
    ("{p} Young Carers Group", "other", "free", None, "charity", "Council grant",
     False, (11, 18), [(3, 16, 2, True)], "{p} Family Hub"),
    ("Riverside Detached Youth Work", "detached", "free", None, "council", "Council youth service",
     False, (11, 19), [(4, 19, 3, False), (5, 19, 3, False)], None),
    ("{p} Boxing Academy", "boxing_martial_arts", "per_session", "3.00", "charity", "Fees and donations",
     True, (10, 19), [(0, 18, 2, False), (3, 18, 2, False)], "{p} Boxing Gym"),
    ("{p} Kickboxing Club", "boxing_martial_arts", "monthly", "25.00", "private", "Fees",
     False, (8, 17), [(2, 18, 1, False)], "Unit 4, Riverside Trading Estate"),
    ("{p} Street Dance", "arts_music", "per_session", "4.00", "private", "Fees",
     False, (8, 16), [(1, 17, 1, True)], "{p} Arts Centre"),
    ("{p} Youth Theatre", "arts_music", "termly", "60.00", "charity", "Fees and Arts Council grant",
     True, (11, 18), [(5, 10, 3, True)], "{p} Arts Centre"),
    ("{p} Rock School", "arts_music", "weekly", "8.00", "private", "Fees",
     False, (11, 18), [(3, 18, 2, True)], "{p} Music Rooms"),
    ("Youth Music Project", "arts_music", "free", None, "charity", "grant:Youth Music",
     False, (13, 19), [(1, 18, 2, False)], "{p} Youth Hub"),
    ("{p} Scouts (Explorers)", "uniformed", "termly", "45.00", "volunteer", "Subscriptions",
     True, (14, 18), [(1, 19, 2, True)], "St Peter's Scout Hut"),
    ("{p} Girlguiding Rangers", "uniformed", "termly", "40.00", "volunteer", "Subscriptions",
     True, (14, 18), [(2, 19, 2, True)], "{p} Guide Hall"),
    ("{p} Army Cadets", "uniformed", "yearly", "30.00", "volunteer", "Ministry of Defence",
     False, (12, 18), [(0, 19, 2, False), (3, 19, 2, False)], "{p} Drill Hall"),
    ("{p} Police Cadets", "uniformed", "free", None, "police", "Police and Crime Commissioner grant",
     False, (13, 17), [(2, 18, 2, True)], "{p} Police Station"),
    ("{p} Youth Football", "sport", "monthly", "15.00", "volunteer", "Subscriptions",
     True, (11, 16), [(1, 18, 1, False), (6, 10, 2, False)], "{p} Playing Fields"),
    ("{p} Basketball Club", "sport", "per_session", "2.50", "volunteer", "Fees",
     False, (12, 19), [(3, 19, 2, False)], "{p} Leisure Centre"),
    ("{p} Leisure Centre Junior Gym", "sport", "per_session", "4.50", "private", "Fees",
     False, (14, 17), [(0, 16, 4, False), (2, 16, 4, False)], "{p} Leisure Centre"),
    ("{p} Climbing Wall Youth Sessions", "sport", "per_session", "8.00", "private", "Fees",
     False, (11, 17), [(5, 14, 2, False)], "{p} Climbing Centre"),
    ("{p} Skate Park Sessions", "sport", "free", None, "council", "grant:Council youth grant",
     False, (11, 19), [(5, 13, 3, False)], "{p} Skate Park"),
    ("{p} Youth Cycle Club", "outdoor", "free", None, "charity", "grant:Sport England",
     False, (11, 17), [(6, 10, 3, False)], "{p} Cycle Hub"),
    ("{p} Duke of Edinburgh Open Group", "outdoor", "yearly", "75.00", "charity", "Fees",
     True, (14, 19), [(2, 18, 2, True)], "{p} Youth Hub"),
    ("{p} Church Youth Café", "faith", "free", None, "volunteer", "Donations",
     False, (11, 18), [(4, 19, 2, False)], "St Mary's Church Hall"),
    ("{p} Mosque Youth Circle", "faith", "free", None, "volunteer", "Donations",
     False, (11, 18), [(5, 17, 2, False)], "{p} Community Mosque"),
    ("{p} Coding Club", "other", "per_session", "3.00", "charity", "Fees",
     True, (11, 16), [(3, 16, 2, True)], "{p} Library"),
    ("{p} Chess and Games Club", "other", "free", None, "volunteer", "Donations",
     False, (9, 18), [(2, 17, 2, False)], "{p} Library"),
    ("{p} Sixth-form Drop-in", "drop_in", "free", None, "school", "School budget",
     False, (16, 19), [(1, 13, 1, True)], "{p} High School"),
    ("Westfield Youth Club", "open_access", "free", None, "council", "Council youth service",
     False, (11, 16), [(3, 18, 2, False)], "Westfield Primary School Hall"),
]
TOWN = [
    ("{p} Youth Club", "open_access", "free", None, "council", "grant:Council youth grant",
     False, (11, 18), [(2, 18, 2, False)], "{p} Community Centre"),
    ("{p} Scouts", "uniformed", "termly", "40.00", "volunteer", "Subscriptions",
     True, (10, 14), [(0, 19, 2, True)], "{p} Scout Hut"),
    ("{p} Town FC Juniors", "sport", "monthly", "12.00", "volunteer", "Subscriptions",
     False, (9, 16), [(3, 18, 1, False), (6, 10, 2, False)], "{p} Recreation Ground"),
    ("{p} Youth Drop-in", "drop_in", "free", None, "charity", "grant:National Lottery Community Fund",
     False, (13, 19), [(4, 16, 3, False)], "{p} Methodist Hall"),
    ("{p} Judo Club", "boxing_martial_arts", "per_session", "4.00", "volunteer", "Fees",
     False, (8, 18), [(1, 18, 2, False)], "{p} Sports Hall"),
    ("{p} Young Farmers", "other", "yearly", "35.00", "volunteer", "Subscriptions",
     False, (12, 19), [(2, 20, 2, False)], "{p} Market Hall"),
    ("{p} Guides", "uniformed", "termly", "38.00", "volunteer", "Subscriptions",
     True, (10, 14), [(1, 18, 2, True)], "{p} Guide Hut"),
    ("{p} Youth Band", "arts_music", "termly", "30.00", "volunteer", "Subscriptions",
     True, (11, 18), [(3, 19, 2, True)], "{p} Methodist Hall"),
    ("{p} Air Cadets", "uniformed", "monthly", "10.00", "volunteer", "Ministry of Defence",
     False, (12, 18), [(1, 19, 2, False), (4, 19, 2, False)], "{p} ATC Hut"),
]
RURAL = [
    ("{p} Scouts", "uniformed", "termly", "45.00", "volunteer", "Subscriptions",
     False, (10, 14), [(2, 19, 2, True)], "{p} Village Hall"),
    ("{p} Youth Club", "open_access", "monthly", "5.00", "volunteer", "Subscriptions",
     False, (11, 16), [(4, 19, 2, True)], "{p} Village Hall"),
    ("{p} Pony Club", "outdoor", "yearly", "90.00", "volunteer", "Subscriptions",
     False, (8, 18), [(5, 10, 3, False)], "{p} Farm"),
    ("{p} Cricket Club Juniors", "sport", "yearly", "40.00", "volunteer", "Subscriptions",
     False, (9, 17), [(2, 18, 2, False)], "{p} Cricket Ground"),
]
DEPRIVED_RURAL = [
    ("{p} Scouts", "uniformed", "termly", "48.00", "volunteer", "Subscriptions",
     False, (10, 14), [(1, 19, 2, True)], "{p} Village Hall"),
    ("{p} Army Cadets", "uniformed", "yearly", "36.00", "volunteer", "Ministry of Defence",
     False, (12, 18), [(3, 19, 2, False)], "{p} Church Hall"),
]
NO_FIXED_PLACE = [
    ("Countywide Detached Youth Team", "detached", "free", None, "council",
     "Council youth service", False, (11, 19), [(3, 18, 3, False), (5, 18, 3, False)]),
    ("Rural Outreach Minibus", "detached", "free", None, "charity",
     "grant:Police and Crime Commissioner", False, (11, 18), [(4, 17, 4, False)]),
    ("Online Youth Chat", "online", "free", None, "nhs", "NHS integrated care board",
     False, (11, 19), [(0, 18, 4, False), (2, 18, 4, False), (6, 18, 4, False)]),
    ("Online Gaming Club", "online", "monthly", "4.00", "private", "Fees",
     False, (12, 18), [(4, 19, 2, False)]),
    ("Street Sport Roadshow", "sport", "free", None, "charity", "grant:Sport England",
     False, (11, 17), [(5, 13, 3, False)]),
]
BUILDING_KINDS = [
    ("{p} Library", "library", "Ground-floor meeting room for 30; open until 7pm twice a week."),
    ("{p} Community Centre", "community centre", "Hall and kitchen; youth use on two evenings."),
    ("The Old Library", "former library", "Closed 2024; structurally sound, needs heating."),
    ("{p} Family Hub", "family hub", "Daytime use by families; free after 5pm."),
    ("{p} Leisure Centre", "leisure centre", "Sports hall; council-owned, leased to operator."),
    ("{p} Children's Centre", "former children's centre", "Empty since 2023; ramp access."),
    ("{p} Council Depot Hall", "depot", "Large hall beside the bus stop."),
    ("{p} Primary School Hall", "school", "Maintained school; evenings possible."),
]
REPORTS = [
    ("stopped", "The club hasn't met since the summer, the hall was locked."),
    ("price", "It is £5 a session now, not £3."),
    ("times", "It moved to Wednesdays."),
    ("other", None),
    ("times", "Starts at 6.30 now"),
]


def _places(session, town_centres=None) -> tuple[Place | None, list[Place], list[Place]]:
    postcodes = session.scalars(
        select(Postcode).where(Postcode.terminated.is_(None)).order_by(Postcode.postcode)
    ).all()
    rural: dict[str, float] = {}
    deprived: dict[str, bool] = {}
    for ind in session.scalars(select(AreaIndicator).where(
            AreaIndicator.level == "lsoa",
            AreaIndicator.name.in_(("rural", "imd_decile"))).order_by(AreaIndicator.year)):
        if ind.name == "rural" and ind.value is not None:
            rural[ind.area_code] = ind.value
        elif ind.name == "imd_decile" and ind.value is not None:
            deprived[ind.area_code] = ind.value <= 4
    level = "parish" if session.scalar(select(Area.id).where(Area.level == "parish").limit(1)) \
        else "ward" if session.scalar(select(Area.id).where(Area.level == "ward").limit(1)) \
        else "lsoa"
    # The area of the first postcode of each small area (else outward code), found for
    # all of them at once.
    first: dict[str, Postcode] = {}
    for pc in postcodes:
        first.setdefault(pc.lsoa_code or pc.postcode.split()[0], pc)
    found = dict(zip(first, areas_containing(session, [(pc.x, pc.y) for pc in first.values()],
                                             level), strict=True)) if level != "lsoa" else {}
    by_lsoa: dict[str, str] = {}
    places: dict[str, Place] = {}
    for pc in postcodes:
        key = pc.lsoa_code or pc.postcode.split()[0]
        if key not in by_lsoa:
            area = found.get(key)
            if area is None and pc.lsoa_code:
                area = session.scalar(select(Area).where(Area.level == "lsoa",
                                                         Area.code == pc.lsoa_code))
            by_lsoa[key] = area.name if area is not None else pc.postcode.split()[0]
        name = by_lsoa[key]
        place = places.setdefault(name, Place(name))
        place.postcodes.append(pc)
        is_rural = rural.get(pc.lsoa_code)
        place.urban += 1 if (is_rural is not None and is_rural < 0.5) else 0
        place.deprived += 1 if deprived.get(pc.lsoa_code) else 0
    ordered = sorted(places.values(), key=lambda p: (-len(p.postcodes), p.name))
    if not ordered:
        return None, [], []
    # The demo geography names its city and market towns (their parishes share the
    # names); a small market town counts as "rural" in the Rural-Urban Classification,
    # so its name is the better guide.
    named = {c["name"]: c.get("kind") for c in (town_centres or [])}
    city = next((p for p in ordered if named.get(p.name) == "city"), None)
    if city is not None:
        towns = [p for p in ordered if named.get(p.name) == "town"]
        countryside = [p for p in ordered if p is not city and p not in towns]
        return city, towns, countryside
    if not rural:
        # No rurality figures: the biggest places are the city and towns.
        for p in ordered[:4]:
            p.urban = len(p.postcodes)
    urban = [p for p in ordered if p.is_urban] or ordered[:1]
    city = max(urban, key=lambda p: (p.urban, len(p.postcodes), p.name))
    # At most eight market towns; smaller urban places count as countryside.
    towns = sorted((p for p in urban if p is not city),
                   key=lambda p: (-len(p.postcodes), p.name))[:8]
    countryside = [p for p in ordered if p is not city and p not in towns]
    return city, towns, countryside


def _make(session, rng, spec, place: Place | None, orgs: dict, today: date,
          no_fixed_place: bool = False) -> Service:
    if no_fixed_place:
        name, stype, model, amount, provider, funding, concession, ages, sessions = spec
        venue = None
    else:
        name, stype, model, amount, provider, funding, concession, ages, sessions, venue = spec
        no_fixed_place = venue is None  # detached youth work based in a place
    pname = place.name if place else ""
    service = Service(
        name=name.format(p=pname), service_type=stype, uniformed=stype == "uniformed",
        cost_model=model, cost_amount=Decimal(amount) if amount else None, concession=concession,
        age_min=ages[0], age_max=ages[1], provider_type=provider, status="active",
        no_fixed_place=no_fixed_place,
    )
    if funding.startswith("grant:"):
        name = funding[6:]
        service.funding_source = name if name.lower().endswith("grant") else f"{name} grant"
        # About half of the grants end within the next 12 months.
        days = rng.randint(20, 360) if rng.random() < 0.55 else rng.randint(400, 1100)
        service.funding_end = today + timedelta(days=days)
    else:
        service.funding_source = funding
    org_name = {
        "council": "County Youth Service",
        "nhs": "County Health and Care NHS Trust",
        "police": "County Police",
        "school": f"{pname} High School" if pname else "County Schools",
    }.get(provider) or (f"{pname} Youth Trust" if provider == "charity" and pname else None)
    if provider == "volunteer" or provider == "private" or org_name is None:
        org_name = service.name if pname else f"{service.name} CIC"
    org = orgs.get(org_name)
    if org is None:
        where = "the county" if provider in ("council", "nhs", "police") or not pname else pname
        org = Organisation(name=org_name, description=f"Runs youth activities in {where}.")
        orgs[org_name] = org
        session.add(org)
    service.organisation = org
    if not no_fixed_place:
        pc = rng.choice(place.postcodes)
        service.postcode, service.x, service.y, service.lsoa_code = (
            pc.postcode, float(pc.x), float(pc.y), pc.lsoa_code)
        service.venue_name = venue.format(p=pname)
        street = rng.choice(["High Street", "Church Lane", "Station Road", "Mill Street",
                             "Bridge Street", "Market Place", "School Lane"])
        service.address = f"{rng.randint(1, 80)} {street}, {pname}"
        service.accessibility_notes = rng.choice([
            "Step-free entrance and an accessible toilet.", "Ramp at the side door.",
            "First floor, no lift.", None])
        service.transport_notes = rng.choice([
            "Buses stop outside until 7pm.", "Last bus home leaves at 6.15pm.",
            "No evening bus; parking on site.", None])
    service.capacity = rng.choice([None, 15, 20, 25, 30, 40])
    service.sessions = [
        ServiceSession(day=d, start=time(h), end=time(h + n) if h + n < 24 else time(23, 30),
                       term_time_only=t) for d, h, n, t in sessions
    ]
    # Most were checked in the last five months; about one in ten is overdue.
    roll = rng.random()
    if roll < 0.1:
        service.last_checked = today - timedelta(days=rng.randint(200, 500))
    elif roll < 0.13:
        service.last_checked = None
    else:
        service.last_checked = today - timedelta(days=rng.randint(1, 150))
    add_contact(service)
    session.add(service)
    return service


def build(session, ctx) -> None:
    """Add council buildings, ~80 services and a few public reports to ``session``."""
    rng = random.Random(ctx.seed)
    today = date.today()
    city, towns, countryside = _places(session, ctx.info.get("town_centres"))
    if city is None:
        raise RuntimeError("the demo directory needs the demo geography (postcodes) first")
    orgs: dict[str, Organisation] = {}
    services: list[Service] = []
    for spec in CITY:
        services.append(_make(session, rng, spec, city, orgs, today))
    # Market towns share about 28 services; each gets the first few kinds.
    per_town = max(3, min(len(TOWN), round(28 / max(1, len(towns))))) if towns else 0
    for town in towns:
        for spec in TOWN[:per_town]:
            services.append(_make(session, rng, spec, town, orgs, today))
    deprived = [p for p in countryside if p.is_deprived]
    others = [p for p in countryside if not p.is_deprived]
    # Isolated deprived rural places: nothing, or only paid uniformed provision.
    for i, place in enumerate(deprived):
        if i % 3 == 2:
            continue
        services.append(_make(session, rng, DEPRIVED_RURAL[i % 2], place, orgs, today))
    budget = max(0, 78 - len(services) - len(NO_FIXED_PLACE))
    for i, place in enumerate(others):
        if budget <= 0:
            break
        kinds = RURAL[: 2 if i % 2 == 0 else 1]
        for spec in kinds:
            if budget <= 0:
                break
            services.append(_make(session, rng, spec, place, orgs, today))
            budget -= 1
    for spec in NO_FIXED_PLACE:
        services.append(_make(session, rng, spec, None, orgs, today, no_fixed_place=True))
    # A few are paused or have closed.
    changeable = [s for s in services if s.cost_model != "free" or s.provider_type == "charity"]
    for s in rng.sample(changeable, k=min(4, len(changeable))):
        s.status = "paused" if rng.random() < 0.5 else "closed"
    session.flush()

    # A dozen council buildings: in the city, the towns and a few rural places.
    hosts = [city] * 4 + towns[:5]
    hosts += (deprived + others)[: 12 - len(hosts)]
    hosts += [city] * (12 - len(hosts))  # a small county: more in the city
    seen_names: set[str] = set()
    for i, place in enumerate(hosts[:12]):
        name_fmt, kind, notes = BUILDING_KINDS[i % len(BUILDING_KINDS)]
        if place is not city and i >= 4:
            name_fmt, kind, notes = rng.choice([
                ("{p} Library", "library", "Small branch library; open two evenings."),
                ("{p} Village Hall", "village hall", "Parish-council managed; council freehold."),
                ("{p} Community Centre", "community centre", "Hall and kitchen."),
            ])
        name = name_fmt.format(p=place.name)
        if name in seen_names:
            name = f"{name} (annexe)"
        seen_names.add(name)
        pc = rng.choice(place.postcodes)
        session.add(Building(name=name, uprn=str(100_090_000_000 + i * 7919 + rng.randint(0, 99)),
                             x=float(pc.x) + rng.randint(-60, 60),
                             y=float(pc.y) + rng.randint(-60, 60), kind=kind, notes=notes))

    active = [s for s in services if s.status == "active"]
    for kind, message in REPORTS:
        target = rng.choice(active)
        session.add(ServiceReport(service_id=target.id, kind=kind, message=message))
    session.flush()
    ctx.info["directory"] = {
        "services": len(services), "city": city.name, "towns": [t.name for t in towns],
        "deprived_rural": [p.name for p in deprived],
    }
