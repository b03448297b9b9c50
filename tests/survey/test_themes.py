"""Themes of what young people wrote (issue 25): the codebook, keyword coding,
suggestions, personal details in quotes, and the published counts by area type."""

from __future__ import annotations

from datetime import date

import pytest

from app.models import Answer, SurveyWave, ThemeCode, ThemeQuote
from app.publication import Schedule, survey_themes, wave_themes
from app.survey.themes import (
    CodebookError,
    Suggester,
    compile_codebook,
    load_codebook,
    personal_details,
)
from tests.county import County

CITY, TOWN, RURAL = "E01000001", "E01000002", "E01000003"
PARISH = "E04000003"  # covers the rural LSOA: answers recorded at parish level


# ---------------------------------------------------------------- pure parts

def test_keywords_match_whole_words_ignoring_case_and_punctuation():
    book = load_codebook()
    assert book.keyword_themes("The BUS only comes twice a day!!") == ["transport"]
    # "bus" inside another word is not the bus
    assert book.keyword_themes("my mum runs a business") == []
    # a phrase ending in * takes any ending
    assert book.keyword_themes("I was bullied in year 8") == ["bullying"]
    assert book.keyword_themes("it's too expensive and the bus is late") == ["cost", "transport"]
    assert book.keyword_themes("") == []


def test_a_broken_codebook_is_refused_naming_the_problem():
    with pytest.raises(CodebookError, match="appears twice"):
        compile_codebook({"themes": [{"id": "a", "label": "A", "keywords": ["x"]},
                                     {"id": "a", "label": "B", "keywords": ["y"]}]})
    with pytest.raises(CodebookError, match="'b' needs a list of keywords"):
        compile_codebook({"themes": [{"id": "b", "label": "B", "keywords": []}]})
    with pytest.raises(CodebookError, match="area_types"):
        compile_codebook({"themes": [{"id": "c", "label": "C", "keywords": ["z"]}],
                          "area_types": {"C1": "village"}})


def test_the_model_suggests_a_theme_its_keywords_miss():
    """Trained on confirmed codes, it finds "lifts" phrasing without the keyword."""
    book = load_codebook()
    texts = ["mum can never drive me there", "no one can drive me to the club",
             "my dad cannot drive me at night", "nobody to drive me about",
             "need someone to drive me", "want to play chess", "like reading books",
             "more chess clubs", "a book club", "reading group"]
    codes = [["transport"]] * 5 + [[]] * 5
    got = Suggester(book).fit(texts, codes).suggest(["gran cannot drive me anymore",
                                                     "chess on thursdays"])
    assert "transport" in got[0] and got[0]["transport"] < 1.0  # the model's, not a keyword
    assert "transport" not in got[1]


@pytest.mark.parametrize("text, found", [
    ("email me at sam.smith@example.com about it", "an email address"),
    ("text me 07700 900123", "a phone number"),
    ("call 01432 260000", "a phone number"),
    ("I live at HR4 9AB near the shop", "a postcode"),
    ("add me @skater_kid99", "a social media handle"),
    ("my name is Jo and I'm bored", "a name"),
])
def test_personal_details_are_found(text, found):
    assert found in personal_details(text)


def test_ordinary_words_have_no_personal_details():
    assert personal_details("the 2 buses a day cost £3.50 each, 10 mins late") == []


# ------------------------------------------------------------ publication

def build(db, *, rural_confirmed=30, rural_suggested=10, town=5, city_suggested=20):
    """Three LSOAs (city UN1, town UF1, rural RSF1) and a parish over the rural one.
    Rural: answers about the bus, ``rural_confirmed`` confirmed as transport by a
    person and ``rural_suggested`` only suggested; town: answers about cost,
    confirmed; city: answers about a youth club, only suggested."""
    county = County(db.session, today=date(2026, 3, 1), token_prefix="th-")
    for n, (code, klass) in enumerate(((CITY, "UN1"), (TOWN, "UF1"), (RURAL, "RSF1"))):
        county.lsoa(code, f"LSOA {n}", corner=(350000 + 4000 * n, 250000), size=2000)
        county.classes(code, {"ruc_class": klass})
    county.parish(PARISH, "Ruralton", corner=(358000, 250000), size=2000)
    (survey,) = county.load_surveys()
    made = []

    def write(area, text, n, status, theme, **kw):
        for _ in range(n):
            r = county.response(survey.slug, area, free_text={"anything_else": text}, **kw)
            made.append((r, status, theme))

    write(RURAL, "the bus never comes", rural_confirmed // 2, "confirmed", "transport")
    write(PARISH, "the bus never comes", rural_confirmed - rural_confirmed // 2,
          "confirmed", "transport")
    write(RURAL, "no bus to get there", rural_suggested, "suggested", "transport")
    write(TOWN, "it is too expensive", town, "confirmed", "cost")
    write(CITY, "a youth club please", city_suggested, "suggested", "drop_in")
    county.commit()
    for response, status, theme in made:
        answer = next(a for a in response.answers if a.is_free_text)
        db.session.add(ThemeCode(answer_id=answer.id, theme=theme, status=status))
    db.session.commit()
    return county, made


def publish(county, **kw):
    county.publish(schedule=Schedule(**kw))
    return survey_themes(county.session, "youth-voice")


def counts(doc, theme):
    return next(t for t in doc["themes"] if t["id"] == theme)["counts"]


def test_confirmed_themes_are_counted_by_area_type_and_protected(db):
    county, _made = build(db)
    doc = publish(county)
    transport = counts(doc, "transport")
    # 30 confirmed, all rural (half recorded at the parish, placed in the rural LSOA):
    # the cell key method moves 30 by at most 4, then rounds to 5.
    assert transport["rural"] in (25, 30, 35)
    assert transport["all"] == transport["rural"]  # the same people: the same figure
    assert transport["city"] is None and transport["town"] is None
    # The 10 only suggested do not count: 40 would publish at least 35.
    assert transport["all"] <= 35
    # 5 confirmed cost answers in the town: fewer than 10, so not shown anywhere.
    assert counts(doc, "cost") == {"city": None, "town": None, "rural": None, "all": None}
    # 20 suggested youth-club answers, none confirmed: nothing to show.
    assert counts(doc, "drop_in")["all"] is None
    assert doc["min"] == 10 and doc["types"] == ["city", "town", "rural"]
    # Everyone who wrote (65): a protected count, rounded to 5.
    assert doc["wrote"]["all"] % 5 == 0 and 60 <= doc["wrote"]["all"] <= 70


def test_a_suggestion_counts_once_a_person_confirms_it(db):
    county, made = build(db, rural_confirmed=0, rural_suggested=30)
    assert counts(publish(county), "transport")["all"] is None
    for code in db.session.query(ThemeCode).filter_by(theme="transport"):
        code.status = "confirmed"
    db.session.commit()
    assert counts(publish(county), "transport")["rural"] in (25, 30, 35)


def test_themes_are_published_for_each_survey_wave(db, client, auth):
    """30 rural transport answers on 1 March (the "spring" wave) and 15 more on 1
    February (the "winter" wave): each wave publishes its own count beside all 45."""
    county, _made = build(db, rural_confirmed=30, rural_suggested=0, town=0, city_suggested=0)
    earlier = [county.response("youth-voice", RURAL, submitted_on=date(2026, 2, 1),
                               free_text={"anything_else": "the bus never comes"})
               for _ in range(15)]
    county.commit()
    for response in earlier:
        answer = next(a for a in response.answers if a.is_free_text)
        db.session.add(ThemeCode(answer_id=answer.id, theme="transport", status="confirmed"))
    db.session.add_all([
        SurveyWave(survey_slug="youth-voice", name="winter", opens_on=date(2026, 1, 1),
                   closes_on=date(2026, 2, 28)),
        SurveyWave(survey_slug="youth-voice", name="spring", opens_on=date(2026, 3, 1),
                   closes_on=date(2026, 5, 31)),
        SurveyWave(survey_slug="youth-voice", name="summer", opens_on=date(2026, 6, 1),
                   closes_on=date(2026, 8, 31))])  # nobody yet: no table
    db.session.commit()
    every = counts(publish(county), "transport")
    waves = dict(wave_themes(db.session, "youth-voice"))
    assert list(waves) == ["winter", "spring"]
    # Each count is moved by at most 4 by the cell key method, then rounded to 5.
    assert every["all"] in (40, 45, 50) and every["rural"] == every["all"]
    assert counts(waves["winter"], "transport")["all"] in (10, 15, 20)
    assert counts(waves["spring"], "transport")["all"] in (25, 30, 35)
    assert waves["winter"]["wave"] == "winter" and waves["spring"]["wrote"]["all"] in (25, 30, 35)
    auth.login_as("councillor")
    page = client.get("/results/youth-voice").get_data(as_text=True)
    assert "What they wrote about in wave winter" in page
    assert "What they wrote about in wave spring" in page
    assert "What they wrote about in wave summer" not in page


def test_the_minimum_is_a_setting(db):
    county, _made = build(db, rural_confirmed=12, rural_suggested=0)
    assert counts(publish(county, themes_min=10), "transport")["rural"] in (10, 15)
    assert counts(publish(county, themes_min=20), "transport")["rural"] is None


def test_only_approved_quotes_without_personal_details_are_published(db):
    county, made = build(db)
    rural = [r for r, status, _t in made if status == "confirmed"
             and r.answers[0].value == "the bus never comes"]
    quoted, unapproved, leaky = (next(a for a in r.answers if a.is_free_text)
                                 for r in rural[:3])
    leaky.value = "the bus never comes, email me on kid@example.com"
    db.session.add_all([ThemeQuote(answer_id=quoted.id, theme="transport", approved=True),
                        ThemeQuote(answer_id=unapproved.id, theme="transport",
                                   approved=False),
                        ThemeQuote(answer_id=leaky.id, theme="transport", approved=True)])
    db.session.commit()
    doc = publish(county)
    quotes = next(t for t in doc["themes"] if t["id"] == "transport")["quotes"]
    assert quotes == ["the bus never comes"]  # one approved; the email never
    assert "kid@example.com" not in str(doc)


def test_retention_deletes_the_words_with_their_themes_and_quotes(db, app):
    """The retention job deletes old free text: its codes and quote approval go too,
    and the next snapshot has no themes left to show."""
    from app.cli.retention import run_retention

    county, made = build(db, rural_confirmed=12, rural_suggested=0, town=0,
                         city_suggested=0)
    first = next(a for a in made[0][0].answers if a.is_free_text)
    db.session.add(ThemeQuote(answer_id=first.id, theme="transport", approved=True))
    db.session.commit()
    assert counts(publish(county), "transport")["rural"] in (10, 15)
    days = int(app.config["RETENTION_FREE_TEXT_DAYS"])
    run_retention(db.session, app.config, today=date.fromordinal(
        date(2026, 3, 1).toordinal() + days + 1))
    db.session.commit()
    assert db.session.query(Answer).filter_by(is_free_text=True).count() == 0
    assert db.session.query(ThemeCode).count() == 0
    assert db.session.query(ThemeQuote).count() == 0
    assert publish(county) is None  # nobody's words left: no themes document
