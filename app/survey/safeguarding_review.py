"""The safeguarding lead's queue: flagged free-text answers, read one at a time and
recorded (audited).  Reads the flagged response itself, by design: this is not a
publication (tests/publication/test_boundary.py lists it as an exception)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..access import roles_required
from ..audit import record, snapshot
from ..extensions import db
from ..models import Area, SafeguardingFlag, Survey
from . import bp
from .store import definition_of

SAFEGUARDING = ("admin", "safeguarding")
STATUSES = (("open", "Open"), ("reviewed", "Reviewed"), ("action_taken", "Action taken"))


# --- safeguarding ------------------------------------------------------------

@bp.route("/safeguarding")
@roles_required(*SAFEGUARDING)
def safeguarding_queue():
    """Responses whose free text matched a safeguarding indicator."""
    status = request.args.get("status", "open")
    q = select(SafeguardingFlag).order_by(SafeguardingFlag.created_on.desc(),
                                          SafeguardingFlag.ref)
    if status in dict(STATUSES):
        q = q.where(SafeguardingFlag.status == status)
    else:
        status = "all"
    flags = db.session.scalars(q).all()
    counts = dict(db.session.execute(select(SafeguardingFlag.status, func.count())
                                     .group_by(SafeguardingFlag.status)).all())
    return render_template("survey/queue.html", flags=flags, status=status, statuses=STATUSES,
                           counts=counts)


@bp.route("/safeguarding/<ref>", methods=["GET", "POST"])
@roles_required(*SAFEGUARDING)
def safeguarding_flag(ref):
    """Read a flagged answer and record what was done (audited)."""
    flag = db.session.scalar(select(SafeguardingFlag).where(SafeguardingFlag.ref == ref[:32]))
    if flag is None:
        abort(404)
    errors = {}
    if request.method == "POST":
        status = request.form.get("status")
        note = (request.form.get("note") or "").strip()
        if status not in dict(STATUSES):
            errors["status"] = "Choose open, reviewed or action taken"
        if status == "action_taken" and not note:
            errors["note"] = "Say what action was taken"
        if len(note) > 4000:
            errors["note"] = "The note must be 4,000 characters or fewer"
        if not errors:
            before = snapshot(flag, exclude=("notes",))
            from ..models import utcnow

            flag.status = status
            if note:
                stamp = utcnow().strftime("%d %b %Y %H:%M")
                entry = f"[{stamp} {current_user.email}] {note}"
                flag.notes = f"{flag.notes}\n{entry}" if flag.notes else entry
            flag.reviewed_by = current_user.id
            flag.reviewed_at = utcnow()
            # Notes stay out of the audit trail: they are deleted on their own schedule.
            record(db.session, user=current_user, action="review", obj=flag, before=before,
                   after=snapshot(flag, exclude=("notes",)),
                   note="note added" if note else None)
            db.session.commit()
            flash("Saved.")
            return redirect(url_for("survey.safeguarding_flag", ref=flag.ref))
    else:
        record(db.session, user=current_user, action="view", obj=flag)
        db.session.commit()
    response = flag.response
    texts = [a for a in response.answers if a.is_free_text]
    survey = db.session.get(Survey, response.survey_id)
    definition = definition_of(survey)
    labels = {q.id: q.label for q in definition.questions}
    area_name = None
    if response.area_code:
        area_name = db.session.scalar(select(Area.name).where(Area.code == response.area_code)
                                      .limit(1))
    return render_template("survey/flag.html", flag=flag, response=response, texts=texts,
                           labels=labels, area_name=area_name, statuses=STATUSES,
                           errors=errors), 400 if errors else 200
