"""Councils as tenants (issue 27): the ``council`` table and the mixin every
council-owned table uses.  Plain SQLAlchemy: no Flask import.

Every row of council data carries ``council_id``.  Which council a piece of code
works for is the *current council*, held in a context variable (set per request
by :mod:`app.tenancy`, per background job by the job runner, per command by
``--council``).  Where nothing set it (a command or a test in a single-council
deployment) the current council is the deployment's default council
(``DEFAULT_COUNCIL_CODE``), created on first use.  The scoping itself (every ORM
query filtered, every new row stamped) is in :mod:`app.tenancy.scoping`.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Base, utcnow

# The settings a council may override (a small, validated JSON object): name -> type.
COUNCIL_SETTINGS: dict[str, type] = {"COUNCIL_NAME": str, "COUNCIL_FRONT_DOOR": str,
                                     "DISCLOSURE_MAX_SUPPRESSED": int}
# Of those, the disclosure thresholds: a council may only raise them above the
# deployment's own value (app.disclosure, docs/DISCLOSURE.md), and never lower its own.
RAISE_ONLY = ("DISCLOSURE_MAX_SUPPRESSED",)
THRESHOLD_CEILING = 1000  # a sanity bound: a threshold above this hides everything
ONS_CODE = re.compile(r"^[EWSN]\d{8}$")
REGION_CODE = re.compile(r"^E1200000[1-9]$")
HOST = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?$")
PATH_PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]{0,58}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}\Z")  # \Z: no newline after it, as $ allows


class Council(Base):
    """A council: a tenant of the service.  The only table with no ``council_id``."""

    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)  # ONS code, e.g. E06000019
    name: Mapped[str] = mapped_column(String(200))
    # How requests find it: its own host name ("youth.herefordshire.gov.uk") and/or
    # a path prefix ("herefordshire" for /herefordshire/...).
    host: Mapped[str | None] = mapped_column(String(260), unique=True)
    path_prefix: Mapped[str | None] = mapped_column(String(60), unique=True)
    # Its ONS region (E12000001-E12000009), for the national picture's regional rows.
    region: Mapped[str | None] = mapped_column(String(9))
    colour_primary: Mapped[str | None] = mapped_column(String(7))
    colour_accent: Mapped[str | None] = mapped_column(String(7))
    # Per-council overrides of COUNCIL_SETTINGS only (validate_settings).
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def setting(self, name: str, default):
        return (self.settings or {}).get(name, default)


def validate_council(code: str, name: str, host: str | None = None,
                     path_prefix: str | None = None, colours: tuple = (),
                     settings: dict | None = None, region: str | None = None,
                     floors: dict | None = None) -> list[str]:
    """Problems with a council's fields, in plain words; empty when it is fine.
    ``floors``: the deployment's own value of each setting in ``RAISE_ONLY``."""
    problems = []
    if not ONS_CODE.match(code or ""):
        problems.append(f"{code!r} is not an ONS code like E06000019.")
    if region and not REGION_CODE.match(region):
        problems.append(f"{region!r} is not an English region's ONS code (E12000001 to "
                        "E12000009).")
    if not (name or "").strip() or len(name) > 200:
        problems.append("The name must be 1 to 200 characters.")
    if host and not HOST.match(host):
        problems.append(f"{host!r} is not a host name (lower case, e.g. youth.example.gov.uk).")
    if path_prefix and not PATH_PREFIX.match(path_prefix):
        problems.append(f"{path_prefix!r} is not a path prefix (lower case letters, digits, -).")
    problems += [f"{c!r} is not a colour like #1d70b8." for c in colours if c and not COLOUR.match(c)]
    problems += validate_settings(settings or {}, floors)
    return problems


def validate_settings(settings: dict, floors: dict | None = None,
                      current: dict | None = None) -> list[str]:
    """Problems with a council's settings.  ``floors``: the deployment's value of each
    threshold in ``RAISE_ONLY`` (a council may not go below it); ``current``: the
    council's settings now, when they are being changed (a threshold it has raised
    may not come down again, nor be removed: that would publish counts its last
    release hid)."""
    if not isinstance(settings, dict):
        return ["Settings must be a JSON object."]
    problems = []
    for key, value in settings.items():
        kind = COUNCIL_SETTINGS.get(key)
        if kind is None:
            problems.append(f"{key!r} is not a setting a council may override "
                            f"({', '.join(sorted(COUNCIL_SETTINGS))}).")
        elif kind is int:
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append(f"{key!r} must be a whole number.")
        elif not isinstance(value, kind) or (isinstance(value, str) and len(value) > 300):
            problems.append(f"{key!r} must be {kind.__name__} (at most 300 characters).")
    for key in RAISE_ONLY:
        problems += _threshold_problems(key, settings, (floors or {}).get(key),
                                        (current or {}).get(key))
    return problems


def _threshold_problems(key: str, settings: dict, floor: int | None,
                        now: int | None) -> list[str]:
    value = settings.get(key)
    if value is None:
        if now is not None:
            return [f"{key!r} cannot be removed: this council raised it to {now}, and a "
                    f"threshold may only be raised (figures hidden before would be shown)."]
        return []
    if not isinstance(value, int) or isinstance(value, bool):
        return []  # reported above
    if floor is not None and value < floor:
        return [f"{key!r} may only be raised: it must be at least {floor}, the "
                f"deployment's minimum (it was {value})."]
    if now is not None and value < now:
        return [f"{key!r} may only be raised: this council's is {now}, so it must be at "
                f"least {now} (it was {value}); lowering it would show counts hidden before."]
    if value > THRESHOLD_CEILING:
        return [f"{key!r} must be at most {THRESHOLD_CEILING}."]
    return []


# ---- the current council ----------------------------------------------------------
_current: contextvars.ContextVar[int | None] = contextvars.ContextVar("yvm_council",
                                                                      default=None)
# The deployment's default council (set from the config by app.tenancy.init_app).
DEFAULT = {"code": "E06000019", "name": "Herefordshire Council"}
_CACHE_KEY = "yvm_council_id"  # session.info / connection.info, for one transaction


def current_council_id() -> int | None:
    """The council set for this request, job or command (None: the default one)."""
    return _current.get()


@contextlib.contextmanager
def use_council(council_id: int | None):
    """Work as council ``council_id`` inside the ``with`` block."""
    token = _current.set(council_id)
    try:
        yield
    finally:
        _current.reset(token)


def set_current(council_id: int | None):
    """Set the current council (returns a token for :func:`reset_current`)."""
    return _current.set(council_id)


def reset_current(token) -> None:
    _current.reset(token)


def default_council_id(connection, *, separate: bool = True) -> int:
    """The default council's id, creating its row if it is missing: by default in a
    short transaction of its own, committed at once, so a read never turns into a
    write holding SQLite's lock (``separate=False``: in ``connection``'s own
    transaction, for the migration).  Core statements: no ORM event runs."""
    table = Council.__table__
    query = default_council_query()
    found = connection.execute(query).scalar()
    if found is not None:
        return int(found)
    row = {"code": DEFAULT["code"], "name": DEFAULT["name"], "settings": {},
           "created_at": utcnow()}
    if not separate:
        return int(connection.execute(insert(table).values(**row)).inserted_primary_key[0])
    try:
        with connection.engine.begin() as other:
            return int(other.execute(insert(table).values(**row)).inserted_primary_key[0])
    except IntegrityError:  # another process made it a moment ago
        with connection.engine.connect() as other:
            return int(other.execute(query).scalar_one())


def resolve_council_id(connection) -> int:
    """The current council's id: the one set, else the default council."""
    known = known_council_id(connection)
    if known is not None:
        return known
    found = default_council_id(connection)
    remember_default(connection, found)
    return found


def known_council_id(connection) -> int | None:
    """The current council's id when it is known without asking the database: the one
    set, else the default council's id found earlier in this transaction."""
    chosen = _current.get()
    if chosen is not None:
        return chosen
    cached = connection.info.get(_CACHE_KEY)
    return int(cached) if cached is not None else None


def remember_default(connection, council_id: int) -> None:
    """Keep the default council's id for the rest of ``connection``'s transaction."""
    connection.info[_CACHE_KEY] = council_id


def default_council_query():
    """The default council's id, as a query (None when its row is missing)."""
    table = Council.__table__
    return select(table.c.id).where(table.c.code == DEFAULT["code"])


def forget_cached(connection) -> None:
    connection.info.pop(_CACHE_KEY, None)


def _column_default(context) -> int:
    """``council_id``'s default, for ORM and Core inserts alike."""
    return resolve_council_id(context.connection)


class CouncilOwned:
    """Mixin: the table holds one council's data (scoped by app.tenancy.scoping, and
    by row-level security on PostgreSQL)."""

    @declared_attr
    def council_id(cls) -> Mapped[int]:
        return mapped_column(Integer, ForeignKey("council.id", ondelete="CASCADE"),
                             index=True, default=_column_default)
