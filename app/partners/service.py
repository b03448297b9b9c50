"""The partner pages' service layer: the database session, commits, settings and
404s around the Flask-free modules, so each view parses, calls one function here
and renders."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, url_for

from ..directory.records import service_row
from ..extensions import db
from ..models import Building, ListingChange, Organisation, OrganisationContact
from . import changes, listings
from .changes import ChangeProblem
from .invites import (
    InviteRefused,
    accept_invite,
    create_invite,
    new_checkin_link,
    organisation_for_checkin,
    qr_svg,
    usable_invite,
)
from .organisations import (
    DuplicateName,
    add_contact,
    all_organisations,
    link_building,
    organisation_page,
    review_queue,
    save_organisation,
)
from .overview import build_overview
from .rows import difference, form_to_row, row_to_form


def review_days() -> int:
    return int(current_app.config["SERVICE_REVIEW_DAYS"])


def pending_cap() -> int:
    """Most changes one organisation may have waiting for review (a setting)."""
    return int(current_app.config["PARTNER_PENDING_MAX"])


def get_or_404(model, ident):
    return (db.session.get(model, ident) if ident is not None else None) or abort(404)


# ---- a partner's own pages ----------------------------------------------------------

def my_organisation(user) -> Organisation:
    org = db.session.get(Organisation, user.organisation_id) if user.organisation_id else None
    if org is None:
        abort(403, description="Your account is not linked to an organisation. Ask the council.")
    return org


def dashboard(user) -> dict:
    board = listings.dashboard(db.session, my_organisation(user), review_days=review_days())
    return {"board": board, "review_days": review_days(), "today": date.today()}


def own_listing(user, service_id: int | None):
    """The partner's listing (404 for another organisation's, as for a missing one)."""
    if service_id is None:
        return None
    return listings.own_service(db.session, my_organisation(user).id, service_id) or abort(404)


def fill_listing_form(form, service) -> bool:
    """Fill the form from the change waiting for review, else the live listing; True
    when a change is waiting."""
    waiting = changes.pending_for(db.session, service.id)
    row_to_form(form, waiting.after if waiting else service_row(service))
    return waiting is not None


def _problems_onto(form, problems) -> None:
    for column, message in problems:
        target = {"easting": "latitude", "northing": "longitude"}.get(column, column)
        field = form[target] if target in form else form.name
        field.errors = [*field.errors, message]


def save_listing(form, service, user):
    """Propose the form's listing: the change, or ``None`` with problems on the form."""
    org = my_organisation(user)
    row = form_to_row(form, organisation=org.name, provider_type=org.kind, checked=date.today())
    return _committed(form, lambda: changes.propose(db.session, user=user, org=org,
                                                    service=service, row=row,
                                                    pending_cap=pending_cap()))


def _committed(form, action):
    """Run ``action`` and commit: its result, or ``None`` (rolled back, problems on the
    form) when the row it checks fails."""
    try:
        result = action()
    except ChangeProblem as exc:
        db.session.rollback()
        _problems_onto(form, exc.problems)
        return None
    db.session.commit()
    return result


def confirm_listing(user, service_id: int):
    service = own_listing(user, service_id)
    listings.confirm(db.session, service, user=user)
    db.session.commit()
    return service


def set_listing_status(user, service_id: int, status: str):
    service = own_listing(user, service_id)
    if status not in listings.ONE_CLICK_STATUSES:
        abort(400, description="Choose pause or close.")
    listings.set_status(db.session, service, status, user=user)
    db.session.commit()
    return service


def sent_change(user, change_id: int) -> dict:
    """A change the partner sent, as they sent it: each field before and after (404
    for another organisation's change)."""
    from .rows import difference

    change = listings.own_change(db.session, my_organisation(user).id, change_id) or abort(404)
    return {"change": change, "fields": difference(change.before, change.after)}


def handle_report(user, report_id: int, outcome: str) -> None:
    report = listings.own_report(db.session, my_organisation(user).id, report_id) or abort(404)
    if outcome not in ("done", "dismissed"):
        abort(400, description="Say whether the report was dealt with or dismissed.")
    listings.handle_report(db.session, report, outcome, user=user)
    db.session.commit()


def export_listings(user, fmt: str):
    body, mimetype, filename = listings.export_own(
        db.session, my_organisation(user), fmt, council=current_app.config["COUNCIL_NAME"])
    return (body, mimetype, filename) if body is not None else abort(404)


def import_listings(user, upload):
    """(organisation, result) of an all-or-nothing import; kept only if clean."""
    org = my_organisation(user)
    result = listings.import_file(db.session, org, upload.read(), upload.filename, user=user,
                                  max_rows=int(current_app.config["PARTNER_IMPORT_MAX_ROWS"]),
                                  pending_cap=pending_cap())
    if result.ok:
        db.session.commit()
    else:
        db.session.rollback()
    return result


def own_building(user, building_id: int):
    return listings.own_building(db.session, my_organisation(user).id, building_id) \
        or abort(404)


def save_building(building, values: dict, user) -> str | None:
    problem = listings.save_building(db.session, building, values, user=user)
    if problem is None:
        db.session.commit()
    else:
        db.session.rollback()
    return problem


# ---- links: invitation and check-in ---------------------------------------------

def invite_for(token: str):
    """(invite, None), or (None, why the link cannot be used)."""
    try:
        return usable_invite(db.session, token), None
    except InviteRefused as refused:
        return None, str(refused)


def set_password(invite, password: str) -> str | None:
    user, problem = accept_invite(db.session, invite, password)
    if user is None:
        db.session.rollback()
        return problem
    db.session.commit()
    return None


def checkin_board(token: str) -> dict:
    org = organisation_for_checkin(db.session, token) or abort(404)
    return {"board": listings.dashboard(db.session, org, review_days=review_days()),
            "token": token, "review_days": review_days()}


def checkin_confirm(token: str, service_id: int):
    org = organisation_for_checkin(db.session, token) or abort(404)
    service = listings.own_service(db.session, org.id, service_id) or abort(404)
    listings.confirm(db.session, service, user=f"check-in link ({org.name})",
                     via="organisation's check-in link")
    db.session.commit()
    return service


# ---- the council's side ---------------------------------------------------------

def overview():
    return build_overview(db.session, review_days=review_days())


def organisation_rows():
    return all_organisations(db.session)


def save_org(form, org, user):
    """Save a valid organisation form; the organisation, or ``None`` (errors on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        org = save_organisation(db.session, org, form.data, user=user)
    except DuplicateName as exc:
        db.session.rollback()
        form.name.errors = [*form.name.errors, str(exc)]
        return None
    db.session.commit()
    return org


def org_page(org):
    return organisation_page(db.session, org, review_days=review_days())


def organisation(org_id: int):
    return get_or_404(Organisation, org_id)


def contact(contact_id: int):
    return get_or_404(OrganisationContact, contact_id)


def change(change_id: int):
    return get_or_404(ListingChange, change_id)


def new_contact(org, values: dict, user) -> None:
    add_contact(db.session, org, values, user=user)
    db.session.commit()


def set_building(org_id: int, building_id: int | None, keep: bool, user):
    org = get_or_404(Organisation, org_id)
    if building_id is None:
        abort(400, description="Choose a building.")
    link_building(db.session, org, get_or_404(Building, building_id), keep=keep, user=user)
    db.session.commit()
    return org


def invitation(contact_row, user) -> dict:
    """A new invitation link for the template (InviteRefused if it cannot be made)."""
    invite, token = create_invite(db.session, contact_row, by=user,
                                  days=current_app.config["PARTNER_INVITE_DAYS"])
    db.session.commit()
    url = url_for("partners.accept_invite_page", token=token, _external=True)
    return {"kind": "invite", "url": url, "contact": contact_row,
            "org": contact_row.organisation, "expires": invite.expires_at,
            "qr": qr_svg(url, "QR code of the invitation link")}


def checkin_link(org_id: int, user) -> dict:
    org = get_or_404(Organisation, org_id)
    token = new_checkin_link(db.session, org, by=user)
    db.session.commit()
    url = url_for("partners.checkin", token=token, _external=True)
    return {"kind": "checkin", "url": url, "org": org,
            "qr": qr_svg(url, "QR code of the check-in link")}


def review_items():
    return review_queue(db.session)


def change_diff(change_row):
    return difference(change_row.before, change_row.after)


def decide(change_row, decision: str, form, user) -> bool:
    """Approve, or reject with the form's reason; False with errors on the form."""
    try:
        if decision == "approve":
            changes.approve(db.session, change_row, user=user)
        elif decision == "reject":
            if not form.validate_on_submit():
                return False
            changes.reject(db.session, change_row, user=user, reason=form.reason.data)
        else:
            abort(400, description="Choose approve or reject.")
    except ChangeProblem as exc:
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, *(m for _, m in exc.problems)]
        return False
    db.session.commit()
    return True


def fill_change_form(form, change_row) -> None:
    if change_row.status != "pending":
        abort(409, description="This change has already been dealt with.")
    row_to_form(form, change_row.after)


def approve_edited(form, change_row, user) -> bool:
    """Approve ``change_row`` as the reviewer edited it; False with errors on the form."""
    if change_row.status != "pending":
        abort(409, description="This change has already been dealt with.")
    org = change_row.organisation
    raw = (change_row.after or {}).get("last_checked")
    checked = date.fromisoformat(raw) if raw else change_row.submitted_at.date()
    row = form_to_row(form, organisation=org.name, provider_type=org.kind, checked=checked)
    return _committed(form, lambda: changes.approve(db.session, change_row, user=user,
                                                    edited_row=row)) is not None
