"""The coding page: a person confirms or rejects the themes suggested for each
free-text answer, and may approve its words as a quote.  Only the roles allowed to
read free text (safeguarding lead, admin).  Each view parses the request, calls one
function of :mod:`.themes_service` and renders."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import roles_required
from . import bp
from . import themes_service as svc

CODERS = ("admin", "safeguarding")


@bp.route("/themes/<slug>")
@roles_required(*CODERS)
def themes_coding(slug):
    """Free-text answers with suggested themes, waiting for a person."""
    show = "done" if request.args.get("show") == "done" else "todo"
    return render_template("survey/themes.html", errors={}, **svc.coding_page(slug, show))


@bp.route("/themes/<slug>/suggest", methods=["POST"])
@roles_required(*CODERS)
def themes_suggest(slug):
    """Suggest themes for the answers nobody has decided yet (audited)."""
    made = svc.suggest(slug, current_user)
    flash(f"{made} themes suggested. Only the ones a person confirms count.")
    return redirect(url_for("survey.themes_coding", slug=slug))


@bp.route("/themes/<slug>/<int:answer_id>", methods=["POST"])
@roles_required(*CODERS)
def themes_decide(slug, answer_id):
    """Confirm the ticked themes of one answer, reject the rest (audited)."""
    decision = svc.Decision(themes=request.form.getlist("theme"),
                            quote_theme=request.form.get("quote", ""))
    errors = svc.decide(slug, answer_id, decision, current_user)
    if errors:
        page = svc.coding_page(slug, request.args.get("show", "todo"))
        return render_template("survey/themes.html", errors={answer_id: errors}, **page), 400
    flash("Themes saved.")
    return redirect(url_for("survey.themes_coding", slug=slug,
                            show=request.args.get("show", "todo")))
