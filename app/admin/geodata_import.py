"""Import a council's geography from the admin page, as a background job.

The admin gives the council's ONS code and uploads its official files (several
files, and/or a ``.zip`` of the folder).  :func:`start_import` saves them into
a private folder under the instance folder (never served), checks any zip
before a byte of it is unpacked (:mod:`.geodata_upload`) and starts
:func:`import_geography`, which runs the same import as ``flask geodata
import-council CODE DIR`` (:func:`app.geodata.council_import.import_council`)
inside the job's transaction: the runner commits it with the job's
"finished", so a refused or failing import leaves the previous geography as
it was.  The job reports each step on its progress page and ends with the
same summary the command prints, or the refusal naming file, row and column.
The uploaded files are deleted when the job ends.

On SQLite one connection writes at a time: once the import has started
writing, the job's progress is not written (it would wait for the import), so
the page shows the step it reached until the import ends.  PostgreSQL shows
every step.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

from flask import current_app, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import jobs
from ..audit import record
from ..extensions import db
from ..geodata.council_import import COUNCIL_CODE
from ..geodata.errors import GeodataError
from ..geodata.recognise import GEO_SUFFIXES, IGNORED_SUFFIXES, TABLE_SUFFIXES
from ..jobs.ledger import job_id
from ..models import Area, Postcode, User
from .geodata_upload import UploadRefused, check_zip, remove, unpack_all

__all__ = ["COUNCIL_CODE", "import_geography", "import_outcome", "import_page", "start_import"]
ROLES = ("admin",)
ENDPOINT = "admin.geodata_import"
FOLDER = "geodata-uploads"
ACCEPTED = GEO_SUFFIXES | TABLE_SUFFIXES | IGNORED_SUFFIXES | {".zip"}
STALE_SECONDS = 3600  # a half-saved upload older than this is someone's abandoned request
_UNCERTAIN = re.compile(r"^([EW]01\d{6}): .* marked uncertain$")  # coverage.store_coverage's line


def limit_bytes(config) -> int:
    """``GEODATA_UPLOAD_MAX_MB`` in bytes."""
    return int(config["GEODATA_UPLOAD_MAX_MB"]) * 1024 * 1024


def allow_large_uploads(app) -> None:
    """Let a signed-in admin's upload to the import page be as large as
    ``GEODATA_UPLOAD_MAX_MB`` (every other request keeps ``MAX_CONTENT_LENGTH``).
    Runs before every other hook, since those read the form (CSRF, NUL checks)."""
    def raise_limit():
        if (request.endpoint == ENDPOINT and request.method == "POST"
                and current_user.is_authenticated and current_user.role in ROLES):
            request.max_content_length = limit_bytes(current_app.config)
    app.before_request_funcs.setdefault(None, []).insert(0, raise_limit)


def uploads_root() -> Path:
    return Path(current_app.instance_path) / FOLDER


def _outcome_url(info) -> str:
    return url_for("admin.geodata_outcome", job_id=info.id)


def _report_progress(fraction: float, message: str) -> None:
    """The job's progress, unless SQLite's one writer is the import itself."""
    if db.engine.dialect.name == "sqlite":
        dbapi = db.session.connection().connection.dbapi_connection
        if getattr(dbapi, "in_transaction", False):
            return
    jobs.report(fraction, message)


def _band() -> dict:
    """The young-people age band of the analysis settings, as the command uses it."""
    from ..settings import analysis_settings

    return analysis_settings().band


def _summary_lines(reports, folder: Path) -> list[dict]:
    """Each report as the command prints it: its line, and its notes."""
    out = []
    for report in reports:
        if report.path == folder:
            report.path = Path("Your files")
        out.append({"line": str(report).split("\n", 1)[0], "notes": list(report.notes)})
    return out


@jobs.task(roles=ROLES, title="Importing a council's geography", kind="import",
           result_url=_outcome_url)
def import_geography(folder: str, code: str, user_id: int, files: list[str]) -> dict:
    """Import the council ``code`` from the uploaded ``folder``; the runner commits it."""
    from ..geodata.council_import import import_council

    path = Path(folder)
    user = db.session.get(User, user_id)
    try:
        if not path.is_dir():
            raise UploadRefused("the uploaded files are no longer on the server (the import "
                                "was interrupted after they were deleted): upload them again")
        jobs.report(0.02, "Unpacking and reading the files")
        unpack_all(path, limit_bytes(current_app.config))
        reports = import_council(db.session, path, code, progress=_report_progress,
                                 **_band())
    except (GeodataError, UploadRefused) as exc:
        db.session.rollback()  # all or nothing: the previous geography stays
        remove(path)
        message = str(exc).replace(path.name, "Your files")
        record(db.session, user=user, action="refuse geography import", object_type="Area",
               note=f"council {code}: {message}"[:1000])
        jobs.report(1.0, "Stopped: the files cannot be imported")
        named = getattr(exc, "path", None)
        return {"ok": False, "code": code, "files": files, "message": message,
                "file": named.name if named is not None and named != path else None,
                "row": getattr(exc, "row", None), "column": getattr(exc, "column", None),
                "feature": getattr(exc, "feature", None)}
    except Exception:
        db.session.rollback()
        info = jobs.status(path.name)
        if info is None or info.attempts >= int(current_app.config["JOBS_MAX_ATTEMPTS"]):
            remove(path)  # no run will come back for them
        raise
    counts = _counts()
    record(db.session, user=user, action="import geography", object_type="Area",
           after={"council": code, **counts, "files": files[:50]},
           note=f"council {code}: {counts['lsoa']} LSOAs, {counts['ward']} wards, "
                f"{counts['postcodes']} postcodes")
    remove(path)
    lines = _summary_lines(reports, path)
    coverage = next((r["notes"] for r in lines if r["line"].startswith("postcode coverage:")), [])
    return {"ok": True, "code": code, "files": files, "counts": counts, "reports": lines,
            "coverage": coverage,
            "uncertain": [m.group(1) for n in coverage if (m := _UNCERTAIN.match(n))]}


def _counts() -> dict:
    levels = dict(db.session.execute(select(Area.level, func.count()).group_by(Area.level)).all())
    return {"lsoa": levels.get("lsoa", 0), "ward": levels.get("ward", 0),
            "parish": levels.get("parish", 0),
            "postcodes": db.session.scalar(select(func.count()).select_from(Postcode)) or 0}


def _sweep(root: Path) -> None:
    """Remove upload folders no job will read: their job is done or gone, or (half
    saved) abandoned an hour ago."""
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.name.startswith(".incoming-"):
            if time.time() - folder.stat().st_mtime > STALE_SECONDS:
                remove(folder)
            continue
        if time.time() - folder.stat().st_mtime < 60:
            continue  # just saved: its job is being queued
        info = jobs.status(folder.name)
        if info is None or info.done:
            remove(folder)


def _save(uploads, into: Path, limit: int) -> list[str]:
    """Save the uploaded files into ``into``; their names.  Zips are checked here,
    unpacked by the job."""
    from werkzeug.utils import secure_filename

    names: list[str] = []
    total = 0
    zips = []
    for upload in uploads:
        name = secure_filename(upload.filename or "")
        suffix = Path(name).suffix.lower()
        if not name or suffix not in ACCEPTED:
            raise UploadRefused(f"{upload.filename}: is not a file this import reads (CSV, "
                                "GeoJSON, GeoPackage, a Shapefile with its side files, or a "
                                ".zip of the folder)")
        if name in names:
            raise UploadRefused(f"{name}: two files have this name; send one of them")
        target = into / name
        upload.save(target)
        total += target.stat().st_size
        if total > limit:
            raise UploadRefused(f"the files are over the {limit // (1024 * 1024):,} MB allowed "
                                "(GEODATA_UPLOAD_MAX_MB)")
        names.append(name)
        if suffix == ".zip":
            zips.append(target)
    expanded = total - sum(path.stat().st_size for path in zips)  # the zips go once unpacked
    for path in zips:
        expanded += check_zip(path, limit - expanded)
    return names


def start_import(code: str, uploads, user, submission: str | None) -> tuple[jobs.JobInfo | None,
                                                                           list[str]]:
    """(The import job for this form, ``None``) or (``None``, the problems with the files).

    The same form sent twice (a double click, a resubmit) is one job: the job's key
    is the form's own token, the admin and the code, and a second request for a
    job that exists saves nothing."""
    uploads = [u for u in (uploads or []) if u and getattr(u, "filename", "")]
    if not uploads:
        return None, ["Choose the council's files, or a .zip of its folder."]
    key = json.dumps({"form": (submission or "")[:64] or uuid.uuid4().hex,
                      "user": user.id, "code": code})
    existing = jobs.status(job_id(import_geography.yvm_path, key))
    if existing is not None and existing.state != "failed":
        return existing, []
    root = uploads_root()
    _sweep(root)
    incoming = root / f".incoming-{uuid.uuid4().hex}"
    incoming.mkdir(parents=True)
    try:
        names = _save(uploads, incoming, limit_bytes(current_app.config))
    except UploadRefused as exc:
        remove(incoming)
        return None, [str(exc)]
    folder = root / job_id(import_geography.yvm_path, key)
    try:
        incoming.rename(folder)
    except OSError:  # the same form, sent twice at once: the first one's files are there
        remove(incoming)
    try:
        info = jobs.enqueue(import_geography, {"folder": str(folder), "code": code,
                                               "user_id": user.id, "files": names},
                            key=key, user_id=user.id)
    except jobs.QuotaExceeded:
        remove(folder)
        raise
    return info, []


def import_page() -> dict:
    """What the form page shows beside the form: the geography now, the last import."""
    latest = jobs.latest(import_geography)
    return {"counts": _counts(), "latest": latest,
            "latest_result": jobs.result(latest.id) if latest and latest.done else None}


def import_outcome(jid: str) -> tuple[jobs.JobInfo | None, dict | None]:
    """An import job and, once finished, what it did."""
    info = jobs.status(jid) if len(jid) <= 64 else None
    if info is None or info.task != import_geography.yvm_path:
        return None, None
    return info, jobs.result(jid)
