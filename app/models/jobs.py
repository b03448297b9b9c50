"""Background jobs' ledger: one row per job, whichever worker runs it.

The row is the truth about a job (its state, progress, attempts and result);
RQ or the in-process pool only carry the job to a worker.  A worker holds a
lease (``owner``, ``lease_until``) while it runs a job and renews it; a job
whose lease lapsed (its worker was killed) is queued again.  Finishing is a
fenced update (same owner, same attempt), so a job is never completed twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow
from .tenancy import CouncilOwned

JOB_STATES = ("queued", "running", "finished", "failed")


class BackgroundJob(CouncilOwned, Base):
    __tablename__ = "background_job"
    __table_args__ = (  # the quota counts: a person's or a council's active jobs
        Index("ix_background_job_quota_user", "user_id", "kind", "state"),
        Index("ix_background_job_quota_council", "council", "state"),
    )

    # A digest of the task and its idempotency key: the same work is one job.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task: Mapped[str] = mapped_column(String(120))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Which process holds the job (in-process queue or a running worker) and until
    # when (seconds since the epoch); renewed by that process's heartbeat.
    owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[float | None] = mapped_column(Float, index=True)
    result: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)
    # Whose job it is and what kind, for the quotas (app/jobs/quotas.py): the person
    # who asked (None: a command or the system), the kind ("pdf", "journeys", ...)
    # and the council (one per deployment until issue 27 keys it by council id).
    user_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(40))
    council: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

