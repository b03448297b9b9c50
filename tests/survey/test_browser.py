"""The survey in Debian's chromium: a phone with JavaScript on and off, and axe-core checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, text

from app.models import Campaign, Response, SafeguardingFlag
from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
    sign_in_as,
)
from tests.conftest import make_user
from tests.directory.test_browser import axe_results
from tests.screenshots import keep
from tests.survey.helpers import make_geography

pytestmark = pytest.mark.browser

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page) -> list[str]:
    results = axe_results(page, {"runOnly": {"type": "tag", "values": WCAG},
                                 "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
            f"{[n['target'] for n in v['nodes'][:3]]})"
            for v in results["violations"]]


def _option(page, question_id: str, value: str):
    """Question ``question_id``'s radio button or tick box for ``value`` (by id and
    value, not by its place on the form)."""
    return page.locator(f'input[name="{question_id}"][value="{value}"]')


def _answer(page, *, area_by: str):
    _option(page, "age_band", "13-15").check()
    _option(page, "wishes", "drop_in").check()
    _option(page, "wishes", "music").check()
    _option(page, "barriers", "transport").check()
    _option(page, "can_pay", "1-2").check()
    page.fill("#anything_else", "A later bus home please")
    if area_by == "postcode":
        page.fill("#postcode", "hr7 4bb")
    elif area_by == "typeahead":
        page.fill("#area-typeahead", "Colwall")
    else:
        page.select_option("#area", "E04000001")


def _stored(db):
    db.session.expire_all()
    return db.session.scalars(select(Response)).all()


def _no_postcode_anywhere(db):
    for table in ("response", "answer", "survey", "campaign", "safeguarding_flag", "audit_event"):
        for row in db.session.execute(text(f"SELECT * FROM {table}")):
            assert not any("HR7" in str(v).upper() for v in row), (table, row)


def test_phone_without_javascript_completes_the_survey(live_server, browser_page, db):  # noqa: F811
    make_geography(db)
    page = browser_page(width=360, height=640, javascript=False)
    page.goto(live_server.url + "/survey")
    expect(page).to_have_url(live_server.url + "/survey/youth-voice")
    # Without JavaScript the free-text question is there, with its age note.
    expect(page.locator("#anything_else")).to_be_visible()
    click_and_wait_for_navigation(page, "button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    keep(page, "survey-errors-360-nojs")
    expect(page.locator(".error-summary a[href='#age_band']")).to_have_count(1)
    _answer(page, area_by="postcode")
    # A double tap sends the form twice; the browser shows the answer to the second
    # POST.  Wait for that page, not for a load state (the form's page had loaded).
    page.dblclick("button[type=submit]")
    expect(page.get_by_text("Your answers have been sent")).to_be_visible()
    expect(page.get_by_text("0800 1111")).to_be_visible()
    keep(page, "survey-thanks-360-nojs")
    stored = _stored(db)
    assert len(stored) == 1
    assert stored[0].area_code == "E04000002" and stored[0].age_band == "13-15"
    _no_postcode_anywhere(db)
    assert not page.external_requests


def test_phone_with_javascript_completes_the_survey(live_server, browser_page, db):  # noqa: F811
    make_geography(db)
    page = browser_page(width=360, height=640, javascript=True)
    page.goto(live_server.url + "/survey/youth-voice")
    # Show-if: the free-text box appears only once an age of 13+ is chosen.
    expect(page.locator("#area-typeahead")).to_be_visible()  # the script has run
    expect(page.locator("select#area")).to_be_hidden()
    expect(page.locator("#anything_else")).to_be_hidden()
    _option(page, "age_band", "11-12").check()
    expect(page.locator("#anything_else")).to_be_hidden()
    keep(page, "survey-form-360-js")
    _option(page, "age_band", "13-15").check()
    expect(page.locator("#anything_else")).to_be_visible()
    _answer(page, area_by="typeahead")
    click_and_wait_for_navigation(page, "button[type=submit]")
    expect(page.get_by_text("Your answers have been sent")).to_be_visible()
    stored = _stored(db)
    assert len(stored) == 1 and stored[0].area_code == "E04000003"
    assert any(a.value == "A later bus home please" for a in stored[0].answers)
    assert not page.external_requests


def test_every_survey_page_passes_axe(live_server, browser_page, db, app):  # noqa: F811
    from app.demo import DemoContext
    from app.demo import responses as demo_responses

    make_geography(db, with_indicators=True)
    demo_responses.build(db.session, DemoContext(seed=3, info={"survey_responses_wanted": 300}))
    db.session.add(Campaign(survey_slug="youth-voice", code="kgt2345",
                            name="Kington High School", kind="school", pupils=600))
    db.session.commit()
    failures = {}

    def check(page, name):
        keep(page, f"survey-{name}")
        found = axe_violations(page)
        if found:
            failures[name] = found

    for js in (True, False):
        # axe-core itself needs JavaScript: the "no JavaScript" pass blocks our own script
        # instead, which leaves exactly the page a browser without JavaScript shows.
        page = browser_page(width=360, height=640, javascript=True)
        if not js:
            page.route("**/static/js/*", lambda route: route.abort())
        tag = "360-js" if js else "360-nojs"
        page.goto(live_server.url + "/survey/youth-voice")
        check(page, f"form-{tag}")
        click_and_wait_for_navigation(page, "button[type=submit]")
        expect(page.locator(".error-summary")).to_be_visible()
        check(page, f"form-errors-{tag}")
        page.goto(live_server.url + "/survey/youth-voice/c/kgt2345")
        _answer(page, area_by="typeahead" if js else "select")
        page.fill("#anything_else", "sometimes I hurt myself")
        click_and_wait_for_navigation(page, "button[type=submit]")
        expect(page.get_by_text("Your answers have been sent")).to_be_visible()
        check(page, f"thanks-{tag}")
    page.goto(live_server.url + "/survey/youth-voice/c/wrong")
    check(page, "bad-link-360")

    # Staff pages.
    make_user(db, "admin", email="admin@example.org")
    flag = db.session.scalars(select(SafeguardingFlag)).first()
    page = browser_page(width=1280, height=800, javascript=True)
    sign_in_as(page, live_server, "admin@example.org")
    for name, path in (("results", "/results/youth-voice"),
                       ("results-filtered", "/results/youth-voice?area=E04000001&age=13-15"),
                       ("results-index", "/results"),
                       ("campaigns", "/results/youth-voice/campaigns"),
                       ("queue", "/safeguarding"), ("flag", f"/safeguarding/{flag.ref}")):
        page.goto(live_server.url + path)
        assert "sign in" not in page.title().lower(), path
        check(page, f"{name}-1280")
    page.check("#status-action_taken")
    click_and_wait_for_navigation(page, "main button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "flag-errors-1280")

    # The closed page.
    from app.models import Survey

    survey = db.session.scalars(select(Survey)).one()
    survey.definition = {**survey.definition, "opens_on": "2020-01-01", "closes_on": "2020-02-01"}
    db.session.commit()
    page = browser_page(width=360, height=640, javascript=True)
    page.goto(live_server.url + "/survey/youth-voice")
    expect(page.get_by_text("This survey has closed")).to_be_visible()
    check(page, "closed-360")
    assert not failures, failures


def test_axe_check_can_fail(live_server, browser_page, db):  # noqa: F811
    """The check is real: a form field without a label is reported."""
    make_geography(db)
    page = browser_page(width=360, height=640, javascript=True)
    page.goto(live_server.url + "/survey/youth-voice")
    page.evaluate("document.querySelector('label[for=postcode]').remove()")
    assert any(v.startswith("label:") for v in axe_violations(page))
