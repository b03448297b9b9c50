"""The evidence pack as a PDF (/evidence.pdf): content, disclosure control, no network, roles."""

from __future__ import annotations

import io
import os
import re

import pytest

from tests.gaps.seed import seed
from tests.polling import fetch_pdf

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")


@pytest.fixture
def county(db):
    return seed(db.session)


def pdf_text(body: bytes) -> tuple[str, int]:
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text), len(reader.pages)


def test_evidence_pdf_holds_map_table_voice_risk_and_sources(client, auth, county, monkeypatch):
    import app.gaps.pdf as pdf

    fetchers = []
    real = pdf.StaticOnlyFetcher

    def recording(*args, **kwargs):
        fetchers.append(real(*args, **kwargs))
        return fetchers[-1]

    monkeypatch.setattr(pdf, "StaticOnlyFetcher", recording)
    auth.login_as("councillor")
    page = client.get("/evidence?level=lsoa").get_data(as_text=True)
    assert 'href="/evidence.pdf?' in page and "level=lsoa" in page
    response = fetch_pdf(client, "/evidence.pdf?level=lsoa")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    if os.environ.get("YVM_KEEP_PDF"):  # a folder to keep the PDF in, to look at it
        with open(os.path.join(os.environ["YVM_KEEP_PDF"], "evidence-test.pdf"), "wb") as fh:
            fh.write(response.data)
    text, pages = pdf_text(response.data)
    assert 1 <= pages <= 6
    assert "Youth provision: evidence pack" in text
    assert "Areas ranked by gap score" in text and "Testshire 006" in text
    assert "What young people told us" in text and "Nothing near" in text
    assert "Free drop-in" in text  # its funding ends within 6 months
    assert "Open Government Licence" in text
    assert "Page 1 of" in text  # the A4 running footer
    # The print layout: no site navigation, no "back to the map" links.
    assert "Back to the map" not in text and "Staff sign in" not in text
    # Only the app's own stylesheets were read; nothing else was even asked for.
    (fetcher,) = fetchers
    assert fetcher.refused == []
    assert {u.split("/static/")[1] for u in fetcher.served} >= {
        "css/app.css", "css/gaps.css", "css/evidence-pdf.css"}


def test_evidence_pdf_counts_match_the_disclosure_controlled_page(client, auth, county):
    auth.login_as("commissioner")
    html = client.get("/evidence?level=lsoa").get_data(as_text=True)
    text, _ = pdf_text(fetch_pdf(client, "/evidence.pdf?level=lsoa").data)
    m = re.search(r"<p>([^<]*) responses across (\d+) areas", html)
    assert m, "the page states the controlled response total"
    assert f"{m.group(1)} responses across {m.group(2)} areas" in text
    # Every barrier row of the page's voice table appears as-is in the PDF (the
    # same rounded or [c] figures; no raw count of people).
    voice = html.split("What young people told us")[1].split("</table>")[0]
    for label, count, share in re.findall(
            r'<th scope="row">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td>', voice):
        assert f"{label} {count} {share}" in text


def test_the_fetcher_refuses_anything_but_our_static_files(app):
    from app.gaps.pdf import StaticOnlyFetcher

    f = StaticOnlyFetcher("http://localhost/", app.static_folder, app.static_url_path)
    body, mime = f.open("http://localhost/static/css/gaps.css")
    assert body.startswith(b"/*") and mime == "text/css"
    for url in ("https://unpkg.com/leaflet.css", "http://localhost/evidence",
                "http://evil.example/static/css/gaps.css", "file:///etc/passwd",
                "http://localhost/static/../../../etc/passwd",
                "http://localhost/static/%2e%2e/%2e%2e/app/config.py",
                "http://localhost/static/css/missing.css"):
        with pytest.raises(ValueError):
            f.open(url)
    assert len(f.refused) == 7 and len(f.served) == 1


def test_external_references_in_the_html_are_not_fetched(app, monkeypatch):
    import socket
    import urllib.request

    from app.gaps.pdf import render_pdf

    tried = []

    def no_network(*args, **kwargs):  # records, then fails the fetch, if ever reached
        tried.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    html = ('<html><head><link rel="stylesheet" href="https://cdn.example/x.css"></head>'
            '<body><p>Hello</p><img src="https://tiles.example/1/2/3.png" alt="">'
            '<img src="/static/favicon.svg" alt=""></body></html>')
    with app.test_request_context():
        body, fetcher = render_pdf(html, "http://localhost/")
    assert body.startswith(b"%PDF") and tried == []
    assert sorted(fetcher.refused) == ["https://cdn.example/x.css",
                                       "https://tiles.example/1/2/3.png"]
    assert fetcher.served == ["http://localhost/static/favicon.svg"]


def test_evidence_pdf_needs_a_reader_role(client, auth, county):
    assert client.get("/evidence.pdf").status_code == 302
    auth.login_as("safeguarding")
    assert client.get("/evidence.pdf").status_code == 403


def test_bad_parameters_are_named(client, auth, county):
    auth.login_as("councillor")
    response = client.get("/evidence.pdf?threshold=999")
    assert response.status_code == 400 and "threshold" in response.get_data(as_text=True)


def test_without_weasyprint_the_pdf_answers_503_and_the_page_offers_print(
        client, auth, county, monkeypatch):
    import app.gaps.pdf as pdf

    monkeypatch.setattr(pdf, "_weasyprint", lambda: (None, "OSError: libpango not found"))
    auth.login_as("councillor")
    response = client.get("/evidence.pdf?level=lsoa")
    assert response.status_code == 503
    assert "Print" in response.get_data(as_text=True)
    page = client.get("/evidence?level=lsoa").get_data(as_text=True)
    assert "evidence-pdf-link" not in page and "Save as PDF" in page
