"""The embedded demo county: generated, deterministic, no real people.

Each part is built by the module that owns that data, in dependency order:

1. :mod:`app.demo.geography` writes boundary and indicator files in the
   official formats and imports them through the same code path as real data
   (``import_bundle``);
2. :mod:`app.demo.transport` writes the roads (OSM PBF) and buses (GTFS) and
   imports them through the ``flask geodata import-network``/``import-timetable`` code;
   :mod:`app.demo.directory` adds council buildings and youth services, and
   :mod:`app.demo.outside` two services just over the border (in a neighbouring area);
3. :mod:`app.demo.responses` adds survey responses that follow the geography;
4. one account per council role is created here and the passwords printed once;
5. :mod:`app.demo.partners` makes partner organisations with accounts of their own.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..auth.passwords import hash_password
from ..models import Area, Base, Response, Service, User
from ..models.users import STAFF_ROLES

SEED = 20261125
DEMO_DOMAIN = "demo.youthvoicemap.example"


@dataclass
class DemoContext:
    seed: int = SEED
    # Filled by each step for the next ones.
    info: dict = field(default_factory=dict)


def database_has_data(session) -> bool:
    for model in (Area, Service, Response, User):
        if session.scalar(select(func.count()).select_from(model)):
            return True
    return False


def wipe(session) -> None:
    """Delete every row of the current council (app/tenancy), children first: the
    schema, the councils and every other council's data are kept."""
    from ..models.tenancy import resolve_council_id

    council_id = resolve_council_id(session.connection())
    for table in reversed(Base.metadata.sorted_tables):
        if "council_id" in table.c:
            session.execute(table.delete().where(table.c.council_id == council_id))
    session.commit()


def build_demo(session, *, seed: int = SEED, progress=print, config=None) -> dict[str, str]:
    """Build the demo county and publish its first snapshot; return {email: password}
    for the demo accounts.  ``config``: the app's settings (disclosure, cell key)."""
    accounts = build_county(session, seed=seed, progress=progress)
    publish_first_snapshot(session, config, progress=progress)
    return accounts


def build_county(session, *, seed: int = SEED, progress=print) -> dict[str, str]:
    """Everything of the demo but its first snapshot (which alone reads the app's
    settings); return {email: password} for the demo accounts."""
    from . import directory, geography, outside, partners, responses, transport

    ctx = DemoContext(seed=seed)
    progress("Building the demo county's geography ...")
    geography.build(session, ctx)
    progress("Writing and importing its roads and bus timetable ...")
    transport.build(session, ctx)
    progress("Adding council buildings and youth services ...")
    directory.build(session, ctx)
    outside.build(session, ctx)
    progress("Adding survey responses ...")
    responses.build(session, ctx)
    from . import waves  # its wave and "You said, we did" (issue 25)

    waves.build(session)
    progress("Creating one account per role ...")
    accounts = {}
    for role in STAFF_ROLES:
        email = f"{role}@{DEMO_DOMAIN}"
        password = secrets.token_urlsafe(12)
        session.add(User(email=email, role=role, password_hash=hash_password(password)))
        accounts[email] = password
    progress("Adding partner organisations with their own accounts ...")
    accounts.update(partners.build(session, ctx, DEMO_DOMAIN))
    session.commit()
    # Journeys last: they are kept for the data version they were computed on, so
    # any directory change after them (the partners' listings) would leave them stale.
    progress("Computing journeys on its roads and buses ...")
    from ..geodata.journeys import run_journeys

    run_journeys(session)
    session.commit()
    return accounts


def publish_first_snapshot(session, config=None, *, progress=print) -> None:
    """The demo's first snapshot of survey figures, published with the app's settings
    (``config``: disclosure, cell key, release and hold)."""
    from ..publication import CellKeyMethod, Schedule, publish

    progress("Publishing the first snapshot of survey figures ...")
    publish(session, CellKeyMethod.from_config(config or {}), Schedule.from_config(config or {}),
            trigger="demo")
