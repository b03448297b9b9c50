"""Results pages and CSV: never a count from 1 to 7, never an unrounded one, no free text."""

from __future__ import annotations

import csv
import io
import random
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.models import Answer, Campaign, Response, Survey
from app.survey.store import sync_definitions
from tests.publication.support import publish_now
from tests.survey.helpers import PARISHES, make_geography


def _populate(db, n=230, seed=7):
    make_geography(db)
    sync_definitions(db.session)
    survey = db.session.scalars(select(Survey)).one()
    camp = Campaign(survey_slug="youth-voice", code="kgt2345", name="Kington High School",
                    kind="school", pupils=612)
    small = Campaign(survey_slug="youth-voice", code="sml2345", name="Tiny Club", kind="club")
    club = Campaign(survey_slug="youth-voice", code="lmc2345", name="Leominster Youth Club",
                    kind="club")
    db.session.add_all([camp, small, club])
    db.session.flush()
    rng = random.Random(seed)
    keys = random.Random(seed + 1)  # record keys: fixed, so published values are too
    ages = ["11-12", "13-15", "16-17", "18-19", "20-24", None]
    for k in range(n):
        area = rng.choices([p[0] for p in PARISHES] + [None], weights=[60, 30, 3, 2])[0]
        r = Response(survey_id=survey.id, survey_slug="youth-voice", survey_version=1,
                     token=f"t{k}", submitted_on=date(2026, 3, 1), area_level="parish" if area else None,
                     area_code=area, age_band=rng.choices(ages, weights=[20, 40, 30, 6, 2, 2])[0],
                     campaign_id=camp.id if k % 4 == 0 else (small.id if k == 5 else
                                                              club.id if k % 10 == 1 else None),
                     record_key=keys.randrange(256))
        for b in rng.sample(["cost", "transport", "nothing_near", "unsafe", "dont_know"],
                            rng.randint(1, 3)):
            r.answers.append(Answer(question_id="barriers", value=b))
        r.answers.append(Answer(question_id="can_pay", value=rng.choice(["0", "1-2", "3-5", "6+"])))
        if k == 3:
            r.answers.append(Answer(question_id="anything_else", value="SECRET FREE TEXT",
                                    is_free_text=True))
        db.session.add(r)
    db.session.commit()
    publish_now(db)


def _numbers(html: str) -> list[int]:
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    return [int(c.replace(",", "")) for c in cells if c.replace(",", "").isdigit()]


@pytest.mark.parametrize("role", ["councillor", "commissioner", "admin"])
def test_results_page_shows_only_safe_numbers(client, db, auth, role):
    _populate(db)
    auth.login_as(role)
    resp = client.get("/results/youth-voice")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    for heading in ("Answers by area", "Answers by age", "Answers by area and age",
                    "Answers by campaign", "What stops you"):
        assert heading in html
    numbers = _numbers(html)
    assert len(numbers) > 20
    assert all(v == 0 or (v > 7 and v % 5 == 0) for v in numbers), numbers
    assert "[c]" in html  # Colwall and the Tiny Club are small
    assert "SECRET FREE TEXT" not in html
    # One chart per question: bars labelled with shares of published counts, and
    # the question's table behind a "Show the table" disclosure.
    assert "Headline findings" in html and html.count("Show the table") >= 3
    shares = re.findall(r'<span class="bar-value">([^<]*)</span>', html)
    assert shares and all(re.fullmatch(r"\d+%|less than 1%|\[c\] too few to show|[\d,]+ answers", s)
                          for s in shares), shares


def test_campaign_rows_show_responses_against_pupils(client, db, auth):
    _populate(db)
    auth.login_as("commissioner")
    html = client.get("/results/youth-voice").get_data(as_text=True)
    row = re.search(r"Kington High School</th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
    shown, pupils, rate = cells
    assert pupils == "612"
    assert int(shown) % 5 == 0 and int(rate) == round(100 * int(shown) / 612)
    tiny = re.search(r"Tiny Club</th>(.*?)</tr>", html, re.S).group(1)
    assert "[c]" in tiny


def test_csv_export_is_the_protected_tables(client, db, auth):
    _populate(db)
    auth.login_as("councillor")
    resp = client.get("/results/youth-voice/tables.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert {"Answers by area", "Answers by area and age", "What stops you doing things you would like to do?"} \
        <= {r["table"] for r in rows}
    values = [r["value"] for r in rows]
    assert "[c]" in values
    for v in values:
        assert v == "[c]" or int(v) == 0 or (int(v) > 7 and int(v) % 5 == 0), v
    # The two-way table's margins are the same published figures as the one-way
    # tables (the same people, so the same cell key and value).
    grid = {(r["row"], r["column"]): r["value"] for r in rows
            if r["table"] == "Answers by area and age"}
    by_area = {r["row"]: r["value"] for r in rows if r["table"] == "Answers by area"}
    in_grid = {row for row, _col in grid} - {"Total"}
    assert in_grid, "the large parishes are broken down by age"
    for area, value in by_area.items():
        if area in in_grid:
            assert grid[(area, "Total")] == value, area
        elif area not in ("Total", "Not said"):
            # Only areas with at least PUBLISH_BREAKDOWN_MIN published answers are
            # broken down by age: Colwall (a handful) shows its total only.
            assert value == "[c]" or int(value) < 50, (area, value)
    assert "Colwall" in by_area and "Colwall" not in in_grid
    assert "SECRET FREE TEXT" not in resp.get_data(as_text=True)


def test_filters_narrow_the_tables_and_hide_tiny_groups(client, db, auth):
    _populate(db)
    auth.login_as("councillor")
    html = client.get("/results/youth-voice?area=E04000001&age=13-15").get_data(as_text=True)
    assert "Answers by area and age" not in html  # the two-way table is for all answers only
    assert all(v == 0 or (v > 7 and v % 5 == 0) for v in _numbers(html))
    from sqlalchemy import func

    small = db.session.execute(
        select(Response.area_code, Response.age_band).where(Response.area_code.is_not(None),
                                                             Response.age_band.is_not(None))
        .group_by(Response.area_code, Response.age_band)
        .having(func.count() <= 7)).first()
    assert small, "the test data should have a small group"
    tiny = client.get(f"/results/youth-voice?area={small[0]}&age={small[1]}")
    assert "Too few answers to show results" in tiny.get_data(as_text=True)


def test_full_export_is_for_admins_only_and_has_no_free_text(client, db, auth):
    _populate(db, n=40)
    auth.login_as("councillor")
    assert client.get("/results/youth-voice/responses.csv").status_code == 403
    auth.logout()
    from tests.survey.helpers import forget_visitor

    forget_visitor()
    auth.login_as("admin")
    resp = client.get("/results/youth-voice/responses.csv")
    assert resp.status_code == 200
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert len(rows) == 40
    assert "SECRET FREE TEXT" not in resp.get_data(as_text=True)
    assert "token" not in rows[0] and "id" not in rows[0]
    assert {"area_code", "age_band", "barriers", "campaign"} <= set(rows[0])


def test_results_index_lists_surveys_with_rounded_counts(client, db, auth):
    _populate(db, n=23)
    auth.login_as("councillor")
    html = client.get("/results").get_data(as_text=True)
    assert "Have your say about things to do" in html
    assert re.search(r">(20|25)<", html)  # 23, changed by at most 4, rounded to 5
