"""The service layer behind the home, dashboard, about and health pages: every
query and figure the views in :mod:`app.main.routes` show, so each view parses,
calls one function here and renders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select, text

from .. import publication
from ..access import PLANNERS, READERS
from ..disclosure import DisclosureRule
from ..extensions import db
from ..i18n import ngettext
from ..models import Area, AuditEvent, Service

# The dashboard's level names, as a sentence says them.
LEVEL_WORDS = {"lsoa": "small areas", "ward": "wards", "parish": "parishes",
               "custom": "areas"}
LEVEL_PLURALS = {"lsoa": "Small areas (LSOAs)", "ward": "Wards", "parish": "Parishes",
                 "custom": "Custom areas"}


def dashboard_page(user) -> dict:
    """The staff start page for ``user``'s role: what there is, and what needs doing."""
    role = user.role
    from flask import session as web_session

    from ..inputs.areas import levels_with_areas

    levels = levels_with_areas(db.session)
    level = web_session.get("area_level")
    if level not in levels:
        level = "ward" if "ward" in levels else (levels[0] if levels else None)
    counts = {
        # The council's own: services in a neighbouring area count for reach only.
        "services": db.session.scalar(select(func.count(Service.id)).where(
            Service.status == "active", Service.outside_council.is_(False))),
        "level": LEVEL_PLURALS.get(level, "Areas"),
        "areas": db.session.scalar(select(func.count(Area.id)).where(Area.level == level))
        if level else 0,
        # Published (protected) total from the latest snapshot, never a live count.
        "responses": publication.totals(db.session)["all"],
    }
    gaps, funding, with_area, young = _gap_headlines(role)
    counts["responses_with_area"] = with_area
    counts["young_people"] = young
    upkeep = None
    if role in PLANNERS:
        from ..partners.organisations import upkeep_headline

        upkeep = upkeep_headline(db.session,
                                 review_days=current_app.config["SERVICE_REVIEW_DAYS"])
    return {"counts": counts, "role": role, "gaps": gaps, "funding": funding,
            "flags": _open_flags(role), "upkeep": upkeep,
            "sign_in_alerts": _sign_in_alerts(role), **_own_ward(user)}


def _own_ward(user, form=None) -> dict:
    """The chooser and, once chosen, the figures of the ward ``user`` looks after
    (for the roles that read the gap figures; the ward's figures are the table's)."""
    if user.role not in READERS or "gaps.table" not in current_app.view_functions:
        return {"ward_form": None, "ward": None}
    from ..gaps.ward import ward_options, ward_report
    from .forms import WardForm

    options = ward_options(db.session)
    if not options:
        return {"ward_form": None, "ward": None}
    form = form or WardForm(formdata=None, ward=user.ward_code or "")
    form.ward.choices = [("", "Choose your ward")] + options
    ward = ward_report(db.session, user.ward_code) if user.ward_code else None
    return {"ward_form": form, "ward": ward}


def choose_ward(user, formdata) -> tuple[bool, dict | None]:
    """Store the ward chosen in ``formdata``; (saved, None) or (False, the
    dashboard's context with the form's error beside the field)."""
    from ..gaps.ward import WardError
    from ..gaps.ward import choose_ward as store
    from .forms import WardForm

    form = WardForm(formdata=formdata)
    if form.validate():
        try:
            store(db.session, user, form.ward.data or "")
            return True, None
        except WardError as error:
            form.ward.errors = [str(error)]
    page = dashboard_page(user)
    page.update(_own_ward(user, form))
    return False, page


def _sign_in_alerts(role: str) -> list | None:
    """Repeated failed sign-ins to staff accounts in the last week (admin and
    safeguarding lead only): accounts are never locked, so people are told."""
    if role not in ("admin", "safeguarding"):
        return None
    since = datetime.now(UTC) - timedelta(days=7)
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "login_failures", AuditEvent.at >= since)
        .order_by(AuditEvent.at.desc()).limit(10)).all()


def _gap_headlines(role: str) -> tuple[list, dict | None, int | None, str | None]:
    """The product's point at a glance: the five biggest gaps, how many grants end
    within 6 and 12 months, how many published responses gave an area and how many
    young people (the analysis settings' age band) the areas hold.  Only for roles
    that may open the gap table it links to."""
    gaps, funding, with_area, young = [], None, None, None
    if role in READERS and "gaps.table" in current_app.view_functions:
        from ..analysis import FILTERS, format_value
        from ..analysis.travel import MODE_PHRASES
        from ..gaps.service import carry_level, funding_risk_rows, load_view, sort_table

        view, _ = load_view(db.session, carry_level({}))
        if view.has_areas:
            level = LEVEL_WORDS.get(view.params.level, "areas")
            reach = f"{view.params.threshold:g} minutes {MODE_PHRASES[view.params.mode]}"
            # The provision the score counts, named as the table's note names it.
            kind = FILTERS.get(view.params.filter, "").lower().replace(
                "£x", f"£{view.params.max_monthly:g}")
            gaps = [{"name": r["name"], "level": level, "reach": reach, "kind": kind,
                     "score": format_value("gap_score", r.get("gap_score"))}
                    for r in sort_table(view) if r.get("rank") is not None][:5]
            risk = funding_risk_rows(view)
            funding = {"within_6": sum(1 for r in risk if r["within_6"]),
                       "within_12": sum(1 for r in risk if r["within_12"])}
            with_area = (view.voice_total or {}).get("responses")
            young = format_value("young_people", view.young_people_total)
    return gaps, funding, with_area, young


def _open_flags(role: str) -> int | None:
    """How many safeguarding flags wait for review (the safeguarding lead only)."""
    if role != "safeguarding":
        return None
    from ..models.survey import SafeguardingFlag

    return db.session.scalar(select(func.count(SafeguardingFlag.id)).where(
        SafeguardingFlag.status == "open"))


def data_sources() -> list[dict]:
    """Every data source with its licence and attribution text."""
    from ..sources import sources_for

    return sources_for(db.session)


def _duration(days: int) -> str:
    """"90 days", "6 months", "1 year", in the reader's language."""
    if days % 365 == 0:
        return ngettext("%(num)d year", "%(num)d years", days // 365)
    if days % 30 == 0 and days < 365:
        return ngettext("%(num)d month", "%(num)d months", days // 30)
    return ngettext("%(num)d day", "%(num)d days", days)


def privacy_page(cfg) -> dict:
    """The privacy notice's figures, from the real settings ``cfg`` and the current
    council's disclosure rule."""
    rule = DisclosureRule.from_config(cfg).fixed()
    return {
        "free_text_days": cfg["RETENTION_FREE_TEXT_DAYS"],
        "free_text_for": _duration(cfg["RETENTION_FREE_TEXT_DAYS"]),
        "safeguarding_days": cfg["RETENTION_SAFEGUARDING_NOTES_DAYS"],
        "safeguarding_for": _duration(cfg["RETENTION_SAFEGUARDING_NOTES_DAYS"]),
        "reports_days": cfg["RETENTION_REPORT_MESSAGES_DAYS"],
        "reports_for": _duration(cfg["RETENTION_REPORT_MESSAGES_DAYS"]),
        # The current council's rule: a council may raise the threshold (app/disclosure.py).
        "suppress_min": rule.min_suppressed,
        "suppress_max": rule.max_suppressed,
        "round_to": rule.round_to,
        "tiles_host": urlsplit(cfg.get("MAP_TILES_URL") or "").hostname,
        "method": publication.CellKeyMethod.from_config(cfg),
        "publish_hour": cfg["PUBLISH_HOUR"], "every_days": cfg["PUBLISH_EVERY_DAYS"],
        "release": publication.ReleaseRule.from_config(cfg),
    }


def database_reachable() -> bool:
    """Whether the database answers ``SELECT 1`` (a failed try is rolled back)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return False
    return True
