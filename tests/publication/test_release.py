"""The release model's rules, cell by cell, and the checks that hold answers one
person could have sent in bulk (through the public form and the admin's page)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from app.disclosure import DisclosureRule
from app.models import Campaign, Response
from app.publication import CellKeyMethod
from app.publication.release import Member, Releaser, ReleaseRule
from tests.publication.county import build, read_everything
from tests.publication.support import publish_now, submit, switch

CLEE_CODE = "E04000013"  # 9 answers in the small county
METHOD = CellKeyMethod(DisclosureRule())
RULE = ReleaseRule(min_changed=10, max_open=5, zero_margin=20)


def people(ids, opened=False):
    return [Member(i, (i * 89) % 256, opened) for i in ids]


def _next(rel: Releaser, top: int) -> Releaser:
    return Releaser(METHOD, RULE, rel.state, top)


def test_a_cell_keeps_its_value_until_ten_independent_people_changed_it():
    first = Releaser(METHOD, RULE, None, 30)
    start = first.cell("c", people(range(1, 31)), 100)
    assert start is not None and start % 5 == 0
    # Nine more (through a campaign or loaded): the value is kept.
    second = _next(first, 39)
    assert second.cell("c", people(range(1, 40)), 100) == start and second.kept == 1
    # Changes add up across snapshots: one more makes ten since the last release.
    third = _next(second, 40)
    now = third.cell("c", people(range(1, 41)), 100)
    assert now == METHOD.publish_cell([(i * 89) % 256 for i in range(1, 41)])
    assert third.kept == 0
    # People leaving (retention, deletion) count as changes too: 8 gone, kept; 10, not.
    fourth = _next(third, 40)
    assert fourth.cell("c", people(range(1, 33)), 100) == now and fourth.kept == 1
    fifth = _next(fourth, 40)
    assert fifth.cell("c", people(range(1, 31)), 100) == start and fifth.kept == 0


def test_open_link_answers_alone_never_change_a_cell():
    first = Releaser(METHOD, RULE, None, 3)
    hidden = first.cell("c", people(range(1, 4)), 100)
    assert hidden is None
    later = _next(first, 103)
    # A hundred more through the open link count as five: still the old value.
    assert later.cell("c", people(range(1, 4)) + people(range(4, 104), opened=True),
                      200) is None
    # Five more from a campaign make ten: the cell is worked out again.
    again = _next(later, 108)
    assert again.cell("c", people(range(1, 4)) + people(range(4, 104), opened=True)
                      + people(range(104, 109)), 200) is not None


def test_zeros_are_hidden_in_small_groups_and_new_cells_wait_for_ten():
    rel = Releaser(METHOD, RULE, None, 0)
    assert rel.cell("small", [], 19) is None
    assert rel.cell("large", [], 20) == 0
    assert rel.cell("whole survey", [], None) == 0
    # The same cell asked for twice in one snapshot (two tables, same people): one value.
    assert rel.cell("small", people([1]), 19) is None
    later = _next(rel, 12)
    assert later.cell("new", people(range(1, 10)), 100) is None  # 9: hidden
    assert later.cell("new too", people(range(1, 13)), 100) is not None  # 12: worked out
    assert later.cell("new and empty", [], 100) == 0


def test_a_burst_through_the_open_link_is_held_until_an_admin_releases_it(client, db, auth,
                                                                          monkeypatch):
    build(db, 3)
    camp = Campaign(survey_slug="youth-voice", code="bod2345", name="Bodenham School",
                    kind="school", pupils=2)
    db.session.add(camp)
    db.session.commit()
    publish_now(db)
    monkeypatch.setattr("app.survey.service.today", lambda: date(2026, 3, 2))
    for barriers in (["cost"], ["transport"], ["time"], ["nothing_near"]):
        submit(client, CLEE_CODE, barriers, age="16-17")  # 4 from Clee in a day: held
    for _ in range(3):  # 3 identical answers through one campaign link: held
        submit(client, "E04000012", ["cost"], age="11-12", code="bod2345")
    submit(client, "E04000014", ["time"])  # one ordinary answer: counted
    switch(auth, "councillor")
    before = read_everything(client)
    switch(auth, "admin")
    assert client.post("/admin/publish").status_code == 302
    reviews = sorted(db.session.scalars(select(Response.review)
                                        .where(Response.review.is_not(None))))
    assert reviews == ["counted"] + ["held"] * 7
    page = client.get("/admin/publish").get_data(as_text=True)
    assert "The open survey link" in page and "Bodenham School" in page
    assert re.search(r"Clee</td><td class=\"num\">4</td>", page)
    # Held answers are in no published figure (and one ordinary answer changes none).
    switch(auth, "councillor")
    after = read_everything(client)
    assert after["csv"] == before["csv"]
    # The admin knows the Clee answers came from a youth club evening: released, they
    # count from the next snapshot.
    switch(auth, "admin")
    key = re.search(r'name="release" value="(open\|2026-03-02\|E04000013)"', page).group(1)
    resp = client.post("/admin/publish", data={"release": key}, follow_redirects=True)
    assert "Released 4 answers" in resp.get_data(as_text=True)
    assert db.session.scalars(select(Response.review).where(
        Response.area_code == CLEE_CODE, Response.review.is_not(None))).all() == ["released"] * 4
    again = client.post("/admin/publish", data={"release": key})
    assert again.status_code == 409 and "no longer held" in again.get_data(as_text=True)


def test_a_small_area_is_published_as_its_total_only(client, db, auth):
    build(db, 4)
    publish_now(db)
    auth.login_as("councillor")
    html = client.get(f"/results/youth-voice?area={CLEE_CODE}&age=13-15").get_data(as_text=True)
    assert 'id="no-breakdown"' in html and "at least 50 answers" in html
    assert "Answers to each question" not in html
    text = client.get(f"/results/youth-voice/tables.csv?area={CLEE_CODE}&age=13-15"
                      ).get_data(as_text=True)
    lines = text.splitlines()
    assert lines[0] == "table,row,column,value" and len(lines) == 2
    assert re.fullmatch(r"Answers,Total,Answers,(\[c\]|\d+)", lines[1])
    # With a lower threshold the same area is broken down.
    publish_now(db, PUBLISH_BREAKDOWN_MIN=5, PUBLISH_CELL_MIN_CHANGED=0)
    html = client.get(f"/results/youth-voice?area={CLEE_CODE}").get_data(as_text=True)
    assert 'id="no-breakdown"' not in html and "Answers to each question" in html
