"""Public "You said, we did" pages: what young people said in a survey wave and what
the council did about it.  Each view calls one function of :mod:`.yousaid`."""

from __future__ import annotations

from flask import render_template

from ..access import public
from . import bp, yousaid


@bp.route("/you-said-we-did")
@public
def you_said_index():
    """Every survey wave with a "You said, we did" page."""
    return render_template("survey/you_said_index.html", **yousaid.public_index())


@bp.route("/results/<slug>/<wave>/you-said-we-did")
@public
def you_said(slug, wave):
    """One wave: the published headline findings and the council's actions."""
    return render_template("survey/you_said.html", **yousaid.public_page(slug, wave))
