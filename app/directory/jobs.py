"""A big directory import as a background job (files over ``JOBS_IMPORT_BYTES``):
checked and written all-or-nothing exactly as a small one, with its audit event,
committed by the job runner together with the job's "finished" (so a killed
worker's retry cannot import the file twice)."""

from __future__ import annotations

import base64
import hashlib
import json

from flask import url_for

from .. import jobs
from ..access import PLANNERS
from ..audit import record
from ..dataversion import current
from ..extensions import db
from ..models import User
from .io import ImportResult, read_file


def _outcome_url(info) -> str:
    return url_for("directory.import_outcome", job_id=info.id)


@jobs.task(roles=PLANNERS, title="Importing services", kind="import",
           result_url=_outcome_url)
def import_services_file(data: str, filename: str, user_id: int) -> ImportResult:
    """Import one uploaded file (base64 ``data``); the result lists every problem."""
    from .import_service import services_loader

    jobs.report(0.1, f"Checking every row of {filename}")
    # A bad file finishes the job with its problems listed (never failed and retried).
    result = read_file(services_loader(base64.b64decode(data), filename), filename)
    if not result.ok:
        db.session.rollback()
        return result
    record(db.session, user=db.session.get(User, user_id), action="import",
           object_type="Service", note=f"{result.created} services from {filename}")
    return result  # the runner commits it with the job


def start_import(data: bytes, filename: str, user, *, submission: str | None = None
                 ) -> jobs.JobInfo:
    """The import job for this file: the same form sent twice with the same file (a
    double click, a resubmit, even after the first import finished) is one job,
    imported once.  ``submission`` is the form's own random token; without one (a
    client that did not load the form) the data version stands in, which tells a
    double click apart only while the first import is still running."""
    key = json.dumps({"file": hashlib.sha256(data).hexdigest(), "name": filename,
                      "user": user.id,
                      "form": (submission or "")[:64] or list(current(db.session))})
    return jobs.enqueue(import_services_file, {
        "data": base64.b64encode(data).decode("ascii"), "filename": filename,
        "user_id": user.id}, key=key, user_id=user.id)


def import_outcome(job_id: str) -> tuple[jobs.JobInfo | None, ImportResult | None]:
    """A directory import job and, once finished, its result."""
    info = jobs.status(job_id)
    if info is None or info.task != import_services_file.yvm_path:
        return None, None
    return info, jobs.result(job_id)
