"""The evidence PDF is made in the background once per data version and
parameters: the first request follows its progress, the second is served from
the kept result, and new data makes a new PDF."""

from __future__ import annotations

import pytest

from tests.gaps.seed import seed
from tests.polling import fetch_pdf, poll

pytest.importorskip("weasyprint")


@pytest.fixture
def app_config():
    return {"JOBS_WAIT_SECONDS": 0}  # never wait in the request: always show progress


@pytest.fixture
def county(db):
    return seed(db.session)


@pytest.fixture
def renders(app, monkeypatch):
    import app.gaps.pdf as pdf

    made = []
    real = pdf.render_pdf

    def counting(html, base_url):
        made.append(base_url)
        return real(html, base_url)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    yield made
    app.extensions["yvm_jobs"].stop()


def test_the_pdf_shows_progress_then_is_kept_for_the_next_request(
        client, auth, county, renders):
    auth.login_as("councillor")
    page = client.get("/evidence?level=lsoa").get_data(as_text=True)
    assert "Make this pack as a PDF" in page
    first = client.get("/evidence.pdf?level=lsoa")
    assert first.status_code == 303 and first.headers["Location"].startswith("/jobs/")
    progress = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Making the evidence pack PDF" in progress
    body = fetch_pdf(client, "/evidence.pdf?level=lsoa").data
    assert body.startswith(b"%PDF") and len(renders) == 1
    done = client.get(first.headers["Location"]).get_data(as_text=True)
    assert 'href="/evidence.pdf?level=lsoa"' in done  # the progress page links to it
    # The second request is served from the kept result: no second rendering.
    again = client.get("/evidence.pdf?level=lsoa")
    assert again.status_code == 200 and again.data == body and len(renders) == 1
    assert "Download this pack as a PDF" in client.get("/evidence?level=lsoa").get_data(
        as_text=True)
    # Other parameters are another PDF.
    assert fetch_pdf(client, "/evidence.pdf?level=lsoa&threshold=45").data.startswith(b"%PDF")
    assert len(renders) == 2


def test_new_data_makes_a_new_pdf(client, auth, county, renders, db):
    from app.models import Service

    auth.login_as("commissioner")
    fetch_pdf(client, "/evidence.pdf?level=lsoa")
    assert len(renders) == 1
    service = db.session.query(Service).first()
    service.name = "Renamed club"
    db.session.commit()  # the data version moves on
    assert client.get("/evidence.pdf?level=lsoa").status_code == 303
    poll(lambda: len(renders) == 2, what="a second PDF for the new data")
    assert fetch_pdf(client, "/evidence.pdf?level=lsoa").data.startswith(b"%PDF")
    assert len(renders) == 2
