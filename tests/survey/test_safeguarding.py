"""Free text with a safeguarding indicator reaches the safeguarding lead's queue, and only theirs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import AuditEvent, SafeguardingFlag
from app.survey.safeguarding import compile_indicators, load_indicators, match
from tests.survey.helpers import forget_visitor, good_answers, make_geography, token_from

URL = "/survey/youth-voice"


def test_indicator_matching_is_whole_word_and_ignores_case_and_punctuation():
    ind = load_indicators()
    assert match("Sometimes I HURT MYSELF.", ind) == ["self_harm"]
    assert match("my step-dad hits me when he's drunk", ind) == ["abuse"]
    assert match("I'm scared to go home", ind) == ["unsafe_at_home"]
    assert match("self-harming is common at my school", ind) == ["self_harm"]
    assert match("football hits the spot; skatepark please", ind) == []
    assert match("", ind) == [] and match(None, ind) == []


def test_a_broken_indicator_list_is_refused():
    from app.survey.safeguarding import IndicatorError

    with pytest.raises(IndicatorError, match="category 'abuse' needs a list"):
        compile_indicators({"abuse": "hits me"})


def _submit(client, text):
    html = client.get(URL).get_data(as_text=True)
    resp = client.post(URL, data=good_answers(token_from(html), anything_else=text))
    forget_visitor()
    return resp


def test_indicator_phrase_appears_in_the_safeguarding_queue(client, db, auth):
    make_geography(db)
    assert _submit(client, "I want more clubs. Sometimes I hurt myself.").status_code == 200
    assert _submit(client, "More football please").status_code == 200
    flag = db.session.scalars(select(SafeguardingFlag)).one()
    assert flag.matched == ["self_harm"] and flag.status == "open"
    assert flag.response.flagged

    auth.login_as("safeguarding")
    queue = client.get("/safeguarding").get_data(as_text=True)
    assert "self harm" in queue
    assert "More football" not in queue  # the queue itself shows no free text
    page = client.get(f"/safeguarding/{flag.id}").get_data(as_text=True)
    assert "Sometimes I hurt myself." in page
    assert "Bromyard and Winslow" in page
    # Opening it is audited.
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view")).first()


def test_review_records_status_and_notes_and_is_audited(client, db, auth):
    make_geography(db)
    _submit(client, "my dad hits me")
    flag = db.session.scalars(select(SafeguardingFlag)).one()
    user = auth.login_as("safeguarding")
    resp = client.post(f"/safeguarding/{flag.id}", data={"status": "action_taken", "note": ""})
    assert resp.status_code == 400
    assert "Say what action was taken" in resp.get_data(as_text=True)
    resp = client.post(f"/safeguarding/{flag.id}",
                       data={"status": "action_taken", "note": "Referred to MASH via school DSL"})
    assert resp.status_code == 302
    db.session.expire_all()
    flag = db.session.get(SafeguardingFlag, flag.id)
    assert flag.status == "action_taken" and flag.reviewed_by == user.id
    assert "Referred to MASH" in flag.notes
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review")).one()
    assert event.before["status"] == "open" and event.after["status"] == "action_taken"
    assert "notes" not in event.after and "MASH" not in str(event.after)
    assert "Action taken (1)" in client.get("/safeguarding").get_data(as_text=True)


@pytest.mark.parametrize("role", ["councillor", "commissioner"])
def test_free_text_is_not_shown_to_other_staff(client, db, auth, role):
    make_geography(db)
    _submit(client, "I hurt myself")
    flag = db.session.scalars(select(SafeguardingFlag)).one()
    auth.login_as(role)
    assert client.get("/safeguarding").status_code == 403
    assert client.get(f"/safeguarding/{flag.id}").status_code == 403
    results = client.get("/results/youth-voice").get_data(as_text=True)
    assert "hurt myself" not in results
