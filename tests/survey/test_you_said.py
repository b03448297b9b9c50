""""You said, we did": a public page per wave with the wave's published headline
findings and the council's actions, written by an admin (issue 25)."""

from __future__ import annotations

from html import unescape

from app.models import AuditEvent, SurveyWave, WaveAction
from tests.survey.waves_county import NO_NOISE, build

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _wave(db, name="2026") -> SurveyWave:
    return db.session.query(SurveyWave).filter_by(name=name).one()


def _add(auth, wave_id, **fields):
    data = {"status": "doing", "said-en": "", "did-en": "", **fields}
    return auth.client.post(f"/admin/waves/{wave_id}/you-said-we-did", data=data)


def test_the_public_page_shows_the_published_headlines_and_the_actions(db, auth, client):
    build(db).publish(NO_NOISE)
    wave = _wave(db)
    auth.login_as("admin")
    resp = _add(auth, wave.id, **{"said-en": "You want a drop-in youth club",
                                  "did-en": "We opened one in Bosbury on Fridays",
                                  "status": "done"})
    assert resp.status_code == 302
    auth.logout()
    page = client.get("/results/youth-voice/2026/you-said-we-did")
    assert page.status_code == 200
    text = unescape(page.get_data(as_text=True))
    # 77 answered in 2026 (published 75); every one wished for a drop-in youth club and
    # named cost: the published shares are 75 of 75.
    assert "75 young people answered." in text
    assert "Most young people who answered (100%) said \u201cA drop-in youth club\u201d." \
        in text
    assert "You want a drop-in youth club" in text
    assert "We opened one in Bosbury on Fridays" in text
    assert "Done" in text
    assert "<script" not in page.get_data(as_text=True).split("</main>")[0].split("<main")[1]


def test_hostile_text_is_escaped(db, auth, client):
    build(db).publish(NO_NOISE)
    wave = _wave(db)
    auth.login_as("admin")
    assert _add(auth, wave.id, **{"said-en": HOSTILE, "did-en": HOSTILE}).status_code == 302
    auth.logout()
    html = client.get("/results/youth-voice/2026/you-said-we-did").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and '<script>alert("x")' not in html


def test_the_reader_sees_their_language_else_english(db, auth, client):
    build(db).publish(NO_NOISE)
    wave = _wave(db)
    auth.login_as("admin")
    _add(auth, wave.id, **{"said-en": "More buses", "did-en": "A late bus on Fridays",
                           "said-pl": "Więcej autobusów", "did-pl": ""})
    auth.logout()
    url = "/results/youth-voice/2026/you-said-we-did"
    polish = client.get(url, headers={"Accept-Language": "pl"}).get_data(as_text=True)
    english = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Więcej autobusów" in polish and "More buses" not in polish
    assert "A late bus on Fridays" in polish  # no Polish version: English
    assert "More buses" in english and "Więcej" not in english


def test_an_action_needs_both_sides_and_a_status(db, auth):
    build(db).commit()
    wave = _wave(db)
    auth.login_as("admin")
    resp = _add(auth, wave.id, **{"said-en": "x", "status": "maybe"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Enter what the council did or is doing, in English" in body
    assert "Choose done, doing now or planned" in body
    assert db.session.query(WaveAction).count() == 0


def test_actions_are_audited_and_can_be_removed(db, auth, client):
    build(db).commit()
    wave = _wave(db)
    auth.login_as("admin")
    _add(auth, wave.id, **{"said-en": "Somewhere to go", "did-en": "A youth café"})
    action = db.session.query(WaveAction).one()
    resp = auth.client.post(f"/admin/waves/{wave.id}/you-said-we-did",
                            data={"delete": str(action.id)})
    assert resp.status_code == 302
    assert db.session.query(WaveAction).count() == 0
    actions = [e.action for e in db.session.query(AuditEvent)
               .filter_by(object_type="WaveAction").order_by(AuditEvent.id)]
    assert actions == ["create", "delete"]
    auth.logout()
    html = client.get("/results/youth-voice/2026/you-said-we-did").get_data(as_text=True)
    assert "A youth café" not in html


def test_before_publication_no_findings_and_unknown_waves_are_404(db, client):
    build(db).commit()  # no snapshot yet
    html = client.get("/results/youth-voice/2026/you-said-we-did").get_data(as_text=True)
    assert "not published yet" in html
    assert client.get("/results/youth-voice/1999/you-said-we-did").status_code == 404


def test_the_public_site_links_to_every_wave(db, client):
    build(db).commit()
    assert "/you-said-we-did" in client.get("/").get_data(as_text=True)
    index = client.get("/you-said-we-did").get_data(as_text=True)
    assert "/results/youth-voice/2026/you-said-we-did" in index
    assert "/results/youth-voice/2025/you-said-we-did" in index
