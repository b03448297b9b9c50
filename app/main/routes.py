"""Home, staff dashboard, about pages, health check and error pages.

The views parse the request, call one function of :mod:`app.main.service` and render.
"""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import READERS, STAFF, public, roles_required
from ..i18n import N_, _
from . import bp, service


@bp.route("/")
@public
def home():
    """Landing page for everyone."""
    return render_template("main/home.html")


@bp.route("/dashboard")
@roles_required(*STAFF)
def dashboard():
    """Staff start page: what this role can do."""
    return render_template("main/dashboard.html", **service.dashboard_page(current_user))


@bp.route("/dashboard/ward", methods=["POST"])
@roles_required(*READERS)
def choose_ward():
    """Remember the ward this member of staff looks after; the dashboard leads with it."""
    saved, page = service.choose_ward(current_user, request.form)
    if saved:
        return redirect(url_for("main.dashboard") + "#your-ward", code=303)
    return render_template("main/dashboard.html", **page), 400


@bp.route("/about/data")
@public
def about_data():
    """Data sources with their licences and attribution text."""
    return render_template("main/about_data.html", sources=service.data_sources())


@bp.route("/privacy")
@public
def privacy():
    """The privacy notice, written for young people, built from the real settings."""
    return render_template("main/privacy.html", **service.privacy_page(current_app.config))


@bp.route("/help")
@public
def help_now():
    """Where to get help now: Childline and the council's front door."""
    return render_template("main/help.html")


@bp.route("/healthz")
@public
def healthz():
    """200 with the database reachable, 503 when not."""
    if not service.database_reachable():
        current_app.logger.warning("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def register_error_pages(app) -> None:
    def _page(code: int, title: str, message: str):
        def handler(error):
            if _wants_json():
                return jsonify(error=title, message=getattr(error, "description", message)), code
            return render_template(
                "errors/error.html", code=code, title=_(title),
                message=_(message), detail=getattr(error, "description", None),
            ), code

        return handler

    # Marked (N_) for the catalogue; translated (_) when the page is shown.
    for code, title, message in (
        (400, N_("Something was wrong with that request"), N_("Please go back and try again.")),
        (401, N_("Please sign in"), N_("This needs a staff account.")),
        (403, N_("You cannot see this page"), N_("Your account does not have access to this page.")),
        (404, N_("Page not found"), N_("If you typed the web address, check it is correct.")),
        (405, N_("That did not work"), N_("This page cannot be used that way.")),
        (413, N_("That was too big"), N_("The file or form you sent is too large.")),
        (429, N_("Too many tries"), N_("Lots of people are sending at once, or too many tries "
                                       "came from here. Wait a minute, then try again. Your "
                                       "answers are still on the page if you go back.")),
        (500, N_("Sorry, there is a problem with the service"),
         N_("Try again later. Nothing you sent was half-saved.")),
    ):
        app.register_error_handler(code, _page(code, title, message))


def _wants_json() -> bool:
    from flask import request

    return request.path.startswith("/api/")
