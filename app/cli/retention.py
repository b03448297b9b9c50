"""`flask retention run`: delete free text and safeguarding notes that are due.

Meant for a nightly job (cron or a systemd timer)::

    flask --app wsgi retention run

What is due:

* a free-text answer (``Answer.is_free_text``) whose response was submitted
  more than ``RETENTION_FREE_TEXT_DAYS`` days ago: the answer row is deleted
  (the rest of the response, tick-box answers, area and age band, stays);
* a safeguarding flag's notes written more than
  ``RETENTION_SAFEGUARDING_NOTES_DAYS`` days ago (counted from the review, or
  from when the flag was raised if it was never reviewed): the notes are
  blanked; the flag itself (categories matched, status, dates) stays;
* the message a member of the public typed when reporting a listing out of
  date (``ServiceReport.message``, anonymous free text) sent more than
  ``RETENTION_REPORT_MESSAGES_DAYS`` days ago: the message is blanked; the
  report (service, kind, status, dates) stays.

Everything happens in one transaction with one audit event giving the counts
and cut-off dates (never the deleted text).  ``--dry-run`` only counts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete, func, select, update

from ..config_values import setting_value
from .council_option import for_each_council

cli = AppGroup("retention", help="Delete free text, safeguarding notes and report messages that are due.")


def report_cutoff(config, today: date | None = None) -> datetime:
    """Public report messages sent before this time are due."""
    today = today or datetime.now(UTC).date()
    days = int(setting_value(config, "RETENTION_REPORT_MESSAGES_DAYS"))
    if days < 1:
        raise click.UsageError("RETENTION_REPORT_MESSAGES_DAYS must be at least 1.")
    return datetime.combine(today, datetime.min.time(), UTC) - timedelta(days=days)


def due_cutoffs(config, today: date | None = None) -> tuple[date, datetime]:
    """(free-text cut-off date, safeguarding-notes cut-off time)."""
    today = today or datetime.now(UTC).date()
    free_days = int(config["RETENTION_FREE_TEXT_DAYS"])
    notes_days = int(config["RETENTION_SAFEGUARDING_NOTES_DAYS"])
    if free_days < 1 or notes_days < 1:
        raise click.UsageError(
            "RETENTION_FREE_TEXT_DAYS and RETENTION_SAFEGUARDING_NOTES_DAYS must be at least 1.")
    free_cutoff = today - timedelta(days=free_days)
    notes_cutoff = datetime.combine(today, datetime.min.time(), UTC) - timedelta(days=notes_days)
    return free_cutoff, notes_cutoff


def run_retention(session, config, today: date | None = None, dry_run: bool = False) -> dict:
    """Delete what is due; return the counts.  The caller's session is committed."""
    from ..audit import record
    from ..models import Answer, Response, SafeguardingFlag, ServiceReport, ThemeCode, ThemeQuote

    free_cutoff, notes_cutoff = due_cutoffs(config, today)
    due_responses = select(Response.id).where(Response.submitted_on < free_cutoff)
    answers_q = (Answer.is_free_text.is_(True)) & Answer.response_id.in_(due_responses)
    # A reviewed flag's notes age from the review; an unreviewed one's from the
    # date the flag was raised (only the date is kept).
    notes_q = SafeguardingFlag.notes.is_not(None) & (
        (SafeguardingFlag.reviewed_at.is_not(None) & (SafeguardingFlag.reviewed_at < notes_cutoff))
        | (SafeguardingFlag.reviewed_at.is_(None)
           & (SafeguardingFlag.created_on < notes_cutoff.date())))
    reports_cutoff = report_cutoff(config, today)
    reports_q = ServiceReport.message.is_not(None) & (ServiceReport.created_at < reports_cutoff)

    counts = {
        "free_text_answers": session.scalar(select(func.count(Answer.id)).where(answers_q)) or 0,
        "safeguarding_notes": session.scalar(
            select(func.count(SafeguardingFlag.id)).where(notes_q)) or 0,
        "report_messages": session.scalar(
            select(func.count(ServiceReport.id)).where(reports_q)) or 0,
        "free_text_cutoff": free_cutoff.isoformat(),
        "notes_cutoff": notes_cutoff.date().isoformat(),
        "reports_cutoff": reports_cutoff.date().isoformat(),
    }
    if dry_run:
        return counts
    try:
        # The words' themes and quote approvals go with them (SQLite does not
        # enforce the ON DELETE CASCADE that PostgreSQL does).
        due_answers = select(Answer.id).where(answers_q)
        for model in (ThemeCode, ThemeQuote):
            session.execute(delete(model).where(model.answer_id.in_(due_answers))
                            .execution_options(synchronize_session=False))
        session.execute(delete(Answer).where(answers_q).execution_options(
            synchronize_session=False))
        session.execute(update(SafeguardingFlag).where(notes_q).values(notes=None)
                        .execution_options(synchronize_session=False))
        session.execute(update(ServiceReport).where(reports_q).values(message=None)
                        .execution_options(synchronize_session=False))
        record(session, user=None, action="retention.run", object_type="retention",
               after=counts,
               note=(f"Deleted {counts['free_text_answers']} free-text answers from responses "
                     f"submitted before {counts['free_text_cutoff']} and blanked "
                     f"{counts['safeguarding_notes']} safeguarding notes written before "
                     f"{counts['notes_cutoff']} and {counts['report_messages']} public report "
                     f"messages sent before {counts['reports_cutoff']}."))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return counts


@cli.command("run")
@for_each_council
@click.option("--dry-run", is_flag=True, help="Only count what is due; delete nothing.")
def run_command(dry_run: bool, council: str, prefix: str) -> None:
    """Delete free-text answers and safeguarding notes older than the retention
    settings: every council's, each in its own transaction (or --council's)."""
    from ..extensions import db

    counts = run_retention(db.session, current_app.config, dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{prefix}{verb} {counts['free_text_answers']} free-text answers "
               f"(responses submitted before {counts['free_text_cutoff']}).")
    verb = "Would blank" if dry_run else "Blanked"
    click.echo(f"{prefix}{verb} {counts['safeguarding_notes']} safeguarding notes "
               f"(written before {counts['notes_cutoff']}).")
    click.echo(f"{prefix}{verb} {counts['report_messages']} messages in public reports about "
               f"listings (sent before {counts['reports_cutoff']}).")
