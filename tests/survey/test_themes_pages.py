"""The coding page (who may open it, confirming, quotes refused for personal
details) and "What they wrote about" on the results page, the ward report and
the evidence pack (issue 25)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.models import Answer, AuditEvent, ThemeCode, ThemeQuote
from tests.county import County

WARD = "E05000001"
LSOA = "E01000001"
CENTRE = (380_000, 260_000)


def build(db, *, confirmed=30, suggested=0):
    """One rural ward (one LSOA, class RSF1) with a youth club, and answers saying
    the bus never comes: ``confirmed`` coded "transport" by a person, ``suggested``
    only suggested."""
    county = County(db.session, today=date(2026, 3, 1), token_prefix="tp-")
    county.lsoa(LSOA, "LSOA 1", centre=CENTRE, size=3000, indicators={
        "population_total": 3000, "population_age_13_19": 240, "imd_score": 30.0,
        "idaci_score": 0.25, "rural": 1.0})
    county.classes(LSOA, {"ruc_class": "RSF1"})
    county.ward(WARD, "Northmoor", centre=CENTRE, size=3000)
    county.service("Northmoor Youth Club", CENTRE[0] + 300, CENTRE[1],
                   service_type="open_access", cost_model="free", status="active",
                   sessions=[(2, "18:00", "20:00")])
    (survey,) = county.load_surveys()
    rows = []
    for n in range(confirmed + suggested):
        r = county.response(survey.slug, LSOA, age_band="13-15",
                            free_text={"anything_else": f"the bus never comes ({n})"})
        rows.append((r, "confirmed" if n < confirmed else "suggested"))
    county.commit()
    answers = []
    for response, status in rows:
        answer = next(a for a in response.answers if a.is_free_text)
        db.session.add(ThemeCode(answer_id=answer.id, theme="transport", status=status))
        answers.append(answer.id)
    db.session.commit()
    county.publish()
    return county, answers


def themes_table(html: str) -> dict[str, list[str]]:
    """{theme label: [city, towns, rural, all]} from the "What they wrote about" table."""
    part = html.split('id="themes-heading"', 1)[1].split("</table>", 1)[0]
    out = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", part, re.S):
        out[row[0]] = re.findall(r'<td class="num">(.*?)</td>', row[1])
    return out


@pytest.mark.parametrize("role, status", [("councillor", 403), ("commissioner", 403),
                                          ("safeguarding", 200), ("admin", 200)])
def test_only_roles_that_may_read_free_text_open_the_coding_page(db, client, auth, role,
                                                                   status):
    build(db, confirmed=0, suggested=3)
    assert client.get("/themes/youth-voice").status_code == 302  # anonymous: sign in
    auth.login_as(role)
    page = client.get("/themes/youth-voice")
    assert page.status_code == status
    if status == 200:
        assert "the bus never comes (0)" in page.get_data(as_text=True)


def test_suggest_then_confirm_then_it_counts(db, client, auth):
    county, answers = build(db, confirmed=0, suggested=30)
    user = auth.login_as("safeguarding")
    db.session.query(ThemeCode).delete()
    db.session.commit()
    client.post("/themes/youth-voice/suggest")
    suggested = db.session.query(ThemeCode).filter_by(status="suggested").all()
    assert {c.theme for c in suggested} == {"transport"} and len(suggested) == 30
    page = client.get("/themes/youth-voice").get_data(as_text=True)
    assert "suggested" in page and "To code (30)" in page
    for aid in answers[:12]:  # the person confirms twelve, ticking both themes
        assert client.post(f"/themes/youth-voice/{aid}",
                           data={"theme": ["transport", "safety"]}).status_code == 302
    codes = db.session.query(ThemeCode).filter_by(answer_id=answers[0]).all()
    assert {(c.theme, c.status, c.decided_by) for c in codes} == {
        ("transport", "confirmed", user.id), ("safety", "confirmed", user.id)}
    assert db.session.query(AuditEvent).filter_by(action="themes.code").count() == 24
    county.publish()
    auth.login_as("councillor")
    table = themes_table(client.get("/results/youth-voice").get_data(as_text=True))
    assert table["Getting there (buses, lifts, travel)"][2] in ("10", "15")  # rural
    assert table["Getting there (buses, lifts, travel)"][0] == "fewer than 10"  # city


def test_a_quote_with_personal_details_is_refused(db, client, auth):
    _county, answers = build(db, confirmed=12)
    auth.login_as("admin")
    leaky = db.session.get(Answer, answers[0])
    leaky.value = "the bus never comes, text me on 07700 900123"
    db.session.commit()
    page = client.post(f"/themes/youth-voice/{answers[0]}",
                       data={"theme": ["transport"], "quote": "transport"})
    assert page.status_code == 400
    assert "they look like they hold a phone number" in page.get_data(as_text=True)
    assert db.session.query(ThemeQuote).count() == 0
    # Without personal details, the quote is approved and published with its theme.
    assert client.post(f"/themes/youth-voice/{answers[1]}",
                       data={"theme": ["transport"], "quote": "transport"}).status_code == 302
    assert db.session.query(ThemeQuote).one().approved is True
    _county.publish()
    html = client.get("/results/youth-voice").get_data(as_text=True)
    assert "the bus never comes (1)" in html and "07700" not in html


def test_results_ward_report_and_evidence_pack_show_themes_by_area_type(db, client, auth):
    build(db, confirmed=30, suggested=20)
    auth.login_as("councillor")
    for url in ("/results/youth-voice", f"/ward/{WARD}", "/evidence"):
        html = client.get(url).get_data(as_text=True)
        assert "wrote about" in html, url
        if url != "/results/youth-voice":  # county-wide on the ward and county pages: said
            assert "What young people across the county wrote about" in html, url
        row = themes_table(html)["Getting there (buses, lifts, travel)"]
        # 30 confirmed rural answers (the 20 only suggested do not count)
        assert row[2] in ("25", "30", "35") and row[3] == row[2], url
        assert row[0] == row[1] == "fewer than 10", url
        assert "the bus never comes" not in html, url  # no quote approved
