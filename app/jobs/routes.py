"""A background job's progress: a page that refreshes itself (a meta refresh
without JavaScript; ``jobs.js`` polls the JSON with fetch when it runs) and
links to the result when it is ready."""

from __future__ import annotations

from flask import abort, jsonify, render_template
from flask_login import current_user

from ..access import STAFF, roles_required
from . import bp, result_url, status


def _visible(job_id: str):
    """The job, if the signed-in role may follow it (404 otherwise, as for no job)."""
    info = status(job_id) if len(job_id) <= 64 else None
    if info is None or current_user.role not in info.roles:
        abort(404)
    return info


@bp.route("/<job_id>")
@roles_required(*STAFF)
def page(job_id: str):
    info = _visible(job_id)
    return render_template("jobs/status.html", job=info, ready_url=result_url(info))


@bp.route("/<job_id>.json")
@roles_required(*STAFF)
def progress(job_id: str):
    info = _visible(job_id)
    return jsonify({"state": info.state, "progress": round(info.progress, 3),
                    "message": info.message, "done": info.done,
                    "ready_url": result_url(info)})
