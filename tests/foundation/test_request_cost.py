"""What every request pays (issue 28): work a request need not repeat is done once.

* The data version is read once per request, session and council
  (``app/dataversion.py``, scoped by ``app/cache.py``), not by every cached result a
  page shows (seven times, fourteen statements, on a gap page), and read afresh after
  the session writes, when its transaction ends and in the next request.
* A request under none of the rate-limit rules (every page, every GET) resolves no
  limit (``app/ratelimit.py``).
* WTForms' own catalogue is read once per process and language, not once per request
  that makes a form; the Jinja catalogue once per request (``app/i18n.py``).

Counted, never timed (bench/bench_request_cost.py prints the times).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, event, text

from ..gaps.seed import seed

VERSION_QUERY = re.compile(r"FROM data_version\b")
TOKEN_QUERY = re.compile(r"SELECT published_snapshot\.token\b")


@pytest.fixture
def statements(db):
    """Every statement sent to the database from now on."""
    sent: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield sent
    event.remove(db.engine, "before_cursor_execute", note)


def _versions_read(sent: list[str]) -> tuple[int, int]:
    return (sum(bool(VERSION_QUERY.search(s)) for s in sent),
            sum(bool(TOKEN_QUERY.search(s)) for s in sent))


def test_a_gap_page_reads_the_data_version_once(app, db, auth, statements):
    seed(db.session)
    db.session.commit()
    auth.login_as("commissioner")
    for url in ("/gaps", "/map", "/evidence", "/api/v1/gaps", "/gaps?threshold=1e309"):
        for _ in range(2):  # the second time from the cache: still one reading
            statements.clear()
            resp = auth.client.get(url)
            assert resp.status_code in (200, 400), url
            assert _versions_read(statements) == (1, 1), (url, _versions_read(statements))


def test_the_next_request_reads_the_version_again(app, db, auth, statements):
    """Another process's change (here another connection's) is seen by the next
    request: nothing is kept from one request to the next."""
    from app.dataversion import current

    seed(db.session)
    db.session.commit()
    auth.login_as("commissioner")
    assert auth.client.get("/api/v1/gaps").status_code == 200
    before = current(db.session)
    db.session.commit()
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.begin() as conn:
        conn.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))
    other.dispose()
    statements.clear()
    assert auth.client.get("/api/v1/gaps").status_code == 200
    assert _versions_read(statements) == (1, 1)
    assert current(db.session)[0] == before[0] + 1


def test_the_version_read_in_a_request_follows_the_requests_own_writes(app, db):
    """Within a request's scope a flush, a bulk bump, a commit and another council each
    read the version again."""
    from app.dataversion import bump_for_bulk, current, end_scope, read_once_within
    from app.models import Service
    from app.models.tenancy import Council, use_council

    seed(db.session)
    other = Council(code="E06000099", name="Other Council", settings={})
    db.session.add(other)
    db.session.commit()
    token = read_once_within(object())
    try:
        first = current(db.session)
        assert first[0] > 0
        with use_council(other.id):  # its own version (none yet), not the one kept
            assert current(db.session)[0] == 0
        assert current(db.session) == first
        assert current(db.session) == first
        service = db.session.query(Service).first()
        service.name = "Renamed"
        db.session.flush()  # the flush bumps the version
        second = current(db.session)
        assert second[0] == first[0] + 1
        bump_for_bulk(db.session)
        third = current(db.session)
        assert third[0] == second[0] + 1
        db.session.commit()
        assert current(db.session) == third
    finally:
        end_scope(token)
        db.session.rollback()


def test_outside_a_request_the_version_is_read_every_time(app, db, statements):
    from app.dataversion import current

    seed(db.session)
    db.session.commit()
    statements.clear()
    current(db.session)
    current(db.session)
    assert _versions_read(statements) == (2, 2)


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True}


def test_a_request_under_no_rate_limit_rule_resolves_no_limit(app, client, monkeypatch):
    from flask_limiter._manager import LimitManager

    resolved = []
    original = LimitManager.resolve_limits

    def counting(self, *args, **kwargs):
        resolved.append(args[1] if len(args) > 1 else None)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LimitManager, "resolve_limits", counting)
    for url in ("/", "/login", "/directory", "/survey"):
        client.get(url)
    assert resolved == []
    client.post("/login", data={"email": "nobody@example.org", "password": "wrong"})
    assert resolved == ["auth.login"]  # a rule's endpoint and method: its limits apply


def test_wtforms_messages_are_read_once_per_language(app, client, monkeypatch):
    from babel.support import Translations
    from flask_wtf.i18n import translations

    from app.i18n import wtforms_catalogue

    wtforms_catalogue.cache_clear()
    loads = []
    original = Translations.load.__func__

    def counting(cls, dirname=None, locales=None, domain=None):
        if domain == "wtforms":
            loads.append([str(x) for x in locales])
        return original(cls, dirname, locales, domain)

    monkeypatch.setattr(Translations, "load", classmethod(counting))
    for _ in range(3):
        for lang in ("pl", "en"):
            assert client.get(f"/login?lang={lang}").status_code == 200
            client.post(f"/login?lang={lang}", data={"email": "not an address"})
    with app.test_request_context("/?lang=pl"):
        app.preprocess_request()
        assert translations.gettext("This field is required.") == "To pole jest wymagane."
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert translations.gettext("This field is required.") == "This field is required."
    assert sorted(map(tuple, loads)) == [("en",), ("pl",)]


def test_each_request_is_answered_in_its_own_language(app, client):
    """The catalogue kept for one request is never the next one's."""
    polish = client.get("/?lang=pl").get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    romanian = client.get("/?lang=ro").get_data(as_text=True)
    assert 'lang="pl"' in polish and 'lang="en-GB"' in english and 'lang="ro"' in romanian
    assert len({_skip_link(polish), _skip_link(english), _skip_link(romanian)}) == 3


def _skip_link(page: str) -> str:
    return re.search(r'class="skip-link">([^<]+)<', page).group(1)
