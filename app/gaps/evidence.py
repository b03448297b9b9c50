"""The evidence pack: the page's context, and its PDF made as a background job.

Making the PDF takes seconds to tens of seconds, so it runs in the job layer
(:mod:`app.jobs`), keyed by the data version and the pack's parameters: the
same pack for the same data is made once and kept (``JOBS_RESULT_TTL_SECONDS``),
and a second request is served from that job.  A request waits a moment
(``JOBS_WAIT_SECONDS``) for a quick PDF, else the user follows its progress.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template, url_for

from .. import jobs, publication
from ..access import READERS
from ..dataversion import current
from ..extensions import db
from ..links import base_url
from ..settings import from_job
from .service import (
    GapView,
    carry_level,
    evening_rows,
    funding_risk_rows,
    load_view,
    page_context,
    sort_table,
)


def evidence_context(view: GapView, errors: dict, base: dict, *, pdf: bool = False) -> dict:
    """What the evidence page shows (``base`` is the gap pages' shared context)."""
    from ..sources import sources_for
    from .pdf import pdf_available

    return {**base, "rows": sort_table(view), "svg": view.svg_map() if view.has_areas else "",
            "risk": funding_risk_rows(view), "evening": evening_rows(view),
            "sources": sources_for(db.session),
            "themes": publication.page_themes(db.session),
            "today": date.today(),
            "pdf": pdf, "pdf_available": pdf_available(), "pdf_ready": False}


def _pdf_url(info) -> str:
    return url_for("gaps.evidence_pdf", **info.params["args"])


@jobs.task(roles=READERS, title="Making the evidence pack PDF", kind="pdf",
           result_url=_pdf_url)
def make_pdf(args: dict, settings: dict | None = None) -> dict:
    """Render the evidence pack for ``args`` under the analysis ``settings`` it was
    asked with to PDF as the page would be at ``PUBLIC_BASE_URL``:
    ``{"body": bytes, "filename": str}``."""
    from .pdf import render_pdf

    with current_app.test_request_context("/evidence.pdf", base_url=base_url(),
                                          query_string=args):
        jobs.report(0.1, "Working out the gaps")
        view, errors = load_view(db.session, args, from_job(settings))
        if errors:
            raise ValueError("; ".join(f"{k}: {v}" for k, v in errors.items()))
        html = render_template("gaps/evidence.html", **evidence_context(
            view, errors, page_context(view, errors), pdf=True))
        jobs.report(0.4, "Laying out the pages")
        body, _ = render_pdf(html, base_url())
    name = f"evidence-pack-{view.params.level}-{date.today().isoformat()}.pdf"
    return {"body": body, "filename": name}


@dataclass
class PdfRequest:
    errors: dict
    job: jobs.JobInfo | None = None
    available: bool = True  # False: this server cannot make PDFs (no WeasyPrint)

    @property
    def ready(self) -> dict | None:
        """The PDF (``body``, ``filename``) once made."""
        if self.job is None or self.job.state != "finished":
            return None
        return jobs.result(self.job.id)


def _key(args: dict, settings: dict) -> str:
    """The work, and nothing a client can vary for free (never the request's host):
    the data version, the parameters and the analysis settings (age band, defaults)."""
    return json.dumps({"data": list(current(db.session)), "args": args,
                       "settings": settings}, sort_keys=True)


def request_pdf(args, user_id: int | None, *, wait: bool = True) -> PdfRequest:
    """Start (or find) the PDF job for these parameters; with ``wait``, give a quick
    one ``JOBS_WAIT_SECONDS`` to finish.  Bad parameters come back as errors; a
    server that cannot make PDFs at all says so first (``available``).  A new job
    counts against ``user_id``'s quota (:class:`app.jobs.QuotaExceeded`)."""
    from .pdf import pdf_available

    if not pdf_available():
        return PdfRequest({}, available=False)
    view, errors = load_view(db.session, args)
    if errors:
        return PdfRequest(errors)
    query = {k: str(v) for k, v in view.params.query().items()}
    settings = view.params.settings.as_dict()
    info = jobs.enqueue(make_pdf, {"args": query, "settings": settings},
                        key=_key(query, settings), user_id=user_id)
    if wait and not info.done:
        info = jobs.wait_for(info.id, float(current_app.config["JOBS_WAIT_SECONDS"]))
    return PdfRequest({}, info)


def evidence_page(args) -> tuple[dict, dict]:
    """The evidence page's context (with whether its PDF is made already) and errors."""
    view, errors = load_view(db.session, carry_level(args))
    ctx = evidence_context(view, errors, page_context(view, errors))
    query = {k: str(v) for k, v in view.params.query().items()}
    info = jobs.status(jobs.ledger.job_id(make_pdf.yvm_path,
                                          _key(query, view.params.settings.as_dict())))
    ctx["pdf_ready"] = info is not None and info.state == "finished"
    return ctx, errors
