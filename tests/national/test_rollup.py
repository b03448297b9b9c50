"""The stored national roll-up (docs/NATIONAL.md, "The stored roll-up"): the page, both
CSVs and the HSDS file are served from one stored roll-up, rebuilt by a background job
after a council's change or by ``flask national rebuild``."""

from __future__ import annotations

import csv
import io
import json
import re

from app.jobs import ledger
from app.jobs.national import rebuild_national_job
from app.models import BackgroundJob
from app.models.tenancy import Council, use_council
from tests.directory.helpers import make_service

ENGLAND = "E92000001"


def _number(cell: str) -> int:
    return int(re.sub(r"[^0-9]", "", cell))


def page_figures(html: str) -> dict:
    """England's services and survey answers, and the first answer's count, as the
    page shows them."""
    england = html[html.index('id="england"'):html.index('id="by-region"')]
    cells = re.findall(r'<td class="num">(.*?)</td>', england)
    said = html[html.index('id="said-table"'):]
    first = re.search(r'<th scope="row">(.*?)</th><td class="num">([0-9,]+)</td>', said)
    return {"services": _number(cells[2]), "responses": _number(cells[5]),
            "answer": (first.group(1), _number(first.group(2)))}


def download_figures(client) -> dict:
    national = {r["code"]: r for r in csv.DictReader(io.StringIO(
        client.get("/national/national.csv").get_data(as_text=True)))}
    answers = [r for r in csv.DictReader(io.StringIO(
        client.get("/national/answers.csv").get_data(as_text=True)))
        if r["code"] == ENGLAND and r["people"].isdigit()]
    hsds = json.loads(client.get("/national/openreferral.json").get_data(as_text=True))
    return {"services": int(national[ENGLAND]["services"]),
            "responses": int(national[ENGLAND]["responses"]),
            "answer": (answers[0]["answer"], int(answers[0]["people"])),
            "hsds_services": hsds["total_items"]}


def dates(client) -> set:
    return {client.get(url).headers["Last-Modified"] for url in (
        "/national/national.csv", "/national/answers.csv", "/national/openreferral.json")}


def test_the_page_and_every_download_give_the_same_figures(app, db, client, runner,
                                                           demo_county):
    # A copy of the demo of its own: the test adds a club.
    html = client.get("/national").get_data(as_text=True)
    page, files = page_figures(html), download_figures(client)
    assert page["services"] == files["services"] > 0
    assert page["responses"] == files["responses"] > 0
    assert page["answer"] == files["answer"]
    assert len(dates(client)) == 1  # one roll-up behind every download
    built = re.search(r"put together on (\S+ \S+) \(UTC\)", html).group(1)

    make_service(db.session, name="Riverside Night Club")  # not rebuilt yet
    assert page_figures(client.get("/national").get_data(as_text=True)) == page
    assert download_figures(client) == files  # the HSDS file too: the stored one

    result = runner.invoke(args=["national", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "national picture of 1 councils put together" in result.output
    html = client.get("/national").get_data(as_text=True)
    after, files_after = page_figures(html), download_figures(client)
    assert after["services"] == files_after["services"] == files["services"] + 1
    assert files_after["hsds_services"] == files["hsds_services"] + 1
    assert after["responses"] == files_after["responses"] == files["responses"]
    assert after["answer"] == files_after["answer"]
    assert len(dates(client)) == 1
    assert re.search(r"put together on (\S+ \S+) \(UTC\)", html).group(1) >= built


def services_shown(client) -> int:
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(
        client.get("/national/national.csv").get_data(as_text=True)))}
    return int(rows[ENGLAND]["services"])


def test_being_prepared_while_another_process_builds_the_first(app, db, client):
    """Only when no roll-up exists may a request build it; if another process already
    is, the page says it is being prepared and the downloads answer 503."""
    from app.jobs.national import as_system
    from app.national.service import FIRST_KEY

    app.config["JOBS_WAIT_SECONDS"] = 0
    with as_system():
        jid, _new = ledger.create(rebuild_national_job.yvm_path, {"settle": False}, FIRST_KEY,
                                  owner=None, lease_until=None, result_ttl=3600)
        assert ledger.claim(jid, "another-process", 600) == 1  # it is building
    html = client.get("/national").get_data(as_text=True)
    assert "The national picture is being prepared" in html
    for url in ("/national/national.csv", "/national/openreferral.json"):
        response = client.get(url)
        assert response.status_code == 503 and response.headers["Retry-After"]
    polish = client.get("/national", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "The national picture is being prepared" not in polish


def test_the_page_says_when_a_newer_one_is_being_built(app, db, client, monkeypatch):
    app.config["NATIONAL_KEEP_CURRENT"] = False
    assert services_shown(client) == 0
    monkeypatch.setattr("app.jobs.backends.InProcess.dispatch", lambda self, jid, council=None: None)
    from app.jobs.national import queue_rebuild

    info = queue_rebuild()  # queued; nobody runs it in this test
    assert info.state == "queued"
    assert queue_rebuild().id == info.id  # a second change joins the job waiting
    html = client.get("/national").get_data(as_text=True)
    assert "A newer one is being put together from the councils' latest figures" in html
    romanian = client.get("/national", headers={"Accept-Language": "ro"}).get_data(True)
    assert "A newer one is being put together" not in romanian and 'id="national-built"' in romanian


def test_the_roll_up_outlives_the_ledger_and_is_not_rebuilt_for_its_age(app, db, client):
    """The roll-up is its own row, not a job's result: once the ledger has forgotten
    the job that built it (JOBS_RESULT_TTL_SECONDS), the page, the CSVs and the HSDS
    file still serve it, and nothing is queued just because it is old."""
    html = client.get("/national").get_data(as_text=True)
    built = re.search(r"put together on (\S+ \S+) \(UTC\)", html).group(1)
    urls = ("/national/national.csv", "/national/answers.csv", "/national/openreferral.json")
    before = [client.get(url).get_data(as_text=True) for url in urls]
    assert ledger.prune(-3600) >= 1  # every finished job forgotten
    assert db.session.query(BackgroundJob).count() == 0
    html = client.get("/national").get_data(as_text=True)
    assert re.search(r"put together on (\S+ \S+) \(UTC\)", html).group(1) == built
    assert "A newer one" not in html and "being prepared" not in html
    assert [client.get(url).get_data(as_text=True) for url in urls] == before
    assert ledger.active(kind="national") == []  # no rebuild queued for its age
    assert db.session.query(BackgroundJob).count() == 0


def test_a_council_is_named_as_every_page_names_it(app, db):
    from app.national.service import identity

    other = Council(code="E06000051", name="Shropshire Council", region="E12000005",
                    settings={"COUNCIL_NAME": "Shropshire Youth"})
    plain = Council(code="E06000052", name="Cornwall Council")
    db.session.add_all([other, plain])
    db.session.commit()
    assert identity(other).name == "Shropshire Youth"
    assert identity(plain).name == "Cornwall Council" and identity(plain).region_code == ""
    own = db.session.query(Council).filter_by(code="E06000019").one_or_none()
    if own is None:
        with use_council(None):
            make_service(db.session, name="Made the default council")
        own = db.session.query(Council).filter_by(code="E06000019").one()
    assert identity(own).name == app.config["COUNCIL_NAME"]
    assert identity(own).region_code == app.config["DEFAULT_COUNCIL_REGION"]


def test_a_change_while_the_rebuild_runs_queues_one_follow_up(app, db, client, monkeypatch):
    from app.jobs.national import queue_rebuild

    assert services_shown(client) == 0
    monkeypatch.setattr("app.jobs.backends.InProcess.dispatch", lambda self, jid, council=None: None)
    first = queue_rebuild()
    assert queue_rebuild().id == first.id  # joins the job waiting
    assert ledger.claim(first.id, "a-worker", 600) == 1  # a worker has started it
    follow_up = queue_rebuild()
    assert follow_up.id != first.id and follow_up.state == "queued"
    assert queue_rebuild().id == follow_up.id  # further changes join the follow-up
    assert len(ledger.active(kind="national")) == 2


def test_one_roll_up_is_kept_with_the_job_that_built_it_and_what_from(app, db, client,
                                                                       runner):
    from app import dataversion
    from app.models import NationalRollup
    from app.national.rollup import latest

    assert services_shown(client) == 0
    for _n in range(3):
        assert runner.invoke(args=["national", "rebuild"]).exit_code == 0
    kept = db.session.query(NationalRollup).all()
    assert len(kept) == 1  # each new one deleted the older in its own transaction
    newest = db.session.query(BackgroundJob).filter_by(
        task=rebuild_national_job.yvm_path).order_by(BackgroundJob.finished_at.desc()).first()
    assert kept[0].job_id == newest.id == latest().job_id
    result = ledger.load_result(newest)  # the job's own result: which roll-up, no picture
    assert (result["rollup"], result["councils"]) == (kept[0].id, 1)
    version, token = dataversion.current(db.session)
    assert kept[0].sources == {app.config["DEFAULT_COUNCIL_CODE"]: {
        "data_version": version, "snapshot": token}}
