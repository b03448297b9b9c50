"""`flask retention run` deletes exactly what is due, and audits it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import Answer, AuditEvent, Response, SafeguardingFlag
from tests.county import County


@pytest.fixture
def app_config():
    return {"RETENTION_FREE_TEXT_DAYS": 30, "RETENTION_SAFEGUARDING_NOTES_DAYS": 60}


def _response(county, days_ago, free_text="I worry about the bus"):
    """A response ``days_ago`` old: a tick-box answer and a free-text one."""
    return county.response("have-your-say", None, age_band="13-15",
                           submitted_on=county.today - timedelta(days=days_ago),
                           answers={"activities": "sport"},
                           free_text={"anything_else": free_text})


def _county(db):
    """A county with the survey the responses belong to."""
    county = County(db.session)
    county.survey("have-your-say", title="Have your say")
    return county


def test_deletes_free_text_older_than_setting_and_keeps_the_rest(db, runner):
    county = _county(db)
    old = _response(county, days_ago=31)
    edge = _response(county, days_ago=30)  # exactly 30 days: not yet due
    new = _response(county, days_ago=2)
    db.session.commit()

    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 free-text answers" in result.output

    db.session.expire_all()
    remaining = db.session.execute(select(Answer.response_id, Answer.is_free_text)).all()
    assert (old.id, True) not in remaining
    assert (old.id, False) in remaining  # the tick-box answer stays
    assert (edge.id, True) in remaining and (new.id, True) in remaining
    assert db.session.get(Response, old.id) is not None  # the response itself stays

    # Running again finds nothing more: idempotent for a nightly job.
    again = runner.invoke(args=["retention", "run"])
    assert "Deleted 0 free-text answers" in again.output


def test_blanks_safeguarding_notes_older_than_setting(db, runner):
    county = _county(db)
    r1, r2, r3 = (_response(county, days_ago=1) for _ in range(3))
    db.session.flush()
    now = datetime.now(UTC)
    due = SafeguardingFlag(response_id=r1.id, matched=["harm"], status="reviewed",
                           notes="Called school DSL", created_on=(now - timedelta(days=90)).date(),
                           reviewed_at=now - timedelta(days=61))
    recent_review = SafeguardingFlag(response_id=r2.id, matched=["harm"], status="reviewed",
                                     notes="Spoke to youth worker",
                                     created_on=(now - timedelta(days=90)).date(),
                                     reviewed_at=now - timedelta(days=10))
    unreviewed_old = SafeguardingFlag(response_id=r3.id, matched=["abuse"], status="open",
                                      notes="initial note",
                                      created_on=(now - timedelta(days=65)).date())
    db.session.add_all([due, recent_review, unreviewed_old])
    db.session.commit()

    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "Blanked 2 safeguarding notes" in result.output
    db.session.expire_all()
    assert db.session.get(SafeguardingFlag, due.id).notes is None
    assert db.session.get(SafeguardingFlag, unreviewed_old.id).notes is None
    kept = db.session.get(SafeguardingFlag, recent_review.id)
    assert kept.notes == "Spoke to youth worker"
    # The flag itself stays for the record.
    assert db.session.get(SafeguardingFlag, due.id).matched == ["harm"]


def test_run_is_audited_without_the_deleted_text(db, runner):
    county = _county(db)
    _response(county, days_ago=400, free_text="my secret words")
    db.session.commit()
    runner.invoke(args=["retention", "run"])
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.run")).all()
    assert len(events) == 1
    event = events[0]
    assert event.actor == "system"
    assert event.after["free_text_answers"] == 1
    assert "my secret words" not in (event.note or "") + str(event.after)


def test_dry_run_deletes_nothing(db, runner):
    county = _county(db)
    _response(county, days_ago=400)
    db.session.commit()
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert "Would delete 1 free-text answers" in result.output
    assert db.session.scalar(select(Answer.id).where(Answer.is_free_text.is_(True))) is not None
    assert db.session.scalar(select(AuditEvent.id)) is None


def test_failure_part_way_leaves_everything(db, app, monkeypatch):
    from app.cli import retention

    county = _county(db)
    r = _response(county, days_ago=400)
    db.session.flush()
    db.session.add(SafeguardingFlag(response_id=r.id, matched=["harm"], notes="note",
                                    created_on=(datetime.now(UTC) - timedelta(days=400)).date()))
    db.session.commit()

    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr("app.audit.record", broken)
    with pytest.raises(RuntimeError):
        retention.run_retention(db.session, app.config)
    db.session.expire_all()
    assert db.session.scalar(select(Answer.id).where(Answer.is_free_text.is_(True))) is not None
    assert db.session.scalar(select(SafeguardingFlag.notes)) == "note"


def _report(db, service, days_ago, message):
    from app.models import ServiceReport

    report = ServiceReport(service_id=service.id, kind="stopped", message=message,
                           created_at=datetime.now(UTC) - timedelta(days=days_ago))
    db.session.add(report)
    return report


class TestReportMessages:
    @pytest.fixture
    def app_config(self):
        return {"RETENTION_REPORT_MESSAGES_DAYS": 90}

    def test_blanks_public_report_messages_that_are_due_and_keeps_the_report(self, db, runner):
        from app.models import ServiceReport

        service = County(db.session).service("Ashby Youth Club")
        db.session.flush()
        old = _report(db, service, 92, "It closed in May, ask Jo at 07700 900123")
        edge = _report(db, service, 89, "The price went up")
        new = _report(db, service, 1, "Now on Tuesdays")
        empty = _report(db, service, 400, None)
        db.session.commit()

        result = runner.invoke(args=["retention", "run", "--dry-run"])
        assert "Would blank 1 messages in public reports" in result.output
        db.session.expire_all()
        assert db.session.get(ServiceReport, old.id).message is not None

        result = runner.invoke(args=["retention", "run"])
        assert result.exit_code == 0, result.output
        assert "Blanked 1 messages in public reports" in result.output
        db.session.expire_all()
        kept = {r.id: r for r in db.session.scalars(select(ServiceReport))}
        assert set(kept) == {old.id, edge.id, new.id, empty.id}  # reports themselves stay
        assert kept[old.id].message is None and kept[old.id].kind == "stopped"
        assert kept[edge.id].message == "The price went up"
        assert kept[new.id].message == "Now on Tuesdays"

        event = db.session.scalars(select(AuditEvent)
                                   .where(AuditEvent.action == "retention.run")).one()
        assert event.after["report_messages"] == 1
        assert "07700" not in (event.note or "") + str(event.after)

        again = runner.invoke(args=["retention", "run"])
        assert "Blanked 0 messages in public reports" in again.output


def test_privacy_page_gives_the_report_message_period(client, app):
    app.config["RETENTION_REPORT_MESSAGES_DAYS"] = 180
    html = client.get("/privacy").get_data(as_text=True)
    assert "out of date" in html and "(180 days)" in html
