"""Home, staff dashboard, about pages, health check and error pages."""

from __future__ import annotations

from flask import current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import func, select, text

from .. import publication
from ..access import PLANNERS, STAFF, public, roles_required
from ..extensions import db
from ..models import Area, Service
from . import bp


@bp.route("/")
@public
def home():
    """Landing page for everyone."""
    return render_template("main/home.html")


@bp.route("/dashboard")
@roles_required(*STAFF)
def dashboard():
    """Staff start page: what this role can do."""
    counts = {
        "services": db.session.scalar(select(func.count(Service.id))),
        "areas": db.session.scalar(select(func.count(Area.id))),
        # Published (protected) total from the latest snapshot, never a live count.
        "responses": publication.totals(db.session)["all"],
    }
    gaps, funding, flags = _dashboard_headlines(current_user.role)
    upkeep = None
    if current_user.role in PLANNERS:
        from ..partners.organisations import upkeep_headline

        upkeep = upkeep_headline(db.session,
                                 review_days=current_app.config["SERVICE_REVIEW_DAYS"])
    return render_template("main/dashboard.html", counts=counts, role=current_user.role,
                           gaps=gaps, funding=funding, flags=flags, upkeep=upkeep,
                           sign_in_alerts=_sign_in_alerts(current_user.role))


def _sign_in_alerts(role: str) -> list | None:
    """Repeated failed sign-ins to staff accounts in the last week (admin and
    safeguarding lead only): accounts are never locked, so people are told."""
    if role not in ("admin", "safeguarding"):
        return None
    from datetime import UTC, datetime, timedelta

    from ..models import AuditEvent

    since = datetime.now(UTC) - timedelta(days=7)
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "login_failures", AuditEvent.at >= since)
        .order_by(AuditEvent.at.desc()).limit(10)).all()


def _dashboard_headlines(role: str):
    """The product's point at a glance: the biggest gaps, funding about to end, and (for
    the safeguarding lead) how many flags wait for review.  Each part shows only to roles
    that may open the page it links to."""
    from ..access import READERS

    gaps, funding, flags = [], None, None
    if role in READERS and "gaps.table" in current_app.view_functions:
        from ..analysis import format_value
        from ..gaps.service import funding_risk_rows, load_view, sort_table

        view, _ = load_view(db.session, {})
        if view.has_areas:
            level = {"lsoa": "small area", "ward": "ward", "parish": "parish"}.get(
                view.params.level, "area")
            from ..analysis.travel import MODE_PHRASES

            reach = f"{view.params.threshold:g} minutes {MODE_PHRASES[view.params.mode]}"
            gaps = [{"name": r["name"], "level": level, "reach": reach,
                     "score": format_value("gap_score", r.get("gap_score"))}
                    for r in sort_table(view) if r.get("rank") is not None][:5]
            risk = funding_risk_rows(view)
            funding = {"within_6": sum(1 for r in risk if r["within_6"]),
                       "within_12": sum(1 for r in risk if r["within_12"])}
    if role == "safeguarding":
        from ..models.survey import SafeguardingFlag

        flags = db.session.scalar(select(func.count(SafeguardingFlag.id)).where(
            SafeguardingFlag.status == "open"))
    return gaps, funding, flags


@bp.route("/about/data")
@public
def about_data():
    """Data sources with their licences and attribution text."""
    from ..sources import sources_for

    return render_template("main/about_data.html", sources=sources_for(db.session))


@bp.route("/privacy")
@public
def privacy():
    """The privacy notice, written for young people, built from the real settings."""
    from urllib.parse import urlsplit

    cfg = current_app.config

    def duration(days: int) -> str:
        if days % 365 == 0:
            years = days // 365
            return "1 year" if years == 1 else f"{years} years"
        if days % 30 == 0 and days < 365:
            months = days // 30
            return "1 month" if months == 1 else f"{months} months"
        return "1 day" if days == 1 else f"{days} days"

    return render_template(
        "main/privacy.html",
        free_text_days=cfg["RETENTION_FREE_TEXT_DAYS"],
        free_text_for=duration(cfg["RETENTION_FREE_TEXT_DAYS"]),
        safeguarding_days=cfg["RETENTION_SAFEGUARDING_NOTES_DAYS"],
        safeguarding_for=duration(cfg["RETENTION_SAFEGUARDING_NOTES_DAYS"]),
        reports_days=cfg["RETENTION_REPORT_MESSAGES_DAYS"],
        reports_for=duration(cfg["RETENTION_REPORT_MESSAGES_DAYS"]),
        suppress_min=cfg["DISCLOSURE_MIN"],
        suppress_max=cfg["DISCLOSURE_MAX_SUPPRESSED"],
        round_to=cfg["DISCLOSURE_ROUND_TO"],
        tiles_host=urlsplit(cfg.get("MAP_TILES_URL") or "").hostname,
        method=publication.CellKeyMethod.from_config(cfg),
        publish_hour=cfg["PUBLISH_HOUR"], min_new=cfg["PUBLISH_MIN_NEW_RESPONSES"],
    )


@bp.route("/help")
@public
def help_now():
    """Where to get help now: Childline and the council's front door."""
    return render_template("main/help.html")


@bp.route("/healthz")
@public
def healthz():
    """200 with the database reachable, 503 when not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        current_app.logger.warning("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def register_error_pages(app) -> None:
    def _page(code: int, title: str, message: str):
        def handler(error):
            if _wants_json():
                return jsonify(error=title, message=getattr(error, "description", message)), code
            return render_template(
                "errors/error.html", code=code, title=title,
                message=message, detail=getattr(error, "description", None),
            ), code

        return handler

    app.register_error_handler(400, _page(400, "Something was wrong with that request",
                                          "Please go back and try again."))
    app.register_error_handler(401, _page(401, "Please sign in", "This needs a staff account."))
    app.register_error_handler(403, _page(403, "You cannot see this page",
                                          "Your account does not have access to this page."))
    app.register_error_handler(404, _page(404, "Page not found",
                                          "If you typed the web address, check it is correct."))
    app.register_error_handler(405, _page(405, "That did not work",
                                          "This page cannot be used that way."))
    app.register_error_handler(413, _page(413, "That was too big",
                                          "The file or form you sent is too large."))
    app.register_error_handler(429, _page(429, "Too many tries",
                                          "Lots of people are sending at once, or too many tries "
                                          "came from here. Wait a minute, then try again. "
                                          "Your answers are still on the page if you go back."))
    app.register_error_handler(500, _page(500, "Sorry, there is a problem with the service",
                                          "Try again later. Nothing you sent was half-saved."))


def _wants_json() -> bool:
    from flask import request

    return request.path.startswith("/api/")
