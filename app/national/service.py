"""The national page and downloads: build each council's release, add them up.

:func:`council_feeds` gives one feed per council of this deployment (docs/TENANCY.md),
each built as that council (its own transaction, so PostgreSQL's row-level security
shows it only its own rows) from what that council has published; the national
tables only ever add up those published releases (docs/NATIONAL.md).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app

from .. import csvsafe, dataversion
from ..cache import cached
from ..disclosure import DisclosureRule
from ..extensions import db
from ..models import Service
from ..models.tenancy import Council, default_council_id, use_council
from ..publication.national import (
    CLIFF_MONTHS,
    COST_BANDS,
    REGIONS,
    CouncilRelease,
    NationalPicture,
    build,
)
from ..tenancy.service import list_councils
from . import releases


@dataclass(frozen=True)
class Feed:
    """One council: its published release, its id, and which of its services the open
    data lists (by default its public services, :func:`releases.public_services`)."""

    release: CouncilRelease
    council_id: int
    services: Callable[[], Sequence[Service]] = lambda: releases.public_services(db.session)


def identity(council: Council) -> releases.CouncilIdentity:
    """A council's code, name and region: its own row's; the deployment's own council
    (``DEFAULT_COUNCIL_CODE``) takes ``COUNCIL_NAME`` and ``DEFAULT_COUNCIL_REGION``
    from the settings where its row has none."""
    config = current_app.config
    own = council.code == config["DEFAULT_COUNCIL_CODE"]
    name = council.setting("COUNCIL_NAME", config["COUNCIL_NAME"] if own else council.name)
    region = council.region or (str(config["DEFAULT_COUNCIL_REGION"]) if own else "")
    return releases.CouncilIdentity(code=council.code, name=str(name), region_code=region,
                                    region_name=REGIONS.get(region, region))


def _gap_totals() -> tuple[float | None, float | None]:
    """(young people, young people within reach) over the gap table's areas at the
    default settings, as the gap table gives them (None without areas)."""
    from ..gaps.service import load_view

    view, _errors = load_view(db.session, {})
    if not view.has_areas or view.published is None:
        return None, None
    reached = None
    if "reached" in view.published.columns:
        reached = float(view.published["reached"].fillna(0).sum())
    return view.young_people_total, reached


@contextmanager
def _as_council(council_id: int) -> Iterator[None]:
    """Work as one council in a transaction of its own (the database sets the council
    when a transaction begins).  Ids are unique across councils, so the session's
    identity map never hands one council's row to another's query; the rollbacks
    expire what was read.  Only GET views call this: nothing is left unsaved."""
    db.session.rollback()
    try:
        with use_council(council_id):
            yield
            db.session.rollback()
    finally:
        db.session.rollback()


def council_feeds() -> list[Feed]:
    """Every council this deployment serves, each as its own published release."""
    default_council_id(db.session.connection())  # the deployment's own, made on first use
    councils = [(c.id, identity(c)) for c in list_councils(db.session)]
    rule = DisclosureRule.from_config(current_app.config)
    feeds = []
    for council_id, who in councils:
        with _as_council(council_id):
            young, reached = _gap_totals()
            release = releases.build_release(db.session, who, rule,
                                             young_people=young, reached=reached)
        feeds.append(Feed(release, council_id))
    return feeds


def _every_version() -> dict[str, list[Any]]:
    """Each council's (data version, published snapshot token), read as that council:
    the national picture changes only when one of them does."""
    default_council_id(db.session.connection())
    ids = [c.id for c in list_councils(db.session)]
    versions: dict[str, list[Any]] = {}
    for council_id in ids:
        with _as_council(council_id):
            versions[str(council_id)] = list(dataversion.current(db.session))
    return versions


def picture() -> NationalPicture:
    """The national picture, kept in the app's cache until any council's data or
    published snapshot changes (adding up 150 councils takes about a minute: see
    docs/BENCHMARKS.md, "150 councils"), so only the first request after a change
    waits for it."""
    return cached("national_picture", db.session, {"councils": _every_version()},
                  lambda: build(f.release for f in council_feeds()))


def page_context(with_map: bool = False) -> dict[str, Any]:
    """The national page: the picture, and for signed-in readers the LSOA map (its
    tiles carry the gap figures, which are for them)."""
    from .tiles_service import map_page

    pic = picture()
    return {"map": map_page() if with_map else None,"pic": pic, "cost_bands": [k for k, _u in COST_BANDS], "cliff_months": CLIFF_MONTHS,
            "region_names": {r.code: r.name for r in pic.regions}}


CSV_TABLES = {
    "national": (releases.CSV_FIELDS, releases.csv_rows, "youth-provision-national.csv"),
    "answers": (releases.ANSWER_FIELDS, releases.answer_csv_rows,
                "young-people-said-national.csv"),
}


def national_csv(table: str) -> tuple[str, str]:
    """(body, filename): the national table, or what young people said, by council,
    region and England (``table``: a key of :data:`CSV_TABLES`; 404 for others)."""
    if table not in CSV_TABLES:
        abort(404)
    fields, rows, filename = CSV_TABLES[table]
    out = io.StringIO()
    writer = csvsafe.DictWriter(out, fields)
    writer.writeheader()
    writer.writerows(rows(picture()))
    return out.getvalue(), filename


def _with_services(feeds: Sequence[Feed]) -> Iterator[tuple[CouncilRelease, Sequence[Service]]]:
    """Each council's release with its public services, read as that council; the
    export of one council's services happens while this generator is inside its
    ``with`` block (hsds_document takes one council at a time)."""
    for feed in feeds:
        with _as_council(feed.council_id):
            yield feed.release, feed.services()


def national_hsds() -> tuple[str, str]:
    """(body, filename): every council's services in HSDS 3 with its licence."""
    doc = releases.hsds_document(_with_services(council_feeds()))
    return json.dumps(doc), "youth-provision-national-openreferral.json"
