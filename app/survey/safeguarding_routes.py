"""The safeguarding lead's queue: flagged free-text answers, read one at a time and
recorded (audited).  Each view parses the request, calls one function of
:mod:`.review_service` (which reads the flagged response, by design) and renders."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import roles_required
from . import bp
from . import review_service as svc

SAFEGUARDING = ("admin", "safeguarding")


@bp.route("/safeguarding")
@roles_required(*SAFEGUARDING)
def safeguarding_queue():
    """Responses whose free text matched a safeguarding indicator."""
    return render_template("survey/queue.html", **svc.queue(request.args.get("status", "open")))


@bp.route("/safeguarding/<ref>", methods=["GET", "POST"])
@roles_required(*SAFEGUARDING)
def safeguarding_flag(ref):
    """Read a flagged answer and record what was done (audited)."""
    review = None
    if request.method == "POST":
        review = svc.Review(status=request.form.get("status"),
                            note=(request.form.get("note") or "").strip())
    page = svc.flag_page(ref, review, current_user)
    if page.saved:
        flash("Saved.")
        return redirect(url_for("survey.safeguarding_flag", ref=page.flag.ref))
    return render_template("survey/flag.html", flag=page.flag, response=page.response,
                           texts=page.texts, labels=page.labels, area_name=page.area_name,
                           statuses=svc.STATUSES, errors=page.errors), page.status
