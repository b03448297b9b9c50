"""Abuse limits: a school behind one address gets through, a flood does not.

The limiter is applied by endpoint name.  Until (and besides) the real survey
view, a small test-only view stands in: it accepts a post with a submission
token and a non-empty answer (200) and refuses anything else (400), like the
survey does.
"""

from __future__ import annotations

import os
import uuid

import pytest
from flask import request
from werkzeug.datastructures import MultiDict

from app.ratelimit import get_limiter

from ..conftest import TEST_PASSWORD, make_user

SCHOOL = "203.0.113.7"
OTHER = "198.51.100.20"


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.fixture
def stored(app):
    """A stand-in survey view under the survey's limits; returns the stored tokens."""
    kept: list[str] = []

    def submit():
        token = request.form.get("submission_token")
        if not token or not request.form.get("answer"):
            return "There is a problem", 400
        if token not in kept:
            kept.append(token)
        return "Thank you"

    submit.access_roles = "public"
    app.add_url_rule("/trust-test/submit", "trust_test.submit", submit, methods=["POST"])
    get_limiter(app).add_endpoint("survey", "trust_test.submit")
    return kept


def post(client, addr, token=None, answer="more clubs"):
    data = {"answer": answer}
    if token is not None:
        data["submission_token"] = token
    return client.post("/trust-test/submit", data=data, environ_base={"REMOTE_ADDR": addr})


def new_token():
    return uuid.uuid4().hex


def test_a_class_of_30_in_one_minute_from_one_address_all_get_through(client, stored, clock):
    for _ in range(30):
        token = new_token()
        assert post(client, SCHOOL, token).status_code == 200
        # A third of them double-tap Send: harmless.
        if len(stored) % 3 == 0:
            assert post(client, SCHOOL, token).status_code == 200
        clock.advance(1.5)
    assert len(stored) == 30


def test_a_school_of_1000_in_a_morning_gets_through(client, stored, clock):
    """34 classes of 30 between 9:00 and 12:00, two classes sometimes in the same
    minute, one pupil in ten forgetting an answer first."""
    sent = 0
    refused = 0
    for _lesson in range(17):
        for _class in range(2):  # two classes at once
            for pupil in range(30):
                token = new_token()
                if pupil % 10 == 0:
                    assert post(client, SCHOOL, token, answer="").status_code == 400
                resp = post(client, SCHOOL, token)
                refused += resp.status_code == 429
                sent += 1
                clock.advance(0.5)
        clock.advance(10 * 60)  # the next lesson
    assert refused == 0
    assert sent == len(stored) == 1020


def test_a_flood_of_junk_without_tokens_is_refused(client, stored, clock):
    statuses = [post(client, SCHOOL, None).status_code for _ in range(300)]
    assert statuses.count(429) >= 280
    # ...but pupils with real forms at the same school still get through.
    for _ in range(30):
        assert post(client, SCHOOL, new_token()).status_code == 200


def test_a_flood_of_junk_with_made_up_tokens_is_refused(client, stored, clock):
    statuses = [post(client, SCHOOL, new_token(), answer="").status_code for _ in range(500)]
    assert statuses.count(400) <= 60
    assert statuses.count(429) >= 440
    assert stored == []
    # Another address is not affected.
    assert post(client, OTHER, new_token()).status_code == 200
    # A minute later the school can send again.
    clock.advance(61)
    assert post(client, SCHOOL, new_token()).status_code == 200


def test_a_flood_of_real_looking_submissions_stops_at_the_address_limit(client, stored, clock):
    statuses = [post(client, SCHOOL, new_token()).status_code for _ in range(300)]
    assert statuses.count(200) == 120
    assert len(stored) == 120
    assert statuses.count(429) == 180


def test_hammering_one_token_is_refused(client, stored, clock):
    token = new_token()
    statuses = [post(client, SCHOOL, token).status_code for _ in range(30)]
    assert statuses[:10] == [200] * 10
    assert set(statuses[10:]) == {429}
    assert stored == [token]


def test_429_page_is_clear_and_kind_with_retry_after(client, stored, clock):
    for _ in range(10):
        post(client, SCHOOL, None)
    resp = post(client, SCHOOL, None)
    assert resp.status_code == 429
    assert 1 <= int(resp.headers["Retry-After"]) <= 61
    html = resp.get_data(as_text=True)
    assert "Too many tries" in html
    assert "wait about a minute" in html
    assert "0800 1111" in html  # Childline stays one tap away
    assert resp.headers["Cache-Control"] == "no-store"
    assert SCHOOL not in html


def test_get_is_never_limited(client, stored, clock):
    for _ in range(50):
        post(client, SCHOOL, None)
    assert client.get("/", environ_base={"REMOTE_ADDR": SCHOOL}).status_code == 200


# -- sign-in throttling --------------------------------------------------

def _login(client, email, password, addr=SCHOOL):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def _limit(app, rule_name, text):
    """Use a smaller limit than the default, so a test needs fewer argon2 checks."""
    rule = next(r for r in get_limiter(app).rules if r.name == rule_name)
    rule.text = text


def test_default_login_limits():
    from app.ratelimit import DEFAULTS

    assert DEFAULTS["RATELIMIT_LOGIN_FAILED_PER_ADDRESS"] == "10 per minute;40 per hour"
    assert DEFAULTS["RATELIMIT_LOGIN_FAILED_PER_ACCOUNT_CLIENT"].startswith("3 per minute;")
    assert DEFAULTS["RATELIMIT_LOGIN_FAILED_PER_ACCOUNT"] == "30 per hour;100 per day"


def test_failed_logins_limited_per_client(app, db, client, clock):
    _limit(app, "login-failed", "4 per minute")
    emails = [f"nobody{i}@example.org" for i in range(8)]
    statuses = [_login(client, e, "wrong password!").status_code for e in emails]
    assert statuses[:4] == [401] * 4
    assert set(statuses[4:]) == {429}
    # The limit is per client: staff elsewhere can still sign in.
    user = make_user(db, "councillor")
    assert _login(client, user.email, TEST_PASSWORD, addr=OTHER).status_code == 302


def test_failed_logins_limited_per_account_across_addresses(app, db, client, clock):
    _limit(app, "login-failed-account", "3 per hour")
    statuses = []
    for i in range(5):  # a different address each time: only the account links them
        statuses.append(_login(client, "target@example.org", "wrong password!",
                               addr=f"192.0.2.{i}").status_code)
        clock.advance(61)
    assert statuses[:3] == [401] * 3
    assert statuses[3:] == [429, 429]
    # Another account is not affected.
    assert _login(client, "other@example.org", "wrong password!", addr="192.0.2.99"
                  ).status_code == 401


def test_a_stranger_cannot_lock_a_named_account_out(app, db, client, clock):
    """Issue 12: five wrong passwords used to lock any named account for 15 minutes."""
    from app.models import AuditEvent

    user = make_user(db, "safeguarding")
    # The lead signs in once from her own browser: it becomes a known device.
    own = app.test_client()
    assert _login(own, user.email, TEST_PASSWORD, addr=OTHER).status_code == 302
    own.post("/logout")
    # A stranger tries 40 wrong passwords from 40 addresses (more than the ceiling).
    _limit(app, "login-failed-account", "20 per hour")
    statuses = [_login(client, user.email, "wrong password!", addr=f"192.0.2.{i}").status_code
                for i in range(40)]
    assert statuses[:20] == [401] * 20 and set(statuses[20:]) == {429}
    # Her own browser still gets straight in with the right password.
    assert _login(own, user.email, TEST_PASSWORD, addr=OTHER).status_code == 302
    # And she, with the admin, is told on the dashboard.
    events = db.session.query(AuditEvent).filter_by(action="login_failures").all()
    assert len(events) == 2 and "20 failed sign-ins" in events[-1].note
    page = own.get("/dashboard").get_data(as_text=True)
    assert "Repeated failed sign-ins" in page and "failed sign-ins to" in page


def test_failures_from_one_client_on_one_account_wait_longer_and_longer(app, db, client, clock):
    _limit(app, "login-failed-account-client", "3 per minute;6 per 15 minutes;10 per hour")
    user = make_user(db, "councillor")
    waits, tries = [], 0
    while len(waits) < 4 and tries < 40:
        tries += 1
        resp = _login(client, user.email, "wrong password!")
        if resp.status_code == 429:
            waits.append(int(resp.headers["Retry-After"]))
            clock.advance(waits[-1] + 1)
    # The waits grow: a minute, then most of a quarter hour, then most of an hour
    # (the minute window can still run out first in between).
    assert len(waits) == 4 and waits[0] <= 61 < waits[1] <= 901 < max(waits[2:]) <= 3601, waits
    # Meanwhile the right password from another client works at once.
    assert _login(app.test_client(), user.email, TEST_PASSWORD, addr=OTHER).status_code == 302


def test_no_client_address_is_kept_in_the_limiter(app, client, stored, clock):
    for _ in range(5):
        post(client, SCHOOL, new_token())
    import re

    storage = get_limiter(app).storage
    dump = repr(getattr(storage, "storage", {})) + repr(getattr(storage, "expirations", {}))
    assert "203.0.113" not in dump
    assert re.search(r"yvm/a:[0-9a-f]{32}/survey", dump)  # only as a keyed hash


def test_limits_can_be_switched_off(app, client, stored):
    get_limiter(app).enabled = False
    assert all(post(client, SCHOOL, None).status_code == 400 for _ in range(50))


# -- several app servers share one count in Redis ------------------------

# A database of its own (YVM_TEST_REDIS_URL picks another); keys are per test.
REDIS = os.environ.get("YVM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip():
    import redis

    conn = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
    return conn


def test_two_app_servers_share_limits_through_redis(database_url):
    from app import create_app

    from ..conftest import TEST_CONFIG

    conn = _redis_or_skip()
    prefix = "yvmtest" + uuid.uuid4().hex[:8]
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
              "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS,
              "RATELIMIT_KEY_PREFIX": prefix}
    one, two = create_app(config), create_app(config)
    try:
        for app in (one, two):
            @app.route("/trust-test/submit", methods=["POST"], endpoint="trust_test.submit")
            def submit():
                return ("ok", 200) if request.form.get("submission_token") else ("no", 400)

            submit.access_roles = "public"
            get_limiter(app).add_endpoint("survey", "trust_test.submit")
        c1, c2 = one.test_client(), two.test_client()
        # Junk without tokens, alternating between the two servers.
        statuses = [post(c1 if i % 2 else c2, SCHOOL, None).status_code for i in range(20)]
        assert statuses[:10] == [400] * 10
        assert set(statuses[10:]) == {429}
        keys = [k.decode() for k in conn.scan_iter(f"*{prefix}*")]
        assert keys and not any("203.0.113" in k for k in keys)
        assert all(0 < conn.ttl(k) <= 2 * 86400 for k in keys)  # short-lived counters
    finally:
        for k in conn.scan_iter(f"*{prefix}*"):
            conn.delete(k)
        for app in (one, two):
            with app.app_context():
                from app.extensions import db

                db.engine.dispose()


def test_redis_down_fails_open_and_says_so(database_url, caplog):
    from app import create_app

    from ..conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})

    @app.route("/trust-test/submit", methods=["POST"], endpoint="trust_test.submit")
    def submit():
        return "Thank you"

    submit.access_roles = "public"
    get_limiter(app).add_endpoint("survey", "trust_test.submit")
    resp = post(app.test_client(), SCHOOL, new_token())
    assert resp.status_code == 200  # a pupil is never turned away because Redis is down
    assert "Failed to rate limit" in caplog.text
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()


def test_default_store_is_shared_by_every_worker_on_the_machine(database_url, tmp_path):
    """Issue 12: with memory:// each gunicorn worker counted apart.  With no Redis
    configured, two app processes' limiters share one count in a SQLite file."""
    import subprocess
    import sys

    from app.ratelimit import storage_uri

    path = tmp_path / "rl.sqlite"
    assert storage_uri({"RATELIMIT_SQLITE_PATH": str(path)}).startswith("sqlite:///")
    assert storage_uri({"REDIS_URL": REDIS}) == REDIS
    code = (
        "import sys; from limits import parse; from limits.storage import storage_from_string;"
        "from limits.strategies import FixedWindowRateLimiter; import app.ratelimit_store;"
        f"s = storage_from_string('sqlite:///{path}'); r = FixedWindowRateLimiter(s);"
        "print(sum(r.hit(parse('15 per hour'), 'k') for _ in range(10)))")
    procs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True) for _ in range(2)]
    allowed = [int(p.stdout.strip()) for p in procs]
    assert allowed == [10, 5]  # the second process saw the first one's ten hits


# -- the real survey endpoint --------------------------------------------

def _real_survey_form(client, addr):
    import sys

    from ..conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from load_harness import parse_form

    page = client.get("/survey/youth-voice", environ_base={"REMOTE_ADDR": addr})
    if page.status_code != 200:
        pytest.skip("the survey endpoint is not there")
    form = parse_form(page.get_data(as_text=True))
    form.set("age_band", "13-15")
    return form


def test_real_survey_a_class_gets_through_and_forged_tokens_are_stopped(app, db, client, clock):
    from sqlalchemy import func, select

    from app.models import Response

    for _ in range(30):
        form = _real_survey_form(client, SCHOOL)
        resp = client.post("/survey/youth-voice", data=MultiDict(form.fields),
                           environ_base={"REMOTE_ADDR": SCHOOL})
        assert resp.status_code == 200, resp.status_code
        clock.advance(1)
    assert db.session.scalar(select(func.count(Response.id))) == 30

    form = _real_survey_form(client, SCHOOL)
    statuses = []
    for i in range(150):
        forged = [(n, f"forged{i}" if n == "submission_token" else v) for n, v in form.fields]
        statuses.append(client.post("/survey/youth-voice", data=MultiDict(forged),
                                    environ_base={"REMOTE_ADDR": SCHOOL}).status_code)
    assert statuses.count(400) == 60 and statuses.count(429) == 90
    assert db.session.scalar(select(func.count(Response.id))) == 30


@pytest.mark.parametrize("hops, separate", [(0, False), (1, True)])
def test_behind_a_proxy_the_real_client_is_limited(database_url, hops, separate):
    """With TRUSTED_PROXY_COUNT=1 two phones behind the proxy are counted apart;
    without it, forwarded headers are ignored (nobody can spoof their way out)."""
    from app import create_app

    from ..conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "RATELIMIT_ENABLED": True, "TRUSTED_PROXY_COUNT": hops})

    @app.route("/trust-test/submit", methods=["POST"], endpoint="trust_test.submit")
    def submit():
        return "no", 400

    submit.access_roles = "public"
    get_limiter(app).add_endpoint("survey", "trust_test.submit")
    client = app.test_client()

    def send(phone):
        return client.post("/trust-test/submit", data={"answer": "x"},
                           headers={"X-Forwarded-For": phone},
                           environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code

    for _ in range(10):
        assert send("203.0.113.1") == 400
    assert send("203.0.113.1") == 429
    assert (send("203.0.113.2") == 400) is separate
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
