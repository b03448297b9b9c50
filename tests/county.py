"""The one builder for hand-made test counties.

Every test folder that needs areas, figures, services, buildings, postcodes or
survey answers in the database builds them here, so a county module holds only
its data (codes, positions, counts) and the rules for turning data into rows
live in one place::

    county = County(db.session, today=date(2026, 3, 1), source="Test source")
    county.lsoa("E01000001", "Ashby", centre=(300_000, 240_000), size=5_000,
                indicators={"population_age_13_19": 100, "imd_decile": 1})
    county.ward("E05000001", "West", bounds=(295_000, 235_000, 310_000, 250_000))
    county.service("Ashby Youth Club", 301_000, 240_000, key="club",
                   sessions=[(1, "18:00", "20:00")], funding_end=timedelta(days=180))
    county.building("Brook Library", 320_500, 240_000, kind="library", key="library")
    county.survey("youth", title="Youth survey")
    county.responses("youth", "E01000001", 12, answers={"barriers": "too_expensive"})
    county.publish()            # commits, then publishes a snapshot of the answers
    ids = county.ids            # {"club": 3, "library": 1}

Conventions:

* An area's square is given by its ``centre`` or its south-west ``corner`` and a
  ``size`` in metres (a number, or ``(width, height)``), or by ``bounds``
  ``(x0, y0, x1, y1)``, or by any shapely ``geometry``; all in EPSG:27700.
* Indicators are stored at the area's level with the county's ``source``; their
  year is ``years[name]`` if the county was given one, else ``year`` (2021).
* A date field given as a ``timedelta`` (``funding_end``, ``last_checked``,
  ``submitted_on``...) is that long after the county's ``today``.
* Rows are added in the order the methods are called, so ids follow it.
* ``key="name"`` on a service, building, area or response puts its id in
  ``ids`` (and in what :meth:`County.commit` returns).
* Responses are numbered 1, 2, 3... across the county: response ``n`` gets token
  ``f"{token_prefix}{n}"`` (prefix ``"t"``) and record key ``(n * 89) % 256``
  unless given, so published (noisy) figures are the same on every run.  A second
  County adding responses to the same database needs another ``token_prefix``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time, timedelta
from decimal import Decimal

import shapely
from sqlalchemy import select

from app.models import (
    Answer,
    Area,
    AreaIndicator,
    Building,
    Organisation,
    Postcode,
    Response,
    Service,
    ServiceSession,
    Survey,
)


def _time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


class County:
    """Rows of a hand-made county, added to ``session`` as the methods are called.

    Parameters
    ----------
    session : the SQLAlchemy session (``db.session`` in tests).
    today : the date relative dates count from (default: the real today).
    source, year, years : where indicators come from: the source text, the default
        year and a ``{indicator name: year}`` table of exceptions.
    token_prefix : responses' tokens are this prefix and their running number.
    """

    def __init__(self, session, *, today: date | None = None, source: str = "test county",
                 year: int = 2021, years: Mapping[str, int] | None = None,
                 token_prefix: str = "t") -> None:
        self.session = session
        self.today = today or date.today()
        self.source, self.year, self.years = source, year, dict(years or {})
        self.token_prefix = token_prefix
        self.responses_made = 0
        self._keyed: dict[str, object] = {}
        self._levels: dict[str, str] = {}
        self._surveys: dict[str, Survey] = {}
        self._organisations: dict[str, Organisation] = {}

    # -- geography ---------------------------------------------------------------------

    def area(self, code: str, name: str, level: str, *, centre=None, corner=None, size=2_000,
             bounds=None, geometry=None, edition: str | None = None,
             indicators: Mapping[str, float | None] | None = None,
             key: str | None = None) -> Area:
        """One area (a square unless ``geometry`` is given) and its indicators.

        An indicator whose value is None is not stored (the area has no such figure).
        """
        area = Area(code=code, name=name, level=level, edition=edition)
        area.geometry = geometry if geometry is not None else _square(centre, corner, size,
                                                                      bounds)
        self.session.add(area)
        self._levels.setdefault(code, level)
        self.indicators(code, indicators or {}, level=level)
        return self._remember(key, area)

    def lsoa(self, code: str, name: str, *, edition: str | None = "2021", **kw) -> Area:
        """An LSOA (2021 boundaries unless ``edition`` says otherwise); see :meth:`area`."""
        return self.area(code, name, "lsoa", edition=edition, **kw)

    def ward(self, code: str, name: str, **kw) -> Area:
        """A ward; see :meth:`area`."""
        return self.area(code, name, "ward", **kw)

    def parish(self, code: str, name: str, **kw) -> Area:
        """A parish; see :meth:`area`."""
        return self.area(code, name, "parish", **kw)

    def indicators(self, code: str, values: Mapping[str, float | None], *,
                   level: str = "lsoa") -> list[AreaIndicator]:
        """Figures for an area, in the order given; a None value is skipped."""
        rows = [AreaIndicator(level=level, area_code=code, name=name, value=value,
                              source=self.source, year=self.years.get(name, self.year))
                for name, value in values.items() if value is not None]
        self.session.add_all(rows)
        return rows

    def classes(self, code: str, values: Mapping[str, str], *,
                level: str = "lsoa") -> list[AreaIndicator]:
        """Text figures for an area (a rural-urban class: ``{"ruc_class": "UN1"}``)."""
        rows = [AreaIndicator(level=level, area_code=code, name=name, value=None,
                              text_value=text, source=self.source,
                              year=self.years.get(name, self.year))
                for name, text in values.items()]
        self.session.add_all(rows)
        return rows

    def postcode(self, postcode: str, x: float, y: float, *, lsoa: str | None = None,
                 **fields) -> Postcode:
        """A postcode centroid in ``lsoa`` (``terminated=date(...)`` for a dead one)."""
        row = Postcode(postcode=postcode, x=x, y=y, lsoa_code=lsoa, **self._dates(fields))
        self.session.add(row)
        return row

    # -- the directory -------------------------------------------------------------------

    def organisation(self, name: str, **fields) -> Organisation:
        """The organisation called ``name``: made once, then the same row again."""
        if name not in self._organisations:
            found = self.session.scalar(select(Organisation).where(Organisation.name == name))
            if found is None:
                found = Organisation(name=name, **fields)
                self.session.add(found)
            self._organisations[name] = found
        return self._organisations[name]

    def service(self, name: str, x: float | None = None, y: float | None = None, *,
                service_type: str = "open_access",
                sessions: Iterable[tuple] = (), organisation: str | None = None,
                key: str | None = None, **fields) -> Service:
        """A service at (x, y) with weekly ``sessions`` ``(day, "18:00", "20:00")``
        (0 = Monday; a fourth item True means term time only).  Other ``fields`` are
        Service columns; the model's defaults (free, active) apply to the rest."""
        fields = self._dates(fields)
        if fields.get("cost_amount") is not None:
            fields["cost_amount"] = Decimal(str(fields["cost_amount"]))
        service = Service(name=name, service_type=service_type, x=x, y=y, **fields)
        if organisation:
            service.organisation = self.organisation(organisation)
        service.sessions = [
            ServiceSession(day=s[0], start=_time(s[1]), end=_time(s[2]),
                           term_time_only=bool(s[3]) if len(s) > 3 else False)
            for s in sessions]
        self.session.add(service)
        return self._remember(key, service)

    def building(self, name: str, x: float, y: float, *, organisation: str | None = None,
                 key: str | None = None, **fields) -> Building:
        """A council building that could host provision (``kind="library"``...)."""
        building = Building(name=name, x=x, y=y, **fields)
        if organisation:
            building.organisation_id = self._flushed(self.organisation(organisation)).id
        self.session.add(building)
        return self._remember(key, building)

    # -- survey answers ------------------------------------------------------------------

    def survey(self, slug: str, *, version: int = 1, title: str | None = None,
               definition: dict | None = None) -> Survey:
        """A bare survey row (no questions) that responses can belong to."""
        row = Survey(slug=slug, version=version, title=title or slug,
                     definition=definition or {})
        self.session.add(row)
        self._surveys[slug] = self._flushed(row)
        return row

    def load_surveys(self) -> list[Survey]:
        """The real survey definitions from ``surveys/`` (the current version of each)."""
        from app.survey.store import sync_definitions

        sync_definitions(self.session)
        rows = self.session.scalars(select(Survey).where(Survey.is_current.is_(True))).all()
        self._surveys.update({row.slug: row for row in rows})
        return list(rows)

    def response(self, survey_slug: str, area_code: str | None, *,
                 answers: Mapping[str, str | Sequence[str] | None] | None = None,
                 free_text: Mapping[str, str | None] | None = None,
                 level: str | None = None, record_key: int | None = None,
                 token: str | None = None, submitted_on: date | timedelta | None = None,
                 key: str | None = None, **fields) -> Response:
        """One response to ``survey_slug`` (see ``_survey_for``) from ``area_code``
        (its level is the area's if the area was made here, else ``"lsoa"``).

        ``answers`` maps a question to its value, or to a list of values (one Answer
        row each, as multiple choice stores them), or to None (not answered).
        ``free_text`` answers are stored marked as free text, after the others.
        ``fields`` are other Response columns (``age_band``, ``flagged``...).
        """
        survey = self._survey_for(survey_slug)
        self.responses_made += 1
        n = self.responses_made
        if level is None and area_code is not None:
            level = self._levels.get(area_code, "lsoa")
        when = self._dates({"submitted_on": self.today if submitted_on is None
                            else submitted_on})["submitted_on"]
        response = Response(survey_id=survey.id, survey_slug=survey.slug,
                            survey_version=survey.version,
                            token=token or f"{self.token_prefix}{n}", submitted_on=when,
                            area_level=level, area_code=area_code,
                            record_key=(n * 89) % 256 if record_key is None else record_key,
                            **fields)
        rows = []
        for question, value in (answers or {}).items():
            values = [value] if isinstance(value, str) or value is None else list(value)
            rows += [Answer(question_id=question, value=v) for v in values if v is not None]
        rows += [Answer(question_id=question, value=text, is_free_text=True)
                 for question, text in (free_text or {}).items()]
        response.answers = rows
        self.session.add(response)
        return self._remember(key, response)

    def responses(self, survey_slug: str, area_code: str | None, n: int, *,
                  answers: Mapping | Sequence[Mapping] | None = None,
                  record_keys: Sequence[int] | None = None, **fields) -> list[Response]:
        """``n`` responses from one area: ``answers`` is one mapping for them all or
        a list of ``n`` mappings; ``record_keys`` a list of ``n`` keys (default: the
        running rule above).  Other arguments as for :meth:`response`."""
        per_response = answers if isinstance(answers, Sequence) else [answers] * n
        keys = record_keys if record_keys is not None else [None] * n
        if len(per_response) != n or len(keys) != n:
            raise ValueError(f"{n} responses need {n} answers and record keys")
        return [self.response(survey_slug, area_code, answers=a, record_key=k, **fields)
                for a, k in zip(per_response, keys, strict=True)]

    # -- finishing -------------------------------------------------------------------------

    def commit(self) -> dict[str, int]:
        """Commit everything; return ``{key: id}`` of the rows made with a ``key``."""
        self.session.commit()
        return self.ids

    @property
    def ids(self) -> dict[str, int]:
        """``{key: id}`` of the rows made with a ``key`` (after :meth:`commit`)."""
        return {key: row.id for key, row in self._keyed.items()}

    def publish(self, method=None, schedule=None):
        """Commit, then publish a snapshot of the answers as the nightly job would
        (the cell key method with the default disclosure rule unless given)."""
        from app.disclosure import DisclosureRule
        from app.publication import CellKeyMethod, Schedule, publish

        self.commit()
        return publish(self.session, method or CellKeyMethod(DisclosureRule()),
                       schedule or Schedule(), trigger="test")

    # -- helpers ---------------------------------------------------------------------------

    def _remember(self, key, row):
        if key is not None:
            if key in self._keyed:
                raise ValueError(f"two rows with key {key!r}")
            self._keyed[key] = row
        return row

    def _survey_for(self, slug: str) -> Survey:
        """The survey made or loaded here, else the current one in the database, else
        a new bare one."""
        if slug not in self._surveys:
            found = self.session.scalar(select(Survey).where(Survey.slug == slug,
                                                             Survey.is_current.is_(True)))
            self._surveys[slug] = found or self.survey(slug)
        return self._surveys[slug]

    def _flushed(self, row):
        if row.id is None:
            self.session.flush()
        return row

    def _dates(self, fields: dict) -> dict:
        return {name: self.today + value if isinstance(value, timedelta) else value
                for name, value in fields.items()}


def _square(centre, corner, size, bounds):
    if bounds is not None:
        return shapely.box(*bounds)
    width, height = size if isinstance(size, tuple) else (size, size)
    if centre is not None:
        cx, cy = centre
        return shapely.box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
    if corner is not None:
        x0, y0 = corner
        return shapely.box(x0, y0, x0 + width, y0 + height)
    raise ValueError("an area needs a centre, a corner, bounds or a geometry")
