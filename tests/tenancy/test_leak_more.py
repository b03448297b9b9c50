"""Nothing of council B reaches council A through what test_leak.py does not walk
(issue 27): the PDFs and their jobs, the caches, the log lines and the form posts.

The two counties are test_leak.py's (``walked`` in conftest.py), and, as there, on
PostgreSQL the app connects as the NOBYPASSRLS app role (``walk_app``), so row-level
security holds A's jobs, caches, logs and posts as well as the code does.  Each
check also shows that B's own side holds the marker, so it can fail.

Working as a council in the test itself: on PostgreSQL a transaction's council is
set when it begins, so the session's transaction is ended (``rollback``) before a
``use_council`` block that writes; and a row of B's is read (or signed in with)
inside B's block: outside it, it would be refreshed as A and hidden from A.
"""

from __future__ import annotations

import io
import json
import logging
import pickle
import threading

import pytest
from sqlalchemy import select

from app.models import use_council
from tests.conftest import make_user
from tests.polling import poll
from tests.tenancy.leak_support import (
    B_MARKERS,
    NATIONAL,
    fill,
    get_routes,
    leaks,
    sign_in,
    users_of,
)

A_HOST, B_HOST = "http://a.example", "http://b.example"
pypdf = pytest.importorskip("pypdf")


@pytest.fixture
def app(walk_app):
    return walk_app


@pytest.fixture
def app_config():
    # Production's survey recheck (tests use 0): the per-process survey cache then
    # answers from its own entries, as it does on a live server.
    return {"JOBS_WAIT_SECONDS": 0, "SURVEY_RECHECK_SECONDS": 5}


@pytest.fixture
def stop_jobs(app):
    yield
    app.extensions["yvm_jobs"].stop()


def _client(app, user, host: str = A_HOST):
    return sign_in(app.test_client(), user, host)


def _client_of_b(app, db, b_id: int, role: str):
    """A client signed in on B's host as a new account of B's with ``role`` (made and
    read as B: outside B's block the row is A's to refresh, and hidden from A)."""
    db.session.rollback()  # a fresh transaction, set to B (RLS)
    with use_council(b_id):
        return _client(app, make_user(db, role), B_HOST)


def _start(client, url: str, host: str) -> str:
    """Ask for the PDF at ``url`` as a person would; the job's progress page."""
    first = client.get(url, base_url=host)
    assert first.status_code == 303, (url, first.status_code)
    return first.headers["Location"]


def _finished(client, job_page: str, host: str) -> dict:
    """The job's progress (``.json``) once it is done, followed as its page does."""
    def done():
        state = client.get(job_page + ".json", base_url=host).get_json()
        return state["done"] and state

    # Four times a second: each request takes the job thread's interpreter for a few
    # milliseconds (the page itself asks once a second).
    state = poll(done, timeout=240, what=f"the job at {job_page}", every=0.25)
    assert state["state"] == "finished", state
    return state


def _pdf_text(body: bytes) -> str:
    """Every page's text and the document's metadata (its title, author...)."""
    assert body.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(body))
    meta = [str(v) for v in (reader.metadata or {}).values()]
    return "\n".join([*meta, *(page.extract_text() or "" for page in reader.pages)])


def _make(client, urls: dict[str, str], host: str) -> dict[str, tuple[str, str, bytes]]:
    """{name: (job id, ready URL, PDF)} for each of ``urls``: all asked for first (the
    job threads make them side by side), then each followed to its PDF."""
    pages = {name: _start(client, url, host) for name, url in urls.items()}
    made = {}
    for name, page in pages.items():
        state = _finished(client, page, host)
        response = client.get(state["ready_url"], base_url=host)
        assert response.status_code == 200, (name, response.status_code)
        made[name] = (page.rsplit("/", 1)[1], state["ready_url"], response.data)
    return made


# --- 1. PDFs and their jobs ----------------------------------------------------------
# One test, so each PDF is made once (a layout takes seconds): B's, then A's.

def test_pdf_jobs_are_each_councils_own(app, db, walked, stop_jobs, runner, monkeypatch):
    from app import jobs
    from app.gaps import evidence as evidence_module
    from app.gaps.evidence import make_pdf
    from app.gaps.ward import make_ward_pdf

    pytest.importorskip("weasyprint")
    # The same work for both councils: the evidence pack's key without the data version
    # (the two counties' versions differ), so only the council keeps the jobs apart.
    monkeypatch.setattr(evidence_module, "_key", lambda args, settings: json.dumps(
        {"args": args, "settings": settings}, sort_keys=True))
    a, b, a_ids, b_ids = walked
    users_a = users_of(db, a.id, ("commissioner", "admin", "councillor", "partner"))
    client_b = _client_of_b(app, db, b.id, "commissioner")
    client_a = _client(app, users_a["commissioner"])
    evidence = "/evidence.pdf?level=lsoa"
    urls_b = {"ward": f"/ward/{b_ids['ward_code']}.pdf", "evidence": evidence}
    urls_a = {"ward": f"/ward/{a_ids['ward_code']}.pdf", "evidence": evidence}

    # B asks first: B's jobs and their kept results exist before A's identical request.
    made_b = _make(client_b, urls_b, B_HOST)
    for name, (_job, _url, body) in made_b.items():
        text = _pdf_text(body)
        assert "Zephyrbury" in text and "Ashcombe" not in text, name  # the check can fail
    # A's evidence page does not offer B's finished pack as A's.
    page = client_a.get("/evidence?level=lsoa", base_url=A_HOST).get_data(as_text=True)
    assert "Make this pack as a PDF" in page and not leaks(page, evidence)

    made_a = _make(client_a, urls_a, A_HOST)
    for name, (a_job, _url, body) in made_a.items():
        text = _pdf_text(body)
        assert "Ashcombe" in text, name  # the text really was read
        assert not leaks(text, urls_a[name]), f"{name} PDF for A: {leaks(text, urls_a[name])}"
        assert a_job != made_b[name][0], name  # the same work for two councils: two jobs
        assert body != made_b[name][2], name

    # A's people, every role, on A's host: B's job pages and progress are not there.
    for role, user in users_a.items():
        follower = _client(app, user)
        for name, (b_job, b_ready, _body) in made_b.items():
            for path in (f"/jobs/{b_job}", f"/jobs/{b_job}.json"):
                response = follower.get(path, base_url=A_HOST)
                assert response.status_code in (403, 404), (role, path, response.status_code)
                assert not leaks(response.get_data(as_text=True), path), (role, path)
            # B's result's address on A's host: B's ward is not A's (no job made), and
            # the county-wide pack's address is A's own pack, never B's.
            response = follower.get(b_ready, base_url=A_HOST)
            if response.status_code == 200:
                assert name == "evidence" and response.data == made_a[name][2], (role, b_ready)
            else:
                assert response.status_code in (403, 404), (role, b_ready, response.status_code)
                assert not leaks(response.get_data(as_text=True), b_ready), (role, b_ready)
        # Nothing of B's jobs on A's pages that show jobs and PDFs.
        for url in (f"/ward/{a_ids['ward_code']}", "/evidence?level=lsoa", "/planning/travel"):
            body = follower.get(url, base_url=A_HOST).get_data(as_text=True)
            assert not [job for job, _u, _b in made_b.values() if job in body], (role, url)
            assert not leaks(body, url), (role, url)

    # The ledger, as each council: B's jobs and results are B's alone.
    for name, task in (("ward", make_ward_pdf), ("evidence", make_pdf)):
        b_job, a_job = made_b[name][0], made_a[name][0]
        db.session.rollback()  # each council's reads in a transaction of its own
        with use_council(a.id):
            assert jobs.status(b_job) is None and jobs.result(b_job) is None, name
            assert jobs.latest(task).id == a_job, name
        db.session.rollback()
        with use_council(b.id):
            assert jobs.result(b_job)["body"] == made_b[name][2], name
            assert jobs.status(a_job) is None and jobs.latest(task).id == b_job, name
    # B's ward asked for on A's host makes no job at all.
    assert client_a.get(urls_b["ward"], base_url=A_HOST).status_code == 404
    db.session.rollback()
    with use_council(a.id):
        assert jobs.latest(make_ward_pdf).id == made_a["ward"][0]
    # The operator's view counts every council's queued jobs by council code: by design
    # (counts only, no parameters, no results).
    out = runner.invoke(args=["jobs", "queues"]).output
    assert "Zephyrbury" not in out and "zephyr-secret" not in out


# --- 2. Caches --------------------------------------------------------------------------

class _Spy:
    """Wraps the analysis cache's backend: which council set and read each key."""

    def __init__(self, inner):
        self.inner, self.set_by, self.reads, self.values = inner, {}, [], {}

    def get(self, key):
        from app.models.tenancy import current_council_id

        found, value = self.inner.get(key)
        if found:
            self.reads.append((current_council_id(), key))
        return found, value

    def set(self, key, value):
        from app.models.tenancy import current_council_id

        self.set_by[key] = current_council_id()
        self.values[key] = value
        self.inner.set(key, value)

    def clear(self):
        self.inner.clear()


def _walk(app, client, host: str, ids: dict, markers=None) -> int:
    """Every GET route with ``ids`` as this client; with ``markers``, none may show."""
    count = 0
    for rule in get_routes(app):
        url = fill(rule, ids) if rule.arguments else rule.rule
        if url is None:
            continue
        response = client.get(url, base_url=host)
        if markers is not None and rule.endpoint not in NATIONAL:
            body = response.get_data(as_text=True)
            found = leaks(body, url, markers)
            assert not found, f"GET {host}{url}: {found}"
        count += 1
    return count


def test_a_is_never_served_from_bs_cache_entries(app, db, walked, monkeypatch):
    import app.cache as cache_module

    a, b, a_ids, b_ids = walked
    spy = app.extensions[cache_module.EXTENSION] = _Spy(app.extensions[cache_module.EXTENSION])
    keyed = []  # (council serving, council in the key's parameters)
    real_make_key = cache_module.make_key

    def recording(name, version, params):
        from app.models.tenancy import current_council_id

        keyed.append((current_council_id(), params.get("council")))
        return real_make_key(name, version, params)

    monkeypatch.setattr(cache_module, "make_key", recording)
    client_b = _client_of_b(app, db, b.id, "admin")
    users_a = users_of(db, a.id, ("admin", "commissioner"))
    # B first, anonymously and as its admin, so every cache holds B's entries...
    _walk(app, app.test_client(), B_HOST, b_ids)
    _walk(app, client_b, B_HOST, b_ids)
    assert any(c == b.id for c in spy.set_by.values())
    b_keys = {key for key, c in spy.set_by.items() if c == b.id}
    # ... then A: nothing of B on A's pages.
    spy.reads.clear()
    for client in (app.test_client(), *(_client(app, u) for u in users_a.values())):
        assert _walk(app, client, A_HOST, a_ids, B_MARKERS) > 50
    assert spy.reads, "the walk never read the cache: the check below would prove nothing"
    assert not [key for council, key in spy.reads if council == a.id and key in b_keys]
    assert all(in_key == serving for serving, in_key in keyed if serving is not None)
    for key, value in spy.values.items():
        if spy.set_by[key] == a.id:
            blob = pickle.dumps(value)
            assert not [m for m in B_MARKERS if m.encode() in blob], key
    # The per-process survey cache (app/survey/service.py), keyed on slug: both
    # councils have a survey "youth".
    for lang_url in ("/survey/youth", "/survey"):
        b_page = app.test_client().get(lang_url, base_url=B_HOST, follow_redirects=True)
        assert "Zephyrbury" in b_page.get_data(as_text=True)
        a_page = app.test_client().get(lang_url, base_url=A_HOST, follow_redirects=True)
        body = a_page.get_data(as_text=True)
        assert "Ashcombe youth survey" in body and not leaks(body, lang_url), lang_url


# --- 3. Log lines ----------------------------------------------------------------------

class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int | None, str]] = []

    def emit(self, record):
        from app.models.tenancy import current_council_id

        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.records.append((record.threadName, current_council_id(), text))


def test_no_log_line_made_for_a_names_anything_of_b(app, db, walked, stop_jobs):
    from app.accesslog import route_template
    from app.models.users import ROLES

    a, b, a_ids, b_ids = walked
    client_b = _client_of_b(app, db, b.id, "commissioner")
    users_a = users_of(db, a.id, ROLES)
    collect = _Collect()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(collect)
    root.setLevel(logging.DEBUG)
    try:
        # B's PDF jobs run in the job threads while A's pages are walked.
        b_jobs = [_start(client_b, url, B_HOST)
                  for url in ("/evidence.pdf?level=lsoa", f"/ward/{b_ids['ward_code']}.pdf")]
        main = threading.current_thread().name
        urls = []
        for role in (None, *ROLES):
            client = app.test_client()
            if role is not None:
                sign_in(client, users_a[role], A_HOST)
            for rule in get_routes(app):
                for ids in (a_ids, b_ids):
                    url = fill(rule, ids) if rule.arguments else rule.rule
                    if url is None:
                        continue
                    start = len(collect.records)
                    client.get(url, base_url=A_HOST)
                    for thread, _council, text in collect.records[start:]:
                        if thread == main:
                            found = leaks(text, url)
                            assert not found, f"log line for GET {url}: {text!r}"
                    urls.append(url)
                    # The access log names the route, never the values in the path.
                    line = route_template(app.url_map, url.split("?")[0])
                    assert not leaks(line, ""), line
        assert len(urls) > 100
        for job_page in b_jobs:  # their every line is in, and no job outlives the test
            _finished(client_b, job_page, B_HOST)
    finally:
        root.removeHandler(collect)
        root.setLevel(old_level)
    # Nothing anyone wrote in a survey reaches a log line, whoever's thread made it.
    assert not [t for *_rest, t in collect.records if "secret words" in t]
    assert not [t for _th, council, t in collect.records if council == a.id and leaks(t, "")]


# --- 5. Form posts with B's ids -----------------------------------------------------------

def _b_rows(db, council_id: int) -> dict:
    """Every row of every council table that belongs to ``council_id``."""
    from app.models import Base

    db.session.rollback()  # a fresh transaction, set to this council (RLS)
    with use_council(council_id):
        rows = {t.name: sorted(tuple(map(repr, r)) for r in db.session.execute(
            select(t).where(t.c.council_id == council_id)))
            for t in Base.metadata.sorted_tables if "council_id" in t.c}
        db.session.rollback()
    return rows


def _more_of_b(db, b_id: int, b_ids: dict) -> dict:
    """Rows of B that the write routes take ids of, beyond the county's."""
    from app.models import (
        Answer,
        ListingChange,
        Organisation,
        OrganisationContact,
        SafeguardingFlag,
        Scenario,
        ServiceReport,
        Survey,
    )

    db.session.rollback()  # a fresh transaction, set to B (RLS)
    with use_council(b_id):
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Zephyrbury Trust"))
        scenario = Scenario(name="Zephyrbury plan", changes=[{"kind": "close", "service_id":
                                                              b_ids["service"]}])
        change = ListingChange(organisation_id=org.id, service_id=b_ids["service"],
                               kind="update", after={"name": "Zephyrbury Renamed"})
        report = ServiceReport(service_id=b_ids["service"], kind="stopped", message="Zephyrbury")
        contact = OrganisationContact(organisation_id=org.id, name="Zephyrbury Contact",
                                      email="contact@zephyrbury.example")
        flag = SafeguardingFlag(response_id=b_ids["response"], matched=["harm"])
        user = make_user(db, "councillor", email="someone@zephyrbury.example")
        db.session.add_all([scenario, change, report, contact, flag])
        db.session.commit()
        answer = db.session.scalar(select(Answer.id).where(Answer.response_id == b_ids["response"]))
        survey = db.session.scalar(select(Survey.id).where(Survey.slug == "youth"))
        return {**b_ids, "scenario": scenario.id, "change": change.id, "report": report.id,
                "contact": contact.id, "ref": flag.ref, "user": user.id, "org": org.id,
                "answer": answer, "survey": survey}


POST_ARGS = {"service_id": "service", "building_id": "building", "scenario_id": "scenario",
             "change_id": "change", "report_id": "report", "org_id": "org",
             "contact_id": "contact", "user_id": "user", "answer_id": "answer",
             "survey_id": "survey", "ref": "ref"}
FORM = {"name": "Hijacked", "reason": "x", "decision": "approve", "action": "approve",
        "status": "closed", "notes": "x", "kind": "other", "message": "x", "email": "x@y.example",
        "theme": "x", "easting": "450000", "northing": "300000", "opens_on": "2026-01-01"}


def test_posting_bs_ids_as_a_is_refused_and_changes_nothing_of_b(app, db, walked):
    a, b, a_ids, b_ids = walked
    ids = _more_of_b(db, b.id, b_ids)
    users_a = users_of(db, a.id, ("commissioner", "admin", "partner"))
    before = _b_rows(db, b.id)
    posted = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or not rule.arguments:
            continue
        values = {}
        for arg in rule.arguments:
            if arg in POST_ARGS:
                values[arg] = ids[POST_ARGS[arg]]
            elif arg == "slug":
                values[arg] = "youth"  # a slug A has as well: the id must still be refused
            elif arg == "number":
                values[arg] = 0
        if set(values) != set(rule.arguments) or not set(values) - {"slug", "number"}:
            continue
        url = rule.build(values, append_unknown=False)[1]
        for role, user in users_a.items():
            response = _client(app, user).post(url, data=FORM, base_url=A_HOST)
            assert response.status_code in (403, 404), (role, url, response.status_code)
            posted.append(url)
    assert len(set(posted)) >= 15, sorted(set(posted))
    assert _b_rows(db, b.id) == before
    # The same post on B's own host by B's admin does change B (so the check can fail).
    _client_of_b(app, db, b.id, "admin").post(f"/admin/users/{ids['user']}/toggle", base_url=B_HOST)
    assert _b_rows(db, b.id) != before
