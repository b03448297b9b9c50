"""The national page and downloads: build each council's release, add them up.

One council per deployment today: :func:`council_feeds` gives this deployment's
own release.  A deployment with many councils gives one feed per council here
(the rest of the module, the page and the downloads do not change).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app

from .. import csvsafe
from ..disclosure import DisclosureRule
from ..extensions import db
from ..models import Service
from ..publication.national import (
    CLIFF_MONTHS,
    COST_BANDS,
    REGIONS,
    CouncilRelease,
    NationalPicture,
    build,
)
from . import releases


@dataclass(frozen=True)
class Feed:
    """One council: its published release and, on demand, its public services."""

    release: CouncilRelease
    services: Callable[[], Sequence[Service]]


def identity() -> releases.CouncilIdentity:
    """This deployment's council: ``COUNCIL_NAME``, ``DEFAULT_COUNCIL_CODE`` and
    ``DEFAULT_COUNCIL_REGION`` (ONS codes)."""
    config = current_app.config
    code, region = str(config["DEFAULT_COUNCIL_CODE"]), str(config["DEFAULT_COUNCIL_REGION"])
    return releases.CouncilIdentity(code=code, name=str(config["COUNCIL_NAME"]),
                                    region_code=region, region_name=REGIONS.get(region, region))


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


def council_feeds() -> list[Feed]:
    """Every council this deployment serves (today: one)."""
    young, reached = _gap_totals()
    release = releases.build_release(db.session, identity(),
                                     DisclosureRule.from_config(current_app.config),
                                     young_people=young, reached=reached)
    return [Feed(release, lambda: releases.public_services(db.session))]


def picture() -> NationalPicture:
    return build(f.release for f in council_feeds())


def page_context() -> dict[str, Any]:
    pic = picture()
    return {"pic": pic, "cost_bands": [k for k, _u in COST_BANDS], "cliff_months": CLIFF_MONTHS,
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


def national_hsds() -> tuple[str, str]:
    """(body, filename): every council's services in HSDS 3 with its licence."""
    doc = releases.hsds_document((f.release, f.services()) for f in council_feeds())
    return json.dumps(doc), "youth-provision-national-openreferral.json"
