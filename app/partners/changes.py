"""Partner edits: proposed, reviewed, applied.  No Flask.

A partner's change is a row of the documented columns.  An untrusted
organisation's change waits in the review queue as a :class:`ListingChange`;
a trusted organisation's goes live at once.  Either way the live listing is
written by :func:`app.directory.records.apply_values` after
:func:`~app.directory.records.validate_record` accepts the row, and an audit
event records the listing before and after.

Approving applies only the columns the partner changed, on top of the listing
as it is at approval time, so a council edit made in between is not undone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from ..audit import record
from ..directory.records import apply_values, service_row, validate_record
from ..models import ListingChange, Organisation, Service
from .rows import changed_columns


class ChangeProblem(ValueError):
    """The row cannot be applied; ``problems`` are (column, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{c}: {m}" for c, m in problems))
        self.problems = problems


def _now() -> datetime:
    return datetime.now(UTC)


def check_row(session, row: dict, *, today: date | None = None) -> dict:
    """Clean values for ``row`` or :class:`ChangeProblem`."""
    clean, problems = validate_record(session, row, today=today)
    if problems:
        raise ChangeProblem(problems)
    return clean


def apply_row(session, service: Service, row: dict, *, user, action: str,
              note: str | None = None, today: date | None = None) -> Service:
    """Write ``row`` onto ``service`` (new or live) with an audit event."""
    clean = check_row(session, row, today=today)
    before = service_row(service) if service.id else None
    apply_values(session, service, clean)
    if service.id is None:
        session.add(service)
    session.flush()
    record(session, user=user, action=action, obj=service, before=before,
           after=service_row(service), note=note)
    return service


def pending_for(session, service_id: int) -> ListingChange | None:
    return session.scalar(select(ListingChange).where(
        ListingChange.service_id == service_id, ListingChange.status == "pending")
        .order_by(ListingChange.id.desc()))


def pending_count(session, org_id: int) -> int:
    """How many of the organisation's changes wait in the review queue."""
    return session.scalar(select(func.count(ListingChange.id)).where(
        ListingChange.organisation_id == org_id, ListingChange.status == "pending"))


def adds_to_queue(session, org: Organisation, service: Service | None) -> bool:
    """Would a change to ``service`` make the queue longer?  Not a trusted
    organisation's (live at once), nor one replacing a change still waiting."""
    return not org.trusted and (service is None or pending_for(session, service.id) is None)


def check_queue_room(session, org: Organisation, adding: int, cap: int | None) -> None:
    """:class:`ChangeProblem` when ``adding`` more changes would take the
    organisation past ``cap`` changes waiting for review (``None``: no cap)."""
    if cap is None or adding <= 0:
        return
    waiting = pending_count(session, org.id)
    if waiting + adding > cap:
        ask = "this change" if adding == 1 else f"these {adding} changes"
        raise ChangeProblem([("name", (
            f"{org.name} already has {waiting} change{'' if waiting == 1 else 's'} waiting for "
            f"the council's review, and {ask} would pass the limit of {cap}. Wait for the "
            "council to review them, then send the rest."))])


def propose(session, *, user, org: Organisation, service: Service | None, row: dict,
            today: date | None = None, pending_cap: int | None = None) -> ListingChange:
    """A partner's change to ``service`` (``None`` for a new listing).

    Checks the row first (:class:`ChangeProblem` if it fails, or if it would put
    more than ``pending_cap`` of the organisation's changes in the review queue).
    A trusted organisation's change goes live at once; otherwise it waits for
    review and replaces any earlier change to the same listing still waiting.
    """
    if service is not None and service.organisation_id != org.id:
        raise PermissionError("not this organisation's listing")
    row = {**row, "organisation": org.name}
    check_row(session, row, today=today)
    check_queue_room(session, org, int(adds_to_queue(session, org, service)), pending_cap)
    before = service_row(service) if service is not None else None
    change = ListingChange(organisation_id=org.id, kind="update" if service else "create",
                           service_id=service.id if service else None, before=before,
                           after=row, submitted_by=getattr(user, "id", None),
                           submitted_at=_now())
    if service is not None:
        for old in session.scalars(select(ListingChange).where(
                ListingChange.service_id == service.id, ListingChange.status == "pending")):
            old.status = "withdrawn"
            old.reason = "Replaced by a newer change from the organisation."
    session.add(change)
    if org.trusted:
        target = service or Service()
        apply_row(session, target, row, user=user, action="partner update" if service
                  else "partner create", note=f"trusted organisation {org.name}: live at once",
                  today=today)
        change.service_id = target.id
        change.status = "live"
        change.reviewed_at = _now()
    else:
        session.flush()
        record(session, user=user, action="propose change", obj=change, before=before,
               after=row, note=f"{org.name}: waiting for review")
    session.flush()
    return change


def approve(session, change: ListingChange, *, user, edited_row: dict | None = None,
            today: date | None = None) -> Service:
    """Make ``change`` live (with the reviewer's edits, if any)."""
    if change.status != "pending":
        raise ChangeProblem([("status", "this change has already been dealt with")])
    proposed = {**(edited_row or change.after), "organisation": change.organisation.name}
    if change.kind == "create":
        service, row = Service(), proposed
    else:
        service = change.service
        if service is None:
            raise ChangeProblem([("name", "the listing no longer exists")])
        row = {**service_row(service), **changed_columns(change.before, proposed)}
    apply_row(session, service, row, user=user, action="approve partner change",
              note=f"change {change.id} from {change.organisation.name}", today=today)
    change.service_id = service.id
    change.status = "edited" if edited_row is not None and edited_row != change.after \
        else "approved"
    if edited_row is not None:
        change.after = proposed
    change.reviewed_by, change.reviewed_at = user.id, _now()
    session.flush()
    return service


def reject(session, change: ListingChange, *, user, reason: str) -> None:
    """Refuse ``change``; the partner sees ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise ChangeProblem([("reason", "Say why, so the organisation can put it right.")])
    if change.status != "pending":
        raise ChangeProblem([("status", "this change has already been dealt with")])
    change.status, change.reason = "rejected", reason[:2000]
    change.reviewed_by, change.reviewed_at = user.id, _now()
    record(session, user=user, action="reject partner change", obj=change, note=reason[:2000])
    session.flush()
