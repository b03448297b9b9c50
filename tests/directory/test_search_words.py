"""Search as people type: synonyms, word forms and typos, on the demo county; and a
search that survives opening a result and going back."""

from __future__ import annotations

import re

import pytest

from app.demo import DemoContext
from app.demo import directory as demo_directory
from app.directory.words import (
    SynonymError,
    compile_synonyms,
    load_synonyms,
    parse_query,
    stem,
    vocabulary_of,
    words,
)
from app.models import Service

from .demo_geo import make_demo_geography


def _names(resp) -> list[str]:
    from html import unescape

    page = resp.get_data(as_text=True)
    return [unescape(n) for n in re.findall(
        r'<h3 class="heading-s"><a href="/directory/\d+[^"]*">([^<]+)</a>', page)]


@pytest.fixture
def demo(db):
    make_demo_geography(db.session)
    demo_directory.build(db.session, DemoContext(seed=7))
    db.session.commit()
    return db


def _active(db, pattern):
    return sorted(s.name for s in db.session.query(Service).filter_by(status="active")
                  if re.search(pattern, s.name))


def test_football_finds_every_football_club_fc_included(client, demo):
    clubs = _active(demo, r"Football|\bFC\b")
    assert any("Town FC Juniors" in n for n in clubs) and any("Football" in n for n in clubs)
    assert len(clubs) >= 3
    for q in ("football", "Football", "soccer", "footbal", "fotball"):
        resp = client.get("/directory", query_string={"q": q})
        assert resp.status_code == 200
        assert sorted(_names(resp)) == clubs, q


def test_a_typo_is_said_plainly(client, demo):
    html = client.get("/directory?q=fotball").get_data(as_text=True)
    assert "No listing uses the word “fotball”" in html and "“football”" in html
    assert "No listing uses" not in client.get("/directory?q=football").get_data(as_text=True)


def test_theater_finds_the_youth_theatre_and_cubs_find_scouts(client, demo):
    assert _names(client.get("/directory?q=theater")) == _active(demo, r"Theatre")
    scouts = _active(demo, r"Scouts")
    assert len(scouts) >= 3
    assert sorted(_names(client.get("/directory?q=cubs"))) == scouts
    # Words still narrow: every word must match.
    assert _names(client.get("/directory?q=football+judo")) == []


def test_phrases_and_word_forms(client, demo):
    found = _names(client.get("/directory", query_string={"q": "drop in"}))
    clubs = _active(demo, r".")
    types = {s.name: s.service_type for s in demo.session.query(Service)}
    assert found == sorted(n for n in clubs if types[n] in ("drop_in", "open_access")
                           or re.search(r"Drop-in|Youth Club", n))
    boxing = _names(client.get("/directory?q=boxing"))
    assert any("Kickboxing" in n for n in boxing) and any("Judo" in n for n in boxing)


def test_back_to_the_search_keeps_the_query(client, demo):
    resp = client.get("/directory?q=football&free=&age=12")
    first = re.search(r'<h3 class="heading-s"><a href="(/directory/\d+[^"]*)">', resp.get_data(
        as_text=True))[1].replace("&amp;", "&")
    assert "q=football" in first and "age=12" in first and "free=" not in first
    page = client.get(first).get_data(as_text=True)
    back = re.search(r'<a href="([^"]+)">Back to your search</a>', page)[1]
    assert back.replace("&amp;", "&") in ("/directory?q=football&age=12",
                                          "/directory?age=12&q=football")
    # Anything else in the URL is not carried.
    page = client.get(first + "&evil=%22%3E").get_data(as_text=True)
    assert "evil" not in page


def test_stems_and_vocabulary():
    assert [stem(w) for w in ("clubs", "boxing", "dance", "dancing", "fitness", "activities")] \
        == ["club", "box", "danc", "danc", "fitness", "activity"]
    assert words("St Mary's Drop-in, FC") == ["st", "mary", "drop", "in", "fc"]
    assert vocabulary_of(["Youth Clubs"]) == {"youth": "youth", "club": "clubs"}


def test_the_shipped_synonyms_and_a_councils_own(tmp_path):
    shipped = load_synonyms()
    query = parse_query("cubs", shipped, {})
    assert ("scout",) in query.terms[0].phrases
    own = tmp_path / "words.yaml"
    own.write_text("groups:\n  - [kayak, canoe, paddle sport]\n")
    query = parse_query("canoe", load_synonyms(own), {})
    assert query.matches(words("Kayak club")) and query.matches(words("Paddle sports"))
    assert not query.matches(words("Sports club"))


@pytest.mark.parametrize("data,message", [
    ({"words": []}, "must have a 'groups:' list"),
    ({"groups": [["football"]]}, "group 1 must be a list of two or more words"),
    ({"groups": [["a", "b"], ["c", None]]}, "group 2 has an empty or unreadable entry None"),
])
def test_a_broken_synonyms_file_is_refused_naming_the_group(data, message):
    with pytest.raises(SynonymError, match=re.escape(message)):
        compile_synonyms(data)


def test_a_broken_synonyms_file_names_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("groups: [[football]]\n")
    with pytest.raises(SynonymError, match=re.escape(f"{bad}: group 1")):
        load_synonyms(bad)
