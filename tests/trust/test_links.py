"""Links from configuration (issue 30): a check-in link, an invitation, a campaign's
QR code and a PDF made for a request with ``Host: evil.example`` (and
``X-Forwarded-Host``) all point at ``PUBLIC_BASE_URL``; in production an
untrusted ``Host`` gets 400; no code builds a link from the request's host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.config import ConfigError, load_config
from app.models import Campaign, Organisation, OrganisationContact
from app.partners.invites import qr_svg
from app.survey.campaigns import qr
from tests.conftest import ROOT
from tests.hosts import Curl

BASE = "https://youthvoice.example.gov.uk"


@pytest.fixture
def app_config():
    # Behind one proxy, as in production: ProxyFix is on, X-Forwarded-* are read.
    return {"PUBLIC_BASE_URL": BASE + "/", "TRUSTED_PROXY_COUNT": 1}


def _organisation(db) -> Organisation:
    org = Organisation(name="Kestrel Police Cadets", kind="police")
    db.session.add(org)
    db.session.add(OrganisationContact(organisation=org, name="Sam Okafor",
                                       email="sam@police.example"))
    db.session.commit()
    return org


def _link(page: str, path: str) -> str:
    return re.search(rf'value="([^"]*{path}[^"]+)"', page)[1]


def test_check_in_and_invitation_links_and_their_qr_codes_use_the_base_url(
        app, client, auth, db):
    org = _organisation(db)
    auth.login_as("commissioner")
    evil = Curl(app, client)
    page = evil.post(f"/partners/organisations/{org.id}/check-in-link",
                     "evil.example").get_data(as_text=True)
    link = _link(page, "/partners/check-in/")
    assert link.startswith(BASE + "/partners/check-in/") and "evil" not in page
    assert qr_svg(link, "QR code of the check-in link") in page  # the QR code is this link

    contact = db.session.query(OrganisationContact).one()
    page = evil.post(f"/partners/contacts/{contact.id}/invite",
                     "evil.example").get_data(as_text=True)
    link = _link(page, "/partners/invite/")
    assert link.startswith(BASE + "/partners/invite/") and "evil" not in page
    assert qr_svg(link, "QR code of the invitation link") in page
    # The link works where it points (the test client plays that host).
    token_path = link[len(BASE):]
    auth.logout()
    assert client.get(token_path, base_url=BASE).status_code == 200


def test_a_campaign_link_and_qr_code_use_the_base_url(app, client, auth, db):
    client.get("/survey/youth-voice")  # loads the survey definitions
    from tests.survey.helpers import forget_visitor

    forget_visitor()
    auth.login_as("commissioner")
    evil = Curl(app, client)
    made = evil.post("/results/youth-voice/campaigns", "evil.example",
                     data={"action": "add", "name": "Ledbury skate jam", "kind": "event"})
    assert made.status_code == 302 and "evil" not in made.headers["Location"]
    code = db.session.query(Campaign).one().code
    page = evil.get("/results/youth-voice/campaigns", "evil.example").get_data(as_text=True)
    expected = f"{BASE}/survey/youth-voice/c/{code}"
    assert expected in page and "evil" not in page
    for fmt in ("png", "svg"):
        image = evil.get(f"/results/youth-voice/campaigns/{code}/qr.{fmt}", "evil.example")
        assert image.status_code == 200
        assert image.data == qr(expected, fmt)[0]
        assert image.data != qr(f"http://evil.example/survey/youth-voice/c/{code}", fmt)[0]


def test_a_pdf_is_laid_out_for_the_base_url_whatever_the_host(app, client, auth, db,
                                                             monkeypatch):
    pytest.importorskip("weasyprint")
    import app.gaps.pdf as pdf
    from tests.gaps.test_ward_report import NEAR, build
    from tests.polling import poll

    build(db.session)
    made = []
    real = pdf.render_pdf

    def recording(html, base_url):
        body, fetcher = real(html, base_url)
        made.append((base_url, html, fetcher))
        return body, fetcher

    monkeypatch.setattr(pdf, "render_pdf", recording)
    app.config["PUBLIC_BASE_URL"] = BASE + "/yvm"  # served under a path, as some councils do
    auth.login_as("councillor")
    answer = Curl(app, client).get(f"/ward/{NEAR}.pdf", "evil.example")
    assert answer.status_code in (200, 303)
    poll(lambda: made, what="the ward report PDF")
    base_url, html, fetcher = made[0]
    assert base_url == BASE + "/yvm/" and "evil" not in html
    # Its styles still come from the app's own static files, at the configured address.
    assert fetcher.served and all(u.startswith(BASE + "/yvm/static/") for u in fetcher.served)
    assert fetcher.refused == []
    app.extensions["yvm_jobs"].stop()


def _production(database_url: str, **settings):
    from app import create_app

    return create_app({"APP_ENV": "production", "SECRET_KEY": "x" * 32,
                       "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
                       "RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": "",
                       "PUBLIC_BASE_URL": BASE, **settings})


def test_production_answers_400_to_an_untrusted_host(app, database_url):
    prod = _production(database_url, TRUSTED_PROXY_COUNT=1)
    assert prod.config["TRUSTED_HOSTS"] == ["youthvoice.example.gov.uk"]
    client = prod.test_client()
    assert client.get("/healthz", base_url=BASE).status_code == 200
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/healthz", base_url="https://evil.example").status_code == 400
    assert client.get("/healthz", base_url="http://localhost").status_code == 400
    # X-Forwarded-Host is never taken as the host (the proxy is trusted for -For and
    # -Proto only), so naming another host there changes nothing.
    assert client.get("/healthz", base_url=BASE,
                      headers={"X-Forwarded-Host": "evil.example"}).status_code == 200
    # More names, and subdomains with a leading dot, when the setting lists them.
    wider = _production(database_url, TRUSTED_HOSTS="youthvoice.example.gov.uk, .council.example")
    client = wider.test_client()
    assert client.get("/healthz", base_url="https://maps.council.example").status_code == 200
    assert client.get("/healthz", base_url="https://council.example.evil").status_code == 400


def test_public_base_url_is_required_and_checked_in_production():
    env = {"APP_ENV": "production", "SECRET_KEY": "x" * 32}
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL is not set"):
        load_config(env=env)
    for bad in ("youthvoice.example.gov.uk", "ftp://youthvoice.example.gov.uk",
                "https://youthvoice.example.gov.uk/?next=evil", "https://"):
        with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be an http or https"):
            load_config(env={**env, "PUBLIC_BASE_URL": bad})
    cfg = load_config(env={**env, "PUBLIC_BASE_URL": "https://YouthVoice.example.gov.uk/yvm/"})
    assert cfg["PUBLIC_BASE_URL"] == "https://youthvoice.example.gov.uk/yvm"
    assert cfg["TRUSTED_HOSTS"] == ["youthvoice.example.gov.uk"]
    assert load_config(env={**env, "PUBLIC_BASE_URL": BASE, "TRUSTED_HOSTS": "*"})[
        "TRUSTED_HOSTS"] is None
    # Tests and development run without it, on any host.
    for mode, url in (("testing", "http://localhost"), ("development", "http://127.0.0.1:5000")):
        cfg = load_config(env={"APP_ENV": mode})
        assert cfg["PUBLIC_BASE_URL"] == url and cfg["TRUSTED_HOSTS"] is None


def test_no_code_builds_a_link_from_the_request_host():
    """Every absolute link goes through ``url_for(..., _external=True)`` (built on
    PUBLIC_BASE_URL by app/links.py): nothing reads the request's host for one."""
    pattern = re.compile(r"host_url|url_root|request\.host\b|request\.url\b|"
                         r"X-Forwarded-Host|HTTP_HOST|SERVER_NAME")
    found = []
    for folder, glob in ((ROOT / "app", "*.py"), (ROOT / "templates", "*.html")):
        for path in Path(folder).rglob(glob):
            if path == ROOT / "app" / "links.py":  # the one place, which says why
                continue
            if path == ROOT / "app" / "tenancy" / "web.py":  # finds the council by its
                continue  # host name (docs/TENANCY.md); it builds no link
            for n, line in enumerate(path.read_text().splitlines(), start=1):
                if pattern.search(line) and not line.lstrip().startswith("#"):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []
