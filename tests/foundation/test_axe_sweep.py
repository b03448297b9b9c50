"""Every page, as every role, at phone and desktop sizes: axe-core finds no WCAG 2.2 AA
violation (issue 15).

The pages are the app's own routes (every GET rule that answers HTML), each filled
with a real record of the demo county, so a new page joins the sweep without anyone
remembering to add it.  Each page is swept by the first role in ``ROLES`` that may
open it, and every role's own dashboard by that role.  The few pages behind a one-time
secret are listed in ``ELSEWHERE`` with the test that sweeps them.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser_support import browser_page, live_server, sign_in_as  # noqa: F401

from ..directory.test_browser import axe_violations

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("YVM_SCREENSHOTS")
SIZES = ((1280, 800), (360, 640))
# In the order that decides who sweeps a page several roles may open (see _sweeper).
ROLES = ("anonymous", "councillor", "safeguarding", "partner", "commissioner", "admin",
         "national_admin")


# Not HTML: downloads, APIs and files.
NOT_PAGES = {"main.healthz", "api.openapi", "directory.api_service", "directory.api_services",
             "directory.export", "directory.buildings_export", "partners.export",
             "gaps.csv", "gaps.geojson", "gaps.api", "gaps.evidence_pdf", "gaps.ward_pdf",
             "jobs.progress", "survey.campaign_qr", "survey.export_full",
             "survey.results_csv", "survey.admin_survey_xlsform",
             "national.download_csv", "national.download_hsds", "national.tiles_archive"}
# Pages whose address holds a secret shown once, or a job of another kind: swept there.
ELSEWHERE = {
    "partners.checkin": "tests/partners/test_browser.py::test_every_partner_page_passes_axe",
    "partners.accept_invite_page":
        "tests/partners/test_browser.py::test_every_partner_page_passes_axe",
    "admin.geodata_outcome":
        "tests/geodata/test_import_page_browser.py::"
        "test_an_admin_imports_a_council_without_javascript",
}


def _arguments(session) -> dict[str, dict]:
    """One real value for every path argument, by endpoint (partner pages: the demo
    partner's own records)."""
    from app.models import Area, Building, ListingChange, Service, User
    from app.models.survey import Campaign, SafeguardingFlag, Survey

    partner = session.scalars(select(User).where(User.role == "partner")
                              .order_by(User.email)).first()
    own = session.scalars(select(Service).where(
        Service.organisation_id == partner.organisation_id)).first()
    own_building = session.scalars(select(Building).where(
        Building.organisation_id == partner.organisation_id)).first()
    service = session.scalars(select(Service).where(Service.status == "active",
                                                    Service.x.is_not(None))).first()
    survey = session.scalars(select(Survey).order_by(Survey.id)).first()
    campaign = session.scalars(select(Campaign)).first()
    flag = session.scalars(select(SafeguardingFlag)).first()
    change = session.scalars(select(ListingChange).where(
        ListingChange.status == "pending")).first()
    own_change = session.scalars(select(ListingChange).where(
        ListingChange.organisation_id == partner.organisation_id)
        .order_by(ListingChange.id)).first() or change
    ward = session.scalar(select(Area.code).where(Area.level == "ward").order_by(Area.name))
    building = session.scalars(select(Building).order_by(Building.id)).first()
    from app.models import SurveyWave

    wave = session.scalars(select(SurveyWave).order_by(SurveyWave.id)).first()
    args = {
        "survey.admin_survey_dates": {"survey_id": survey.id},
        "directory.service": {"service_id": service.id},
        "directory.edit_service": {"service_id": service.id},
        "directory.edit_building": {"building_id": building.id},
        "partners.edit_listing": {"service_id": own.id},
        "partners.confirm_close": {"service_id": own.id},
        "partners.organisation": {"org_id": partner.organisation_id},
        "survey.results": {"slug": survey.slug},
        "survey.campaigns": {"slug": survey.slug},
        "survey.take": {"slug": survey.slug},
        "gaps.ward": {"code": ward},
        "survey.admin_waves": {"slug": survey.slug},
        "survey.themes_coding": {"slug": survey.slug},
        "survey.admin_you_said": {"wave_id": wave.id},
        "survey.you_said": {"slug": wave.survey_slug, "wave": wave.name},
    }
    if own_building is not None:
        args["partners.edit_building"] = {"building_id": own_building.id}
    if campaign is not None:
        args["survey.campaign"] = {"slug": survey.slug, "code": campaign.code}
    if flag is not None:
        args["survey.safeguarding_flag"] = {"ref": flag.ref}
    if change is not None:
        args["partners.review_change"] = {"change_id": change.id}
        args["partners.edit_change"] = {"change_id": change.id}
        args["partners.sent_change"] = {"change_id": own_change.id}
    return args


def _pages(app, session, extra: dict[str, dict]) -> dict[str, str]:
    """endpoint -> path of every HTML page, filled with demo records."""
    from flask import url_for

    args = {**_arguments(session), **extra}
    pages, missing = {}, []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            ep = rule.endpoint
            if ("GET" not in rule.methods or ep in NOT_PAGES or ep in ELSEWHERE
                    or ep in ("static", "vendor.asset") or ep in pages):
                continue
            if rule.arguments and ep not in args:
                missing.append(ep)
                continue
            pages[ep] = url_for(ep, **args.get(ep, {}))
    assert not missing, f"pages with no demo record to open them with: {missing}"
    return pages


def _bad_import(app, session) -> str:
    """A directory import job whose file has a problem in every row: its outcome page
    lists them (and the directory is unchanged)."""
    import base64

    from app import jobs
    from app.directory.jobs import import_services_file
    from app.models import User

    commissioner = session.scalars(select(User).where(User.role == "commissioner")).first()
    body = base64.b64encode(b"name,postcode\n,NOT A POSTCODE\n").decode()
    with app.test_request_context():
        return jobs.enqueue(import_services_file, {"data": body, "filename": "bad.csv",
                                                  "user_id": commissioner.id},
                            key="axe sweep import", user_id=commissioner.id).id


def axe_in_every_document(page) -> None:
    """Have the browser put axe-core (0.5 MB of JavaScript) into every document the page's
    context loads, as it starts (``add_init_script``: the script is sent to the browser
    once), instead of sending it with ``page.evaluate`` after each page load.
    ``axe_violations`` then finds it there and runs it.  Measured on seven light pages at
    both sizes, alternated three times: 57 s against 74 s (docs/BENCHMARKS.md)."""
    from axe_playwright_python.sync_playwright import Axe

    page.context.add_init_script(script=Axe().axe_script)


def _sweeper(app, endpoint: str) -> str:
    """The role that sweeps ``endpoint``: the first of ``ROLES`` that may open it
    (anyone: the anonymous visitor)."""
    roles = getattr(app.view_functions[endpoint], "access_roles", None)
    if roles == "public":
        return "anonymous"
    return next(role for role in ROLES if roles is None or role in roles)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role_has_no_axe_violation(app, demo_county, live_server, browser_page,  # noqa: F811
                                                        db, role):
    """Each role opens its pages at both sizes.  A page several roles may open is swept
    by the first of them in ``ROLES`` (anyone's pages by the anonymous visitor): the
    others differ there only in the header, which their own pages carry too.  Every
    role's dashboard, where its header and its own panels are, is swept for each."""
    from app.models import ListingChange, User
    from app.models.jobs import BackgroundJob
    from app.planning.service import create_scenario

    # The demo county, built once per worker; each role's test gets its own copy (it
    # adds a scenario and jobs, and signs in), which costs far less than a build.  The
    # scenario and the jobs are made only by the role that sweeps their pages: a job is
    # run at once, and a PDF nobody opens is seconds of CPU (docs/BENCHMARKS.md).
    mine = {ep for ep in ("planning.scenario", "planning.delete_scenario",
                          "directory.import_outcome", "jobs.page")
            if _sweeper(app, ep) == role}
    admin = db.session.scalars(select(User).where(User.role == "admin")).one()
    extra = {"directory.import_outcome": {"job_id": "none"},
             "planning.scenario": {"scenario_id": 0},
             "planning.delete_scenario": {"scenario_id": 0}, "jobs.page": {"job_id": "none"}}
    if mine & {"planning.scenario", "planning.delete_scenario"}:
        with app.test_request_context():
            scenario = create_scenario("Drop-in at the library", "A sweep scenario", admin)
        extra["planning.scenario"] = extra["planning.delete_scenario"] = {
            "scenario_id": scenario.id}
    job = db.session.scalar(select(BackgroundJob.id).order_by(BackgroundJob.id))
    if "jobs.page" in mine and job is None:
        # The demo's journeys ran without the job layer: make a PDF job.
        from app import jobs
        from app.gaps.evidence import make_pdf

        with app.test_request_context():
            job = jobs.enqueue(make_pdf, {"args": {"level": "ward"}}, key="axe sweep",
                               user_id=None).id
            # Swept once it is done: a running job's page polls and moves on to the PDF
            # by itself, and a job left running would outlive the test.
            assert jobs.wait_for(job, 120).done
    if "jobs.page" in mine:
        extra["jobs.page"] = {"job_id": job}
    if "directory.import_outcome" in mine:
        extra["directory.import_outcome"] = {"job_id": _bad_import(app, db.session)}
    assert db.session.scalar(select(ListingChange.id)) is not None  # a change to review
    db.session.commit()
    every = _pages(app, db.session, extra)
    assert {_sweeper(app, ep) for ep in ("main.home", "directory.index", "survey.take")} == {
        "anonymous"}
    pages = {ep: path for ep, path in every.items()
             if _sweeper(app, ep) == role or ep == "main.dashboard"}

    page = browser_page(width=1280, height=800)
    axe_in_every_document(page)
    if role == "national_admin":  # not a demo account: the demo builds one council's staff
        from tests.conftest import make_user

        sign_in_as(page, live_server, make_user(db, role))  # returns signed in
    elif role != "anonymous":
        email = next(u.email for u in db.session.scalars(
            select(User).where(User.role == role).order_by(User.email)))
        sign_in_as(page, live_server, email)  # returns signed in
    failures, opened = {}, []
    for endpoint, path in sorted(pages.items()):
        response = page.goto(live_server.url + path)
        if response.status in (401, 403, 404) or "/login" in page.url:
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue  # an endpoint that answers JSON to a query (the map-click place)
        # 400: a page that explains what was wrong (the bad import's problems) is swept too.
        assert response.status in (200, 400), f"{role} {path}: {response.status}"
        opened.append(endpoint)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            # axe-core measures touch targets where they are: not while a map animates.
            expect(page.locator(".leaflet-zoom-anim, .leaflet-cluster-anim")).to_have_count(0)
            found = axe_violations(page)
            if found:
                failures[f"{role} {width} {path}"] = found
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/sweep-{role}-{endpoint}-{width}.png",
                                full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
    if failures and os.environ.get("YVM_SWEEP_REPORT"):
        with open(os.environ["YVM_SWEEP_REPORT"], "a") as fh:
            fh.writelines(f"{k}\n  " + "\n  ".join(v) + "\n" for k, v in failures.items())
    assert failures == {}
    assert role in ("anonymous", "partner", "national_admin") or "main.dashboard" in opened
    # A national admin has one page (the councils) and opens no council's.
    assert len(opened) >= (1 if role == "national_admin" else 2), f"{role} opened only {opened}"
