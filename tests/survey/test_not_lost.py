"""A child's words are never dropped in silence (issue 25).

With JavaScript off every box shows, so an 11-year-old can type into "Is there anything
else?", which is for 13 and over.  Those words are not kept (the age rule stands), but
they are screened for safeguarding indicators first: a match raises a flag with its
categories, the age band and the campaign, never the words; and the thank-you page
says plainly that they were not kept and how to get help now.  In the browser: the same
with JavaScript off, and with JavaScript on when the age is changed after typing.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import String, Text, select

from app.models import Answer, Base, Campaign, Response, SafeguardingFlag
from tests.browser_support import (  # noqa: F401
    browser_page,
    click_and_wait_for_navigation,
    live_server,
    sign_in_as,
)
from tests.conftest import make_user
from tests.screenshots import keep
from tests.survey.helpers import forget_visitor, good_answers, make_geography, token_from

URL = "/survey/youth-voice"
WORDS = "my stepdad hits me and I am scared at home"


def _nowhere(db, words: str) -> None:
    """The words are in no text column of any table."""
    db.session.rollback()
    for table in Base.metadata.sorted_tables:
        cols = [c for c in table.columns if isinstance(c.type, (String, Text))]
        for row in db.session.execute(select(*cols)) if cols else ():
            assert not any(v and words.lower() in str(v).lower() for v in row), table.name


def _send(client, url=URL, **answers):
    html = client.get(url).get_data(as_text=True)
    resp = client.post(url, data=good_answers(token_from(html), **answers))
    forget_visitor()
    return resp


def test_an_11_year_olds_worrying_words_raise_a_flag_but_are_not_kept(client, db, auth):
    make_geography(db)
    db.session.add(Campaign(survey_slug="youth-voice", code="SCHOOL1", name="Ashby Primary",
                            kind="school"))
    db.session.commit()
    resp = _send(client, URL + "/c/SCHOOL1", age_band="11-12", anything_else=WORDS)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Your answers have been sent" in page
    assert "We did not keep some of what you wrote" in page
    assert "This box is for people aged 13 or over" in page
    assert "0800 1111" in page
    _nowhere(db, WORDS)
    _nowhere(db, "stepdad")
    response = db.session.scalars(select(Response)).one()
    assert response.age_band == "11-12" and response.flagged
    assert response.campaign.code == "SCHOOL1"
    assert not db.session.scalars(select(Answer).where(Answer.is_free_text)).all()
    flag = db.session.scalars(select(SafeguardingFlag)).one()
    assert flag.text_kept is False and flag.status == "open"
    assert set(flag.matched) == {"abuse", "unsafe_at_home"}
    # The lead sees the flag, its age band and campaign, and that the words were not kept.
    auth.login_as("safeguarding")
    queue = client.get("/safeguarding").get_data(as_text=True)
    assert flag.ref in queue and "words not kept" in queue
    lead = client.get(f"/safeguarding/{flag.ref}").get_data(as_text=True)
    assert "What they wrote was not kept." in lead and "11-12" in lead
    assert "Ashby Primary" in lead and "stepdad" not in lead


def test_harmless_words_not_kept_say_so_and_raise_nothing(client, db):
    make_geography(db)
    page = _send(client, age_band="11-12", anything_else="more football please").get_data(
        as_text=True)
    assert "We did not keep some of what you wrote" in page
    assert not db.session.scalars(select(SafeguardingFlag)).all()
    assert not db.session.scalars(select(Response)).one().flagged
    _nowhere(db, "more football please")


def test_the_not_kept_page_is_never_shared_with_the_next_young_person(client, db):
    """The thank-you page is cached for everyone; the not-kept one is this child's own."""
    make_geography(db)
    assert "did not keep" in _send(client, age_band="11-12",
                                   anything_else="hello").get_data(as_text=True)
    for _ in range(2):
        assert "did not keep" not in _send(client).get_data(as_text=True)


@pytest.mark.parametrize("age", ["13-15", "not_say"])
def test_words_from_13_and_over_are_kept_and_flagged_as_before(client, db, age):
    make_geography(db)
    page = _send(client, age_band=age, anything_else=WORDS).get_data(as_text=True)
    assert "did not keep" not in page
    flag = db.session.scalars(select(SafeguardingFlag)).one()
    assert flag.text_kept is True
    assert db.session.scalars(select(Answer.value).where(Answer.is_free_text)).one() == WORDS


# -- in the browser ----------------------------------------------------------------------

def _thanks_says_not_kept(page):
    expect(page.get_by_text("Your answers have been sent")).to_be_visible()
    expect(page.locator("#not-kept")).to_contain_text("did not keep")
    expect(page.locator("#not-kept")).to_contain_text("0800 1111")


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [False, True])
def test_in_the_browser_the_child_is_told_and_the_lead_sees_the_flag(
        live_server, browser_page, db, javascript):  # noqa: F811
    make_geography(db)
    page = browser_page(width=360, height=640, javascript=javascript)
    page.goto(live_server.url + URL)
    for question, value in (("wishes", "drop_in"), ("barriers", "transport")):
        page.locator(f'input[name="{question}"][value="{value}"]').check()
    if javascript:  # typed at 13 to 15, then the age changed: the box hides, words stay
        page.locator('input[name="age_band"][value="13-15"]').check()
        page.fill("#anything_else", WORDS)
        page.locator('input[name="age_band"][value="11-12"]').check()
        expect(page.locator("#anything_else")).to_be_hidden()
        page.fill("#area-typeahead", "Colwall")
    else:  # every box shows, with its age note
        expect(page.locator("#anything_else")).to_be_visible()
        page.locator('input[name="age_band"][value="11-12"]').check()
        page.fill("#anything_else", WORDS)
        page.select_option("#area", "E04000001")
    click_and_wait_for_navigation(page, "button[type=submit]")
    _thanks_says_not_kept(page)
    keep(page, f"survey-not-kept-360-js{int(javascript)}")
    _nowhere(db, WORDS)
    flag = db.session.scalars(select(SafeguardingFlag)).one()
    assert flag.text_kept is False and "abuse" in flag.matched
    make_user(db, "safeguarding", email="lead@example.org")
    lead = browser_page(width=1280, height=800)
    sign_in_as(lead, live_server, "lead@example.org")
    lead.goto(live_server.url + f"/safeguarding/{flag.ref}")
    expect(lead.locator("#not-kept")).to_contain_text("What they wrote was not kept.")
