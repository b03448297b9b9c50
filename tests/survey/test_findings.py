"""Headline findings and shares on the results page: worked out from published counts
only, and never a share beside a hidden count.

The expected shares here are computed independently (exact fractions, rounded half
up), not by calling the code under test again.
"""

from __future__ import annotations

import csv
import html as htmlib
import io
import re
from fractions import Fraction

import pytest

from app.publication import Table
from app.survey.findings import headline, headlines, question_view, share, share_text
from tests.survey.test_results import _populate


def expected_share(count, base):
    """Whole percent, half up, from exact arithmetic; None when either is hidden."""
    if count is None or base is None or base == 0:
        return None
    return int(Fraction(100 * count, base) + Fraction(1, 2))


def _multiple(values, base, labels=None, title="What stops you?"):
    labels = labels or [f"Answer {k}" for k in range(len(values))]
    return Table("barriers", title, labels, values, base, total_label="People who answered")


def _single(values, total, labels=None, title="How would you get there?"):
    labels = (labels or [f"Answer {k}" for k in range(len(values) - 1)]) + ["No answer"]
    return Table("travel_mode", title, labels, values, total)


# --- shares ---------------------------------------------------------------------------

@pytest.mark.parametrize("count,base", [(10, 20), (15, 40), (25, 40), (10, 1500), (1490, 1500),
                                        (35, 70), (5, 8), (1, 200), (20, 20), (0, 500),
                                        (125, 1000), (375, 1000)])
def test_share_is_the_whole_percentage_rounded_half_up(count, base):
    assert share(count, base) == expected_share(count, base)


def test_no_share_when_either_count_is_hidden_or_the_base_is_zero():
    assert share(None, 100) is None and share(40, None) is None and share(None, None) is None
    assert share(0, 0) is None and share(10, 0) is None
    assert share_text(None, 100) is None and share_text(40, None) is None


def test_a_small_share_of_a_shown_count_never_reads_as_zero():
    # 10 of 2,500 is 0.4%: "0%" would claim nobody; it says "less than 1%".
    assert share(10, 2500) == 0 and share_text(10, 2500) == "less than 1%"
    assert share_text(0, 2500) == "0%"  # a published 0 is a true 0
    assert share_text(45, 100) == "45%" and share_text(45, 90) == "50%"


# --- bars and tables ------------------------------------------------------------------

def test_bars_are_sorted_largest_first_hidden_after_in_survey_order_no_answer_last():
    t = _single([20, None, 300, 0, None, 95, 40], 460,
                ["Walk", "Bike", "Bus", "Lift", "Taxi", "Other"])
    view = question_view(t, 460)
    assert [b.label for b in view.bars] == ["Bus", "Other", "Walk", "Lift", "Bike", "Taxi",
                                            "No answer"]
    # The table keeps the survey's order.
    assert [b.label for b in view.rows] == t.rows
    for bar in view.bars:
        assert bar.pct == expected_share(bar.count, 460)
        if bar.count is None:
            assert bar.pct is None and bar.pct_text is None and bar.width == 0


def test_the_order_of_hidden_answers_does_not_depend_on_their_true_size():
    # Two surveys that differ only inside hidden cells publish the same values, so
    # the same chart: order and widths come from published figures only.
    a = question_view(_multiple([None, 50, None, 20], 120), 130)
    b = question_view(_multiple([None, 50, None, 20], 120), 130)
    assert [(x.label, x.width) for x in a.bars] == [(x.label, x.width) for x in b.bars]
    assert [x.label for x in a.bars] == ["Answer 1", "Answer 3", "Answer 0", "Answer 2"]


def test_multiple_choice_shares_are_of_the_people_who_answered_the_question():
    view = question_view(_multiple([70, 35, 10], 140), 200)
    assert view.multiple and view.base == 140 and view.total == 200
    assert [b.pct for b in view.bars] == [50, 25, 7]


def test_single_choice_shares_are_of_everyone_in_the_results():
    view = question_view(_single([60, 30, 10], 100), 100)
    assert not view.multiple and view.base == 100
    assert [b.pct_text for b in view.bars] == ["60%", "30%", "10%"]


# --- headline sentences ---------------------------------------------------------------

def test_headline_sentences_say_most_only_above_half():
    t = _multiple([620, 410, 90], 1000, ["A drop-in youth club", "Sport", "Music"],
                  "What would you like to do more of?")
    f = headline(question_view(t, 1100))
    assert f.question == "What would you like to do more of?"
    assert f.sentence == ("Most young people who answered (62%) said "
                          "\u201cA drop-in youth club\u201d.")
    t = _multiple([410, 620 - 300, 90], 1000, ["It costs too much", "Transport", "Unsafe"])
    assert headline(question_view(t, 1000)).sentence == (
        "The most common answer was \u201cIt costs too much\u201d (41% of young people who "
        "answered).")
    half = _single([50, 40, 10], 100, ["Walk", "Bus"])  # 50% is not "most"
    assert headline(question_view(half, 100)).sentence.startswith("The most common answer was")


def test_headline_names_ties_together_and_skips_no_answer():
    t = _single([30, 30, 10, 60], 130, ["Walk", "Bus", "Bike"])
    f = headline(question_view(t, 130))
    assert f.sentence == ("The most common answers were \u201cWalk\u201d and \u201cBus\u201d "
                          "(23% of young people who took part each).")


def test_no_headline_when_the_base_or_every_answer_is_hidden():
    assert headline(question_view(_multiple([20, 10], None), None)) is None
    assert headline(question_view(_multiple([None, None], 20), 20)) is None
    assert headline(question_view(_multiple([0, 0], 0), 0)) is None
    # The top shown answer is the headline even when a hidden one might be bigger in
    # truth (it cannot be: hidden means 1 to 7), and never a hidden one.
    f = headline(question_view(_multiple([None, 15], 40, ["Hidden", "Shown"]), 40))
    assert "\u201cShown\u201d" in f.sentence and "38%" in f.sentence


def test_a_hundred_percent_share_only_repeats_two_published_counts():
    # 20 of 20 published: the share is 100%, no more than the counts beside it say;
    # the hidden answer next to it still gets no share.
    view = question_view(_single([20, None, 0], 20, ["Walk", "Bus"]), 20)
    walk, bus = view.bars[0], view.bars[1]
    assert (walk.count, walk.pct_text) == (20, "100%")
    assert bus.count is None and bus.pct is None and bus.pct_text is None
    assert headlines([view])[0].sentence == (
        "Most young people who took part (100%) said \u201cWalk\u201d.")


# --- on the page: attack the published page ------------------------------------------

ROW = re.compile(r'<tr(?: class="total-row")?><th scope="row">([^<]*)</th><td class="num">(.*?)</td>'
                 r'<td class="num share">(.*?)</td></tr>', re.S)


def _value(cell: str):
    cell = re.sub(r"<[^>]+>", "", cell).strip()
    return None if cell == "[c]" else int(cell.replace(",", ""))


def _tables(html: str) -> dict[str, list[tuple[str, object, str]]]:
    """{question: [(answer, published count, share text)]} from the page's tables."""
    out = {}
    for block in re.findall(r'<caption class="visually-hidden">(.*?)</caption>(.*?)</table>',
                            html, re.S):
        title, body = block
        rows = [(htmlib.unescape(a), _value(c), re.sub(r"<[^>]+>", "", s).strip())
                for a, c, s in ROW.findall(body)]
        if rows:
            out[htmlib.unescape(title)] = rows
    return out


def _check_page(html: str) -> int:
    """Every share on the page is the share of the two published counts beside it
    and none appears where either is hidden.  Returns how many shares were checked."""
    checked = 0
    tables = _tables(html)
    for title, rows in tables.items():
        *answers, (total_label, base, _) = rows
        for answer, count, text in answers:
            want = expected_share(count, base)
            if want is None:
                assert "%" not in text and text == "[c]", (title, answer, count, base, text)
            else:
                got = "less than 1%" if want == 0 and count else f"{want}%"
                assert text == got, (title, answer, count, base, text)
                checked += 1
    # The chart's labels and the headline sentences repeat those shares, never others.
    for rows in tables.values():
        *answers, (_t, base, _s) = rows
        for answer, count, _text in answers:
            for value in re.findall(
                    r'<span class="bar-label">' + re.escape(htmlib.escape(answer, quote=False))
                    + r'</span>\s*<span class="bar-value">([^<]*)</span>', html):
                if count is None:
                    assert value == "[c] too few to show"
                elif base is None:
                    assert "%" not in value
    bodies = re.findall(r'<span class="finding-question">(.*?)</span> (.*?)</li>', html, re.S)
    for question, sentence in bodies:
        question = htmlib.unescape(question)
        answers = {a: (c, t) for a, c, t in tables[question][:-1]}
        quoted = re.findall("\u201c(.*?)\u201d", htmlib.unescape(sentence))
        pct = re.search(r"\((?:\D*?)(\d+%|less than 1%)", htmlib.unescape(sentence))
        assert pct, sentence
        for answer in quoted:
            count, text = answers[answer]
            assert count is not None and text == pct.group(1), (question, sentence)
        checked += 1
    return checked


@pytest.mark.parametrize("query", ["", "?age=13-15", "?area=E04000001", "?area=E04000003",
                                   "?area=E04000001&age=16-17", "?area=E04000002&age=18-19"])
def test_every_share_on_the_page_comes_from_the_published_counts_beside_it(client, db, auth,
                                                                          query):
    _populate(db)
    auth.login_as("councillor")
    html = client.get("/results/youth-voice" + query).get_data(as_text=True)
    if "Too few answers to show results" in html:
        assert "%" not in html.split("<main", 1)[-1].split("</main>")[0].replace("100%", "")
        return
    assert _check_page(html) > 0


def test_a_share_never_appears_beside_a_hidden_count(client, db, auth):
    # A small survey: most cells hidden.  Every hidden count gets "[c]" as its share
    # and no bar length; a share appears only where both counts are published.
    _populate(db, n=40, seed=3)
    auth.login_as("councillor")
    html = client.get("/results/youth-voice").get_data(as_text=True)
    tables = _tables(html)
    hidden = [(t, a) for t, rows in tables.items() for a, c, _s in rows if c is None]
    assert hidden, "the small survey should have hidden answers"
    for title, rows in tables.items():
        for answer, count, text in rows:
            if count is None:
                assert text == "[c]", (title, answer)
    for width in re.findall(r'bar-hidden[^>]*>.*?style="width: ([\d.]+)%"', html, re.S):
        assert float(width) == 0
    _check_page(html)


def test_the_csv_keeps_counts_and_has_the_area_figure_the_page_states(client, db, auth):
    _populate(db)
    auth.login_as("councillor")
    html = client.get("/results/youth-voice").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(
        client.get("/results/youth-voice/tables.csv").get_data(as_text=True))))
    gave = [r["value"] for r in rows if r["table"] == "Answers that gave an area"]
    total = [r["value"] for r in rows if r["table"] == "Answers by area" and r["row"] == "Total"]
    assert len(gave) == 1 and len(total) == 1
    said = re.search(r'id="gave-area">([\d,]+) of ([\d,]+) answers gave an area', html)
    assert said, "the page says how many answers gave an area"
    assert said.group(1).replace(",", "") == gave[0] and said.group(2).replace(",", "") == total[0]
    assert int(gave[0]) % 5 == 0 and int(gave[0]) < int(total[0])


def test_a_question_nobody_answered_says_so_and_a_hidden_count_is_somebody():
    assert not question_view(_single([0, 0, 235], 235), 235).answered
    assert question_view(_single([0, None, 230], 235), 235).answered
    assert headline(question_view(_single([0, 0, 235], 235), 235)) is None
