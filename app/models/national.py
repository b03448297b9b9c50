"""The stored national roll-up (docs/NATIONAL.md, "The stored roll-up").

Deployment-wide, **not** council-owned: the national picture is built from every
council's published release, by design, so the table has no ``council_id``, no ORM
scoping (:mod:`app.tenancy.scoping` adds criteria only to ``CouncilOwned`` models)
and no row-level security policy (:mod:`app.tenancy.rls` polices tables with a
``council_id``); the app's role reads and writes it under the grants
docs/DEPLOYMENT.md gives it on every table.  It holds only what the councils have
published.  One row is kept: the newest (a new roll-up deletes the older rows in
its own transaction).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class NationalRollup(Base):
    __tablename__ = "national_rollup"

    id: Mapped[int] = mapped_column(primary_key=True)
    # When the build started reading the councils' data (UTC): what the page shows.
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # The NationalPicture as JSON (app/national/picture_json.py: written and read
    # field by field, never pickled) and the HSDS 3 document's text.
    picture: Mapped[dict[str, Any]] = mapped_column(JSON)
    hsds: Mapped[str] = mapped_column(Text)
    councils: Mapped[int] = mapped_column(Integer, default=0)
    # The rebuild job that made it (background_job.id; the ledger forgets the job
    # after JOBS_RESULT_TTL_SECONDS, the roll-up stays until the next one).
    job_id: Mapped[str | None] = mapped_column(String(64))
    # What it was built from: each council's (ONS code) data version and published
    # snapshot token, read in the same transaction as its release.
    sources: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
