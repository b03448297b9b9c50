"""The audit trail pages through every event (Flask-SQLAlchemy pagination),
newest first, and offers "Older" only when there are older events."""

from app.audit import record
from app.models import AuditEvent


def test_audit_trail_pages_without_an_empty_last_page(client, auth, db):
    auth.login_as("admin")
    for i in range(50 - db.session.query(AuditEvent).count()):
        record(db.session, user="test", action=f"step-{i:02d}", object_type="Test")
    db.session.commit()
    assert db.session.query(AuditEvent).count() == 50
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "Older" not in first  # exactly one full page: no link to an empty one
    record(db.session, user="test", action="step-last", object_type="Test")
    db.session.commit()
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "step-last" in first and "Older" in first and "Newer" not in first
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert second.count("<tr><td>") == 1  # the 51st event, the oldest
    assert "Newer" in second and "Older" not in second
    past = client.get("/admin/audit?page=9")
    assert past.status_code == 200 and "Nothing has been changed yet." in past.get_data(as_text=True)
