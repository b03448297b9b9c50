"""Survey waves: this wave beside the last, per area, on the results page and the
ward report, from published figures only (issue 25)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from app import publication
from tests.survey.waves_county import NO_NOISE, PARISHES, SIZES, WAVES, build, by_hand


@pytest.fixture
def frozen_today(monkeypatch):
    """The pages' today: inside wave 2026."""
    import app.survey.results_service as rs

    monkeypatch.setattr(rs, "today", lambda: date(2026, 3, 1))


def _rows(html: str, table_id: str) -> dict[str, list[str]]:
    body = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        head = re.search(r"<th[^>]*>(.*?)</th>", row, re.S)
        cells = [re.sub(r"<[^>]+>", "", c).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if head and cells:
            out[unescape(re.sub(r"<[^>]+>", "", head.group(1)).strip())] = [unescape(c)
                                                                           for c in cells]
    return out


def _change(before, after) -> str:
    if before is None or after is None:
        return "no change given"
    diff = after - before
    return "no change" if diff == 0 else (f"+{diff}" if diff > 0 else f"\u2212{-diff}")


def _shown(v) -> str:
    return "[c]" if v is None else f"{v:,}"


def test_each_area_this_wave_beside_the_last_matches_a_hand_count(db, auth, frozen_today):
    build(db).publish(NO_NOISE)
    auth.login_as("councillor")
    html = auth.client.get("/results/youth-voice").get_data(as_text=True)
    rows = _rows(html, "wave-areas")
    for code, (name, _x) in PARISHES.items():
        before, after = (by_hand(n) for n in SIZES[code])
        assert rows[name] == [_shown(before), _shown(after), _change(before, after)], name
    # The whole survey: 85 answers in 2025 (published 85), 77 in 2026 (published 75).
    totals = re.sub(r"<[^>]+>", "", re.search(r'id="wave-totals">(.*?)</p>', html, re.S)
                    .group(1))
    assert "Wave 2026: 75 answers; wave 2025: 85; change: \u221210." in unescape(totals)


def test_a_hidden_count_in_either_wave_shows_no_change(db, auth, frozen_today):
    build(db).publish(NO_NOISE)
    auth.login_as("councillor")
    rows = _rows(auth.client.get("/results/youth-voice").get_data(as_text=True), "wave-areas")
    # Cradley: 5 answers in 2025 (hidden), 30 in 2026: no change is worked out.
    assert rows["Cradley"] == ["[c]", "30", "no change given"]


def test_one_area_this_wave_beside_the_last(db, auth, frozen_today):
    build(db).publish(NO_NOISE)
    auth.login_as("councillor")
    html = auth.client.get("/results/youth-voice?area=E04000101").get_data(as_text=True)
    assert "This wave beside the last: Ashperton" in html
    totals = unescape(re.sub(r"<[^>]+>", "", re.search(r'id="wave-totals">(.*?)</p>', html,
                                                       re.S).group(1)))
    assert "Wave 2026: 35 answers; wave 2025: 20; change: +15." in totals


def test_a_renamed_option_counts_together(db, auth, frozen_today):
    build(db).publish(NO_NOISE)
    snap = publication.latest(db.session)
    label = "A drop-in youth club"
    for wave, expected in (("2025", 85), ("2026", 75)):  # 85 said "club", 77 "drop_in"
        _total, tables = publication.wave_tables(db.session, snap, "youth-voice", wave)
        wishes = next(t for t in tables if t.id == "wishes")
        assert dict(zip(wishes.rows, wishes.values, strict=True))[label] == expected
    _total, tables, _snap = publication.survey_tables(db.session, "youth-voice")
    wishes = next(t for t in tables if t.id == "wishes")
    assert dict(zip(wishes.rows, wishes.values, strict=True))[label] == by_hand(85 + 77)
    # The page: the share of "A drop-in youth club" is 100% in both waves, no change.
    auth.login_as("councillor")
    rows = _rows(auth.client.get("/results/youth-voice").get_data(as_text=True),
                 "wave-q-wishes")
    assert rows[label] == ["100%", "100%", "no change"]


def test_without_the_option_map_old_answers_are_not_counted_as_the_new_option(db):
    build(db, with_map=False).publish(NO_NOISE)
    snap = publication.latest(db.session)
    _total, tables = publication.wave_tables(db.session, snap, "youth-voice", "2025")
    wishes = next(t for t in tables if t.id == "wishes")
    assert dict(zip(wishes.rows, wishes.values, strict=True))["A drop-in youth club"] == 0


def test_the_ward_report_shows_this_wave_beside_the_last(db, auth):
    build(db).publish(NO_NOISE)
    auth.login_as("councillor")
    html = auth.client.get("/ward/E05000101").get_data(as_text=True)
    text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)))
    # Every answer is in the ward: 85 then 77 (75 published); all named cost.
    assert "Survey wave 2026 beside 2025: 75 responses from the ward, against 85 " \
           "(change -10)." in text
    assert "Named cost: 100% in 2026, 100% in 2025 (+0 points)" in text


def test_no_waves_no_wave_section(db, auth, frozen_today):
    build(db, waves=False).publish(NO_NOISE)
    auth.login_as("councillor")
    html = auth.client.get("/results/youth-voice").get_data(as_text=True)
    assert 'id="waves"' not in html


def test_an_admin_makes_a_wave_and_overlapping_dates_are_refused(db, auth):
    build(db, waves=False).commit()
    auth.login_as("admin")
    resp = auth.client.post("/admin/surveys/youth-voice/waves", data={
        "name": "2025", "opens_on": "2025-01-01", "closes_on": "2025-06-30"})
    assert resp.status_code == 302
    resp = auth.client.post("/admin/surveys/youth-voice/waves", data={
        "name": "2025b", "opens_on": "2025-06-01", "closes_on": "2025-12-31"})
    assert resp.status_code == 400
    assert "These dates overlap wave 2025" in resp.get_data(as_text=True)
    resp = auth.client.post("/admin/surveys/youth-voice/waves", data={
        "name": "bad name!", "opens_on": "2026-01-01", "closes_on": "2025-12-31"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "letters, digits" in body and "on or after the open date" in body
    names = [w.name for w in publication.survey_waves(db.session, "youth-voice")]
    assert names == ["2025"]


def test_the_command_line_makes_a_wave(db, runner):
    build(db, waves=False).commit()
    opens, closes = WAVES["2026"]
    result = runner.invoke(args=["surveys", "wave", "create", "youth-voice", "2026",
                                 "--opens", opens.isoformat(), "--closes",
                                 closes.isoformat()])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["surveys", "wave", "create", "youth-voice", "2026b",
                                "--opens", "2026-03-01", "--closes", "2026-12-31"])
    assert again.exit_code != 0 and "overlap wave 2026" in again.output
    (wave,) = publication.survey_waves(db.session, "youth-voice")
    assert (wave.name, wave.opens_on, wave.closes_on) == ("2026", opens, closes)


def test_a_wave_holds_the_answers_sent_within_its_dates_and_versions():
    from app.models import SurveyWave

    wave = SurveyWave(survey_slug="s", name="2026", opens_on=date(2026, 1, 1),
                      closes_on=date(2026, 6, 30), versions=[2])
    assert wave.holds(date(2026, 1, 1), 2) and wave.holds(date(2026, 6, 30), 2)
    assert not wave.holds(date(2025, 12, 31), 2) and not wave.holds(date(2026, 7, 1), 2)
    assert not wave.holds(date(2026, 3, 1), 1)  # another version
    wave.versions = []
    assert wave.holds(date(2026, 3, 1), 1)
