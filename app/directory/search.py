"""Finding provision: words, type, price, day, age, uniformed, near a place.  No Flask."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..models import Area, Service
from . import near_words as w
from .costs import service_monthly_cost
from .places import distance_km, normalise_postcode, place_postcode
from .words import Synonyms, parse_query, vocabulary_of, words

KM_PER_MILE = 1.609344

NEAR_LEVELS = ("parish", "ward", "lsoa", "custom")


@dataclass
class Filters:
    q: str = ""
    service_type: str = ""
    free_only: bool = False
    max_monthly: float | None = None
    day: int | None = None
    age: int | None = None
    not_uniformed: bool = False
    near: str = ""


@dataclass
class Hit:
    service: Service
    distance_km: float | None = None
    _monthly: tuple = ()
    # How long it takes to get there from the searched postcode (app.directory.near).
    times: object | None = None

    @property
    def distance_miles(self) -> float | None:
        return None if self.distance_km is None else round(self.distance_km / KM_PER_MILE, 1)

    @property
    def monthly(self) -> float | None:
        """The comparable monthly cost, worked out once and only when needed."""
        if not self._monthly:
            self._monthly = (service_monthly_cost(self.service),)
        return self._monthly[0]


@dataclass
class Found:
    hits: list[Hit] = field(default_factory=list)
    origin: tuple[float, float] | None = None
    origin_label: str | None = None
    near_problem: str | None = None
    total: int = 0
    # (word typed, [words searched for instead]) for each word no listing uses.
    corrections: list = field(default_factory=list)


# A service's type in the words people search with (the type labels name examples,
# "Uniformed (Scouts, Guides, cadets)", that would make every cadet unit a Scout group).
TYPE_WORDS = {
    "open_access": "youth club", "drop_in": "drop-in", "uniformed": "uniformed",
    "sport": "sport", "boxing_martial_arts": "boxing martial arts", "arts_music": "arts music",
    "outdoor": "outdoor", "faith": "faith", "detached": "detached outreach youth work",
    "online": "online", "other": "",
}


def searchable_text(service: Service) -> str:
    """What the words of a search are looked for in."""
    org = service.organisation
    return " ".join(t or "" for t in (
        service.name, service.description, service.venue_name, service.address,
        org.name if org is not None else "", TYPE_WORDS.get(service.service_type, "")))


def locate(session, text: str) -> tuple[tuple[float, float] | None, str | None, str | None]:
    """(point, label, problem) for a postcode or an area name.  Nothing is stored."""
    text = (text or "").strip()
    if not text:
        return None, None, None
    if normalise_postcode(text):
        placed = place_postcode(session, text)
        if placed is None:
            return None, None, w.NO_POSTCODE.format(postcode=normalise_postcode(text))
        return (placed[1], placed[2]), placed[0], None
    lowered = text.lower()
    areas = session.scalars(
        select(Area).where(Area.level.in_(NEAR_LEVELS), func.lower(Area.name) == lowered)
    ).all()
    if not areas:
        areas = session.scalars(
            select(Area).where(Area.level.in_(NEAR_LEVELS),
                               func.lower(Area.name).like(lowered.replace("%", "") + "%"))
            .order_by(Area.name).limit(5)
        ).all()
    if not areas:
        return None, None, w.NO_PLACE.format(place=text)
    order = {level: i for i, level in enumerate(NEAR_LEVELS)}
    area = sorted(areas, key=lambda a: order.get(a.level, 9))[0]
    return (area.centroid_x, area.centroid_y), area.name, None


def find_services(session, filters: Filters, *, statuses=("active",), page: int | None = None,
                  page_size: int = 20, synonyms: Synonyms | None = None) -> Found:
    """Matching services (nearest first when near a place).  With ``page``, only that
    page's hits are returned and ``total`` counts them all.  The words of ``filters.q``
    are matched as :mod:`.words` says (word forms, ``synonyms``, typos)."""
    stmt = (select(Service).where(Service.status.in_(statuses))
            .options(selectinload(Service.sessions), selectinload(Service.organisation)))
    if filters.service_type:
        stmt = stmt.where(Service.service_type == filters.service_type)
    if filters.not_uniformed:
        stmt = stmt.where(Service.uniformed.is_(False))
    if filters.free_only:
        stmt = stmt.where(Service.cost_model == "free")
    if filters.age is not None:
        stmt = stmt.where(or_(Service.age_min.is_(None), Service.age_min <= filters.age),
                          or_(Service.age_max.is_(None), Service.age_max >= filters.age))
    found = Found()
    point, label, problem = locate(session, filters.near)
    found.origin, found.origin_label, found.near_problem = point, label, problem
    stmt = stmt.order_by(Service.name, Service.id)
    if page is not None and point is None and filters.day is None \
            and filters.max_monthly is None and not filters.q.strip():
        # Everything is decided in SQL: count, then load only the page shown.
        found.total = session.scalar(select(func.count()).select_from(
            stmt.with_only_columns(Service.id).order_by(None).subquery())) or 0
        rows = session.scalars(stmt.offset((page - 1) * page_size).limit(page_size)).all()
        found.hits = [Hit(service) for service in rows]
        return found
    candidates = session.scalars(stmt).all()
    query = None
    if filters.q.strip():
        texts = {s.id: searchable_text(s) for s in candidates}
        query = parse_query(filters.q, synonyms or Synonyms(), vocabulary_of(texts.values()))
        found.corrections = query.corrections
    for service in candidates:
        if query is not None and not query.matches(words(texts[service.id])):
            continue
        if filters.day is not None and not any(s.day == filters.day for s in service.sessions):
            continue
        hit = Hit(service)
        if filters.max_monthly is not None and (hit.monthly is None
                                                or hit.monthly > filters.max_monthly):
            continue
        if point is not None and service.x is not None:
            hit.distance_km = round(distance_km(point[0], point[1], service.x, service.y), 1)
        found.hits.append(hit)
    if point is not None:
        found.hits.sort(key=lambda h: (h.distance_km is None, h.distance_km or 0,
                                       h.service.name))
    found.total = len(found.hits)
    if page is not None:
        found.hits = found.hits[(page - 1) * page_size: page * page_size]
    return found
