"""Free text with a safeguarding indicator reaches the safeguarding lead's queue, and only theirs."""

from __future__ import annotations

import re

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
    page = client.get(f"/safeguarding/{flag.ref}").get_data(as_text=True)
    assert "Sometimes I hurt myself." in page
    assert "Bromyard and Winslow" in page
    # Opening it is audited.
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view")).first()


def test_a_flag_keeps_only_the_date_and_is_known_by_a_random_reference(client, db, auth):
    """Issue 12: the flag kept a time to the microsecond, and its number in the
    queue's links counted submissions in order."""
    import datetime as dt

    from sqlalchemy import text

    make_geography(db)
    for words in ("I hurt myself", "my dad hits me"):
        assert _submit(client, words).status_code == 200
    flags = db.session.scalars(select(SafeguardingFlag).order_by(SafeguardingFlag.id)).all()
    stored = db.session.execute(text("SELECT created_on FROM safeguarding_flag")).scalars().all()
    for flag, raw in zip(flags, stored, strict=True):
        assert type(flag.created_on) is dt.date
        assert ":" not in str(raw)  # no time of day in the database either
        assert len(flag.ref) == 32 and str(flag.id) != flag.ref
    assert flags[0].ref != flags[1].ref
    auth.login_as("safeguarding")
    queue = client.get("/safeguarding").get_data(as_text=True)
    links = re.findall(r'href="/safeguarding/([^"?]+)"', queue)
    assert sorted(links) == sorted(f.ref for f in flags)
    assert client.get(f"/safeguarding/{flags[0].id}").status_code == 404


def test_review_records_status_and_notes_and_is_audited(client, db, auth):
    make_geography(db)
    _submit(client, "my dad hits me")
    flag = db.session.scalars(select(SafeguardingFlag)).one()
    user = auth.login_as("safeguarding")
    resp = client.post(f"/safeguarding/{flag.ref}", data={"status": "action_taken", "note": ""})
    assert resp.status_code == 400
    assert "Say what action was taken" in resp.get_data(as_text=True)
    resp = client.post(f"/safeguarding/{flag.ref}",
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
    assert client.get(f"/safeguarding/{flag.ref}").status_code == 403
    results = client.get("/results/youth-voice").get_data(as_text=True)
    assert "hurt myself" not in results
