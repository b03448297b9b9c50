"""The national page and downloads: build each council's release, add them up.

:func:`council_feeds` gives one feed per council of this deployment (docs/TENANCY.md),
each built as that council (its own transaction, so PostgreSQL's row-level security
shows it only its own rows) from what that council has published; the national
tables only ever add up those published releases (docs/NATIONAL.md).

The page and every download serve the stored roll-up (:mod:`.rollup`), put together
by the rebuild job (:mod:`app.jobs.national`) from one reading of those feeds, never
on request (but for the very first).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, current_app

from .. import csvsafe, dataversion
from ..disclosure import DisclosureRule
from ..extensions import db
from ..models import Service
from ..models.base import utcnow
from ..models.tenancy import Council, default_council_id, use_council
from ..publication.national import (
    CLIFF_MONTHS,
    COST_BANDS,
    REGIONS,
    CouncilRelease,
    build,
)
from ..tenancy.service import list_councils
from ..tenancy.web import council_setting
from . import releases, rollup


@dataclass(frozen=True)
class Feed:
    """One council: its published release, its id, and which of its services the open
    data lists (by default its public services, :func:`releases.public_services`)."""

    release: CouncilRelease
    council_id: int
    services: Callable[[], Sequence[Service]] = lambda: releases.public_services(db.session)
    # (data version, published snapshot token) read with the release: what it was
    # built from (None: not known, as for fabricated councils in tests).
    version: tuple[int, str] | None = None


def identity(council: Council) -> releases.CouncilIdentity:
    """A council's code, name and region: its own row's; the deployment's own council
    (``DEFAULT_COUNCIL_CODE``) takes ``COUNCIL_NAME`` (as every page names it:
    :func:`~app.tenancy.web.council_setting`) and ``DEFAULT_COUNCIL_REGION`` from the
    settings where its row has none."""
    config = current_app.config
    own = council.code == config["DEFAULT_COUNCIL_CODE"]
    name = council_setting("COUNCIL_NAME", council)
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


def council_feeds(progress: Callable[[float, str], None] | None = None) -> list[Feed]:
    """Every council this deployment serves, each as its own published release."""
    default_council_id(db.session.connection())  # the deployment's own, made on first use
    councils = [(c.id, identity(c)) for c in list_councils(db.session)]
    rule = DisclosureRule.from_config(current_app.config)
    feeds = []
    for n, (council_id, who) in enumerate(councils):
        if progress is not None:
            progress(0.05 + 0.75 * n / max(1, len(councils)), f"Reading {who.name}")
        with _as_council(council_id):
            version = dataversion.current(db.session)
            young, reached = _gap_totals()
            release = releases.build_release(db.session, who, rule,
                                             young_people=young, reached=reached)
        feeds.append(Feed(release, council_id, version=version))
    return feeds


def every_version() -> dict[str, list[Any]]:
    """Each council's (data version, published snapshot token), read as that council:
    the rebuild job waits until these stop moving (``NATIONAL_SETTLE_SECONDS``)."""
    default_council_id(db.session.connection())
    ids = [c.id for c in list_councils(db.session)]
    versions: dict[str, list[Any]] = {}
    for council_id in ids:
        with _as_council(council_id):
            versions[str(council_id)] = list(dataversion.current(db.session))
    return versions


def build_and_store(job_id: str | None,
                    progress: Callable[[float, str], None] | None = None) -> dict[str, Any]:
    """A new roll-up (:mod:`.rollup`): the picture and the HSDS file from one reading
    of every council's feed, so every download and the page give the same figures,
    added to the session (the job runner commits it with the job's "finished", which
    deletes the older one).  Returns the job's small result: which roll-up, when,
    how many councils."""
    started = utcnow()
    feeds = council_feeds(progress)
    pic = build(f.release for f in feeds)
    if progress is not None:
        progress(0.85, "Writing every council's services (HSDS)")
    hsds = json.dumps(releases.hsds_document(_with_services(feeds)))
    sources = {f.release.code: {"data_version": f.version[0], "snapshot": f.version[1]}
               for f in feeds if f.version is not None}
    row = rollup.save(db.session, pic, hsds, started, job_id=job_id, sources=sources)
    return {"rollup": row.id, "built_at": row.built_at.isoformat(),
            "councils": len(pic.councils)}


@dataclass(frozen=True)
class Current:
    """What a request serves: the last complete roll-up (``None`` while the very first
    is being prepared), whether a newer one is being built, and whether it waits for
    a worker when none has been seen lately (RQ only: :func:`app.jobs.national.worker_seen`)."""

    stored: rollup.Rollup | None
    rebuilding: bool
    no_worker: bool = False


def current() -> Current:
    """The last complete roll-up, at once, however old (it is kept until a newer one
    replaces it).  Only when none exists at all does the request put it together
    itself (or, when another process already is, wait up to ``JOBS_WAIT_SECONDS`` for
    it and otherwise say it is being prepared)."""
    from ..jobs import national as job

    found = rollup.latest()
    if found is None:
        if job.build_here(FIRST_KEY) != "finished":
            job.wait_for_first(float(current_app.config["JOBS_WAIT_SECONDS"]))
        found = rollup.latest()
    rebuilding = rollup.being_built()
    return Current(found, rebuilding, rebuilding and job.worker_seen() is False)


FIRST_KEY = json.dumps({"first": True})


def page_context(with_map: bool = False) -> dict[str, Any]:
    """The national page: the stored picture with its date, whether a newer one is being
    built, and for signed-in readers the LSOA map (its tiles carry the gap figures,
    which are for them)."""
    from .tiles_service import map_page

    now = current()
    pic = now.stored.picture if now.stored is not None else None
    return {"map": map_page() if with_map else None, "pic": pic,
            "built_at": now.stored.built_at if now.stored is not None else None,
            "rebuilding": now.rebuilding, "no_worker": now.no_worker,
            "cost_bands": [k for k, _u in COST_BANDS], "cliff_months": CLIFF_MONTHS,
            "region_names": {r.code: r.name for r in pic.regions} if pic else {}}


CSV_TABLES = {
    "national": (releases.CSV_FIELDS, releases.csv_rows, "youth-provision-national.csv"),
    "answers": (releases.ANSWER_FIELDS, releases.answer_csv_rows,
                "young-people-said-national.csv"),
}


@dataclass(frozen=True)
class Download:
    """A download's body and file name, and when its roll-up was put together
    (``body`` is ``None`` while the first roll-up is being prepared)."""

    body: str | None
    filename: str
    built_at: datetime | None


def national_csv(table: str) -> Download:
    """The national table, or what young people said, by council, region and England
    (``table``: a key of :data:`CSV_TABLES`; 404 for others), from the stored roll-up."""
    if table not in CSV_TABLES:
        abort(404)
    fields, rows, filename = CSV_TABLES[table]
    now = current().stored
    if now is None:
        return Download(None, filename, None)
    out = io.StringIO()
    writer = csvsafe.DictWriter(out, fields)
    writer.writeheader()
    writer.writerows(rows(now.picture))
    return Download(out.getvalue(), filename, now.built_at)


def _with_services(feeds: Sequence[Feed]) -> Iterator[tuple[CouncilRelease, Sequence[Service]]]:
    """Each council's release with its public services, read as that council; the
    export of one council's services happens while this generator is inside its
    ``with`` block (hsds_document takes one council at a time)."""
    for feed in feeds:
        with _as_council(feed.council_id):
            yield feed.release, feed.services()


def national_hsds() -> Download:
    """Every council's services in HSDS 3 with its licence, from the stored roll-up."""
    now = current().stored
    filename = "youth-provision-national-openreferral.json"
    return Download(now.hsds if now else None, filename, now.built_at if now else None)
