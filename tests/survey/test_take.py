"""Taking the survey: stored once, completely, with the area code and never the postcode."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from sqlalchemy import event, func, select, text

from app.models import Answer, Campaign, Response, SafeguardingFlag
from tests.survey.helpers import good_answers, make_geography, token_from

URL = "/survey/youth-voice"


def _count(db, model=Response):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def geo(db):
    make_geography(db)


def _ticked(html: str, question_id: str) -> set[str]:
    """The option values ticked on the page for question ``question_id``."""
    ticked = set()
    for tag in re.findall(r"<input\b[^>]*>", html):
        if re.search(rf'\bname="{re.escape(question_id)}"', tag) and \
                re.search(r"\bchecked\b", tag):
            ticked.add(re.search(r'\bvalue="([^"]*)"', tag).group(1))
    return ticked


def _token(client, url=URL):
    resp = client.get(url)
    assert resp.status_code == 200
    return token_from(resp.get_data(as_text=True))


def test_start_sends_young_people_to_the_default_survey(client, geo):
    resp = client.get("/survey")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(URL)


def test_form_lists_parishes_and_signposts_childline(client, geo):
    html = client.get(URL).get_data(as_text=True)
    assert "Bromyard and Winslow" in html
    assert "I&#39;d rather not say" in html or "I'd rather not say" in html
    assert "0800 1111" in html
    # The free-text question itself signposts Childline and the council's front door.
    after_box = html.split('id="anything_else"', 1)[1][:1500]
    assert "0800 1111" in after_box and "front door" in after_box
    assert 'name="postcode"' in html


def test_a_complete_answer_is_stored_with_its_area_and_version(client, db, geo):
    resp = client.post(URL, data=good_answers(_token(client)))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    html = resp.get_data(as_text=True)
    assert "Thank you" in html and "0800 1111" in html and "front door" in html
    r = db.session.scalars(select(Response)).one()
    assert (r.survey_slug, r.survey_version) == ("youth-voice", 1)
    assert (r.area_level, r.area_code, r.age_band) == ("parish", "E04000002", "13-15")
    got = {(a.question_id, a.value) for a in r.answers}
    assert ("barriers", "cost") in got and ("barriers", "transport") in got
    assert ("anything_else", "More buses after 6pm please") in got
    assert not r.flagged


def test_postcode_becomes_an_area_and_is_thrown_away(client, db, geo, caplog):
    caplog.set_level(logging.DEBUG)
    resp = client.post(URL, data=good_answers(_token(client), area="", postcode="hr7 4bb"))
    assert resp.status_code == 200
    r = db.session.scalars(select(Response)).one()
    assert r.area_code == "E04000002"
    # The postcode is nowhere in the response or answer tables, nor in the logs.
    for table in ("response", "answer"):
        for row in db.session.execute(text(f"SELECT * FROM {table}")):
            assert not any("HR7" in str(v).upper() for v in row), row
    assert "HR7" not in caplog.text.upper()
    assert "4BB" not in resp.get_data(as_text=True).upper()


def test_unknown_postcode_is_explained_and_nothing_stored(client, db, geo):
    resp = client.post(URL, data=good_answers(_token(client), area="", postcode="HR9 9ZZ"))
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "We could not find that postcode" in html
    assert 'href="#postcode"' in html
    assert _count(db) == 0


def test_rather_not_say_stores_no_area(client, db, geo):
    assert client.post(URL, data=good_answers(_token(client), area="not_say")).status_code == 200
    r = db.session.scalars(select(Response)).one()
    assert r.area_code is None and r.area_level is None


def test_missing_answers_are_listed_and_kept_on_the_page(client, db, geo):
    data = good_answers(_token(client), age_band=None, barriers=None, area="")
    resp = client.post(URL, data=data)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "There is a problem" in html
    assert 'href="#age_band"' in html and 'href="#barriers"' in html and 'href="#area"' in html
    assert "Choose an answer to: How old are you?" in html
    # What they did answer is still ticked (read by question id and option value).
    assert {"drop_in", "music"} == _ticked(html, "wishes")  # not "sport": not picked there
    assert {"sport", "friends"} == _ticked(html, "now_do")
    assert "More buses after 6pm please" in html
    assert _count(db) == 0


def test_double_submit_stores_one_response(client, db, geo):
    data = good_answers(_token(client))
    first = client.post(URL, data=data)
    second = client.post(URL, data=data)
    assert first.status_code == second.status_code == 200
    assert "Thank you" in second.get_data(as_text=True)
    assert _count(db) == 1
    assert _count(db, Answer) == len([a for a in db.session.scalars(select(Answer))])


def test_a_token_racing_another_worker_stores_one_response(client, db, geo, app):
    """Another server commits the same token between our check and our insert."""
    data = good_answers(_token(client))
    from app.survey.store import token_key

    key = token_key(app.config["SECRET_KEY"], "youth-voice", data["submission_token"])
    fired = []

    def competitor(conn, cursor, statement, parameters, context, executemany):
        if fired or "insert into response" not in statement.lower():
            return
        fired.append(True)
        with db.engine.begin() as other:
            survey_id, council_id = other.execute(text("SELECT id, council_id FROM survey")).one()
            other.execute(text(
                "INSERT INTO response (council_id, survey_id, survey_slug, survey_version, "
                "token, submitted_on, flagged, record_key) "
                "VALUES (:c, :s, 'youth-voice', 1, :t, CURRENT_DATE, :f, 7)"),
                {"c": council_id, "s": survey_id, "t": key, "f": False})

    # Just before our INSERT reaches the database, another server stores the token.
    event.listen(db.engine, "before_cursor_execute", competitor)
    try:
        resp = client.post(URL, data=data)
    finally:
        event.remove(db.engine, "before_cursor_execute", competitor)
    assert fired
    assert resp.status_code == 200 and "Thank you" in resp.get_data(as_text=True)
    assert _count(db) == 1
    assert _count(db, Answer) == 0  # the competitor's response has no answers: ours rolled back


def test_forged_or_missing_token_stores_nothing(client, db, geo):
    _token(client)
    for bad in ("", "made-up", "eyJzIjoieW91dGgtdm9pY2UiLCJuIjoiMTIzIn0.bad"):
        resp = client.post(URL, data=good_answers(bad))
        assert resp.status_code == 400
        assert "press Send again" in resp.get_data(as_text=True)
    assert _count(db) == 0


def test_database_failure_shows_an_error_keeps_answers_and_stores_nothing(client, db, geo,
                                                                          caplog):
    from sqlalchemy.exc import OperationalError

    def fail(conn, cursor, statement, parameters, context, executemany):
        # The statement storing the answers fails (on SQLite the response row is
        # already inserted by then; on PostgreSQL both go in one statement).
        if "insert into answer" in statement.lower():
            raise OperationalError("INSERT", {}, Exception("server went away"))

    data = good_answers(_token(client))
    event.listen(db.engine, "before_cursor_execute", fail)
    try:
        resp = client.post(URL, data=data)
    finally:
        event.remove(db.engine, "before_cursor_execute", fail)
    assert resp.status_code == 503
    assert "could not be stored (OperationalError)" in caplog.text
    assert "More buses" not in caplog.text  # logs never carry answers
    html = resp.get_data(as_text=True)
    assert "Nothing was saved" in html and "More buses after 6pm please" in html
    assert _count(db) == 0 and _count(db, Answer) == 0
    # Sending again (same token) now works, once.
    assert client.post(URL, data=data).status_code == 200
    assert _count(db) == 1


def test_under_13s_free_text_is_not_kept(client, db, geo):
    resp = client.post(URL, data=good_answers(_token(client), age_band="11-12",
                                              anything_else="I hurt myself"))
    assert resp.status_code == 200
    r = db.session.scalars(select(Response)).one()
    assert all(a.question_id != "anything_else" for a in r.answers)
    # Not kept, but never dropped in silence (issue 25): screened, flagged without the
    # words, and the page says so (tests/survey/test_not_lost.py).
    flag = db.session.scalars(select(SafeguardingFlag)).one()
    assert flag.text_kept is False and flag.matched == ["self_harm"]
    assert "did not keep" in resp.get_data(as_text=True)


def test_free_text_that_is_too_long_is_refused(client, db, geo):
    resp = client.post(URL, data=good_answers(_token(client), anything_else="x" * 1001))
    assert resp.status_code == 400
    assert "1000 characters or fewer" in resp.get_data(as_text=True)
    assert _count(db) == 0


def test_campaign_link_records_where_the_answer_came_from(client, db, geo):
    camp = Campaign(survey_slug="youth-voice", code="abc2345", name="Kington High School",
                    kind="school", pupils=600)
    db.session.add(camp)
    db.session.commit()
    url = f"{URL}/c/abc2345"
    html = client.get(url).get_data(as_text=True)
    assert "Kington High School" in html
    assert client.post(url, data=good_answers(token_from(html))).status_code == 200
    assert db.session.scalars(select(Response)).one().campaign_id == camp.id
    assert client.get(f"{URL}/c/nope").status_code == 404


def test_unknown_survey_is_404(client, geo):
    _token(client)
    assert client.get("/survey/no-such-survey").status_code == 404


def test_closed_survey_says_so_kindly_and_stores_nothing(client, db, geo):
    from app.models import Survey

    _token(client)
    survey = db.session.scalars(select(Survey)).one()
    definition = dict(survey.definition)
    definition["closes_on"] = "2020-01-31"
    definition["opens_on"] = "2020-01-01"
    survey.definition = definition
    db.session.commit()
    resp = client.get(URL)
    assert "has closed" in resp.get_data(as_text=True)
    assert "Thank you to everyone" in resp.get_data(as_text=True)
    client.post(URL, data=good_answers("whatever"))
    assert _count(db) == 0


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_csrf_token_stores_nothing_and_keeps_answers(self, client, db, geo):
        resp = client.post(URL, data=good_answers(_token(client)))
        assert resp.status_code == 400
        html = resp.get_data(as_text=True)
        assert "nothing was sent" in html
        assert "More buses after 6pm please" in html
        assert _count(db) == 0

    def test_post_with_csrf_token_is_stored(self, client, db, geo):
        import re

        html = client.get(URL).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
            re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
        assert csrf, "no CSRF token on the form"
        data = good_answers(token_from(html), csrf_token=csrf.group(1))
        assert client.post(URL, data=data).status_code == 200
        assert _count(db) == 1


def test_the_same_form_sent_eight_times_at_once_stores_one_response(app, db, geo):
    """Eight simultaneous POSTs of one form to a threaded server: one response, no 500s."""
    import threading
    import urllib.error
    import urllib.parse
    import urllib.request

    from tests.browser_support import LiveServer

    server = LiveServer(app).start()
    try:
        with urllib.request.urlopen(server.url + URL) as page:
            token = token_from(page.read().decode())
        body = urllib.parse.urlencode(good_answers(token), doseq=True).encode()
        statuses = []
        barrier = threading.Barrier(8)

        def send():
            barrier.wait()
            try:
                # A bound for a hung server, not a speed check: a busy machine may be slow.
                with urllib.request.urlopen(server.url + URL, data=body, timeout=120) as resp:
                    statuses.append((resp.status, "Thank you" in resp.read().decode()))
            except urllib.error.HTTPError as exc:
                statuses.append((exc.code, False))

        threads = [threading.Thread(target=send) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.stop()
    assert len(statuses) == 8
    # Each reply is the thank-you page, or (SQLite busy) "nothing was saved, send again".
    assert all((code == 200 and thanked) or code == 503 for code, thanked in statuses), statuses
    assert any(code == 200 for code, _ in statuses)
    db.session.expire_all()
    assert _count(db) == 1
    answers = db.session.scalar(select(func.count()).select_from(Answer))
    assert answers == len(db.session.scalars(select(Response)).one().answers)


def test_postcode_hint_uses_a_postcode_from_the_councils_directory(client, db):
    from app.models import Postcode

    make_geography(db)
    db.session.add(Postcode(postcode="AB1 0AA", x=351000, y=250500, terminated=date(2020, 1, 1)))
    db.session.commit()
    html = client.get(URL).get_data(as_text=True)
    # The first live postcode, not a terminated one and not another council's.
    assert "For example HR1 1AA." in html
    assert "AB1 0AA" not in html


def test_the_one_statement_store_names_every_column():
    """The PostgreSQL statement that stores a response and its answers is written
    out by hand: a column added to either table must be added to it too."""
    from app.models import Answer, Response
    from app.survey.store import _PG_RESPONSE_WITH_ANSWERS

    sql = _PG_RESPONSE_WITH_ANSWERS.text
    for table in (Response.__table__, Answer.__table__):
        insert_list = sql.split(f"INSERT INTO {table.name} (", 1)[1].split(")", 1)[0]
        named = {c.strip() for c in insert_list.split(",")}
        assert named == {c.name for c in table.columns} - {"id"}, table.name
