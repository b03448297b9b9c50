"""A partner's form as people use it: errors that say which session and link to its
field, a question before closing, what they sent while it waits, and the sign-in page
with their email filled in after setting a password."""

from __future__ import annotations

import re

from app.models import ListingChange

from .helpers import form_for, two_organisations
from .test_invites import GOOD, _invite_link


def test_a_session_with_times_but_no_day_is_named_as_seen_and_linked(client, auth, db):
    ours, _, mine, _ = two_organisations(db)
    auth.login_as("partner", organisation=ours)
    resp = client.post(f"/partner/listings/{mine.id}/edit", data=form_for(mine, **{
        "sessions-1-day": "", "sessions-1-start": "19:00", "sessions-1-end": "20:00"}))
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    start = html.index('class="error-summary"')
    summary = html[start:html.index("</ul>", start)]
    assert "{" not in summary and "[" not in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links == [("sessions-1-day",
                      "Session 2: Choose the day of this session, or clear its times.")]
    assert 'id="sessions-1-day"' in html and 'aria-describedby="sessions-1-day-error"' in html
    assert '<th scope="row" class="session-name">Session 2</th>' in html
    assert db.session.query(ListingChange).count() == 0


def test_the_partner_sees_what_they_sent_while_it_waits(client, auth, db):
    ours, theirs, mine, other = two_organisations(db)
    auth.login_as("partner", organisation=ours)
    client.post(f"/partner/listings/{mine.id}/edit", data=form_for(mine, **{
        "sessions-0-start": "18:30", "sessions-0-end": "20:30"}))
    change = db.session.query(ListingChange).one()
    board = client.get("/partner").get_data(as_text=True)
    card = board[board.index(f'id="listing-{mine.id}"'):]
    card = card[:card.index("</li>")]
    assert "Live now: Monday 18:00 to 20:00" in card
    assert "You sent a change on" in card and "(Mon 18:30-20:30)" in card
    assert f'href="/partner/changes/{change.id}"' in card
    sent = client.get(f"/partner/changes/{change.id}").get_data(as_text=True)
    assert "What you sent: Cityton Boxing" in sent and "Waiting for review" in sent
    row = re.search(r"<th scope=\"row\">Sessions</th>(.*?)</tr>", sent, re.S)[1]
    assert "Mon 18:00-20:00" in row and "Mon 18:30-20:30" in row
    assert row.index("18:00") < row.index("18:30")  # before, then what they sent
    # Another organisation's change is not found.
    auth.login_as("partner", organisation=theirs)
    assert client.get(f"/partner/changes/{change.id}").status_code == 404


def test_after_setting_a_password_the_sign_in_page_has_their_email(client, auth, db):
    path, _ = _invite_link(client, auth, db)
    done = client.post(path, data={"password": GOOD, "confirm": GOOD})
    assert done.status_code == 302 and "@" not in done.headers["Location"]
    page = client.get("/login").get_data(as_text=True)
    assert 'value="sam.okafor@police.example"' in page
    assert "sam.okafor" not in client.get("/login").get_data(as_text=True)  # once only
