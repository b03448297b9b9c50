"""Logs keep no client address; gunicorn serves the app; workers killed with
SIGKILL lose no acknowledged survey submission (a short run of
bench/fault_survey.py; the full 2,000-submission run is the bench script)."""

from __future__ import annotations

import logging
import runpy
import sys

import pytest

from ..conftest import ROOT, is_postgres

sys.path.insert(0, str(ROOT / "bench"))


def test_gunicorn_access_log_format_has_no_address_agent_referrer_or_query():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    fmt = conf["access_log_format"]
    for forbidden in ("%(h)s", "%(a)s", "%(f)s", "%(r)s", "%(q)s", "%(U)s?", "{x-forwarded-for}"):
        assert forbidden not in fmt
    assert "%(s)s" in fmt and "%(U)s" in fmt
    assert conf["preload_app"] is True


def test_gunicorn_workers_are_forked_with_the_unknown_address_hash_made():
    """A preloaded app's master makes ``dummy_hash`` before it forks a worker, so no
    worker's first sign-in to an unknown address pays for a second argon2 hash."""
    import gc

    from app.auth import passwords

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    passwords.dummy_hash.cache_clear()
    try:
        conf["pre_fork"](server=None, worker=None)
        assert passwords.dummy_hash.cache_info().currsize == 1
        assert passwords.verify_password(passwords.dummy_hash(), "not-a-real-password-xyzzy")
    finally:
        gc.unfreeze()


def test_access_log_names_the_route_not_the_campaign_code():
    """Issue 12: the access log kept the campaign code (one school) beside a time."""
    from app.accesslog import UNMATCHED, route_template
    from app.factory import create_app

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["logger_class"] == "app.accesslog.RouteOnlyLogger"
    url_map = create_app({"TESTING": True}).url_map
    assert route_template(url_map, "/survey/youth-voice/c/7KQ2XY", "POST") == \
        "/survey/<slug>/c/<code>"
    assert route_template(url_map, "/planning/scenarios/12") == "/planning/scenarios/<scenario_id>"
    assert route_template(url_map, "/no/such/HR1-2AB") == UNMATCHED


def test_dev_server_log_filter_strips_the_address():
    from app.factory import _StripClientAddress

    # As werkzeug's WSGIRequestHandler.log() builds it: the address is already in msg.
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '203.0.113.9 - - [25/Nov/2026 10:00:00] "%s" %s %s\n',
                               ("GET /?postcode=HR1 HTTP/1.1", "200", "-"), None)
    _StripClientAddress().filter(record)
    assert "203.0.113.9" not in record.getMessage()
    assert '"GET /?postcode=HR1 HTTP/1.1" 200' in record.getMessage()


@pytest.mark.slow
def test_sigkilled_workers_lose_no_acknowledged_submission_and_log_no_ip(tmp_path):
    """gunicorn (3 workers) serving the real survey; 400 submissions from 12 clients,
    retrying with their own token; a worker is SIGKILLed as soon as every 40th
    submission is acknowledged, so ten kills land while other submissions are in
    flight, on a quiet machine or a busy one (no timer decides how many)."""
    import fault_survey

    log = tmp_path / "access.log"
    args = fault_survey.parser().parse_args([
        "--db", "postgresql" if is_postgres() else "sqlite", "--submissions", "400",
        "--concurrency", "12", "--workers", "3", "--kill-after", "40",
        "--accesslog", str(log)])
    result = fault_survey.run(args)
    # What a young person would notice: their answers were taken (the thank-you page
    # came back, after retries if need be), none refused, every acknowledged one is
    # stored, and none is stored twice.
    assert result["refused"] == 0, result["refusals"]
    assert result["acknowledged"] == 400, result
    assert result["lost"] == 0 and result["duplicated"] == 0, result
    assert result["stored"] == 400, result
    # The faults happened: one kill per 40 acknowledgements.
    assert result["kills"] == 400 // 40, result

    # The access log saw every request, and none of what identifies a person.
    text = log.read_text()
    assert '"POST /survey/<slug> HTTP/1.1" 200' in text
    assert "GET /survey/<slug> HTTP" in text
    for secret in ("127.0.0.1", "198.51.100.77", "HR1", "postcode", "SecretPhone"):
        assert secret not in text, f"{secret} reached the access log"
