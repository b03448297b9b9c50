"""Planning pages: access, scenarios saved/copied/deleted and audited, comparisons,
the funding cliff, best sites and subsidy costs, on a hand-built county."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.audit import snapshot
from app.models import AuditEvent, Scenario, Service

from .county import build_county


@pytest.fixture
def county(db):
    return build_county(db.session)


def live_directory(db):
    db.session.expire_all()
    return [snapshot(s) for s in db.session.scalars(select(Service).order_by(Service.id))]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def make_scenario(client, name="Brook drop-in") -> int:
    r = client.post("/planning/scenarios", data={"name": name})
    assert r.status_code == 302
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


@pytest.mark.parametrize("role,status", [("councillor", 403), ("safeguarding", 403),
                                         ("commissioner", 200), ("admin", 200)])
def test_only_planners_may_open_planning(client, auth, db, role, status):
    auth.login_as(role)
    for url in ("/planning", "/planning/funding-cliff", "/planning/sites", "/planning/subsidy"):
        assert client.get(url).status_code == status, url


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    r = client.get("/planning")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_missing_scenario_is_404(client, auth, db):
    auth.login_as("commissioner")
    assert client.get("/planning/scenarios/999").status_code == 404
    assert client.post("/planning/scenarios/999/copy").status_code == 404
    assert client.post("/planning/scenarios/999/delete").status_code == 404
    assert client.get("/planning/scenarios/999/delete").status_code == 404
    assert client.post("/planning/scenarios/999/add-service", data={}).status_code == 404


def test_drop_in_at_a_council_building_reaches_new_young_people_and_leaves_live_alone(
        client, auth, db, county):
    auth.login_as("commissioner")
    before = live_directory(db)
    sid = make_scenario(client)
    r = client.post(f"/planning/scenarios/{sid}/add-service", data={
        "add-name": "Brook drop-in", "add-service_type": "drop_in",
        "add-building_id": str(county["library"]), "add-sessions_per_week": "2",
        "add-capacity": "25", "add-annual_cost": "15000", "add-cost_model": "free"})
    assert r.status_code == 302
    page = text(client.get(f"/planning/scenarios/{sid}"))
    assert "Add Brook drop-in (drop-in) at Brook Library" in page
    assert re.search(r'id="newly-reached">50<', page)
    assert re.search(r'id="stop-being-gaps".*Brook', page)
    assert re.search(r'id="cost-per-person">£300<', page)   # £15,000 / 50
    # By decile: Brook is decile 5.
    assert re.search(r"Decile 5</td><td class=\"num\">50</td><td class=\"num\">50</td>", page)
    assert live_directory(db) == before
    assert db.session.scalar(select(func.count()).select_from(Service)) == 3
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["scenario.create", "scenario.change"]


def test_closing_the_only_service_in_reach_makes_a_gap(client, auth, db, county):
    auth.login_as("commissioner")
    before = live_directory(db)
    sid = make_scenario(client, "Close boxing")
    r = client.post(f"/planning/scenarios/{sid}/change-service", data={
        "chg-service_id": str(county["boxing"]), "chg-kind": "close"})
    assert r.status_code == 302
    page = text(client.get(f"/planning/scenarios/{sid}"))
    assert re.search(r'id="become-gaps".*Colwall', page)
    assert re.search(r'id="no-longer-reached">80<', page)
    assert live_directory(db) == before
    assert db.session.get(Service, county["boxing"]).status == "active"


def test_bad_change_is_refused_beside_the_field_and_nothing_is_saved(client, auth, db, county):
    auth.login_as("commissioner")
    sid = make_scenario(client)
    r = client.post(f"/planning/scenarios/{sid}/add-service", data={
        "add-name": "Nowhere club", "add-service_type": "drop_in",
        "add-sessions_per_week": "1", "add-cost_model": "free"})
    assert r.status_code == 400
    page = text(r)
    assert "There is a problem" in page
    assert "Enter a postcode, pick a council building or give a grid reference" in page
    r = client.post(f"/planning/scenarios/{sid}/change-service", data={
        "chg-service_id": str(county["club"]), "chg-kind": "extend_grant"})
    assert r.status_code == 400 and "Give the new end date" in text(r)
    db.session.expire_all()
    assert db.session.get(Scenario, sid).changes == []


def test_copy_remove_and_delete_are_audited(client, auth, db, county):
    auth.login_as("commissioner")
    sid = make_scenario(client, "Original")
    client.post(f"/planning/scenarios/{sid}/change-service", data={
        "chg-service_id": str(county["club"]), "chg-kind": "make_free"})
    r = client.post(f"/planning/scenarios/{sid}/copy")
    copy_id = int(r.headers["Location"].split("/")[-1])
    db.session.expire_all()
    copy = db.session.get(Scenario, copy_id)
    assert copy.name == "Copy of Original" and copy.changes == [
        {"kind": "make_free", "service_id": county["club"]}]
    client.post(f"/planning/scenarios/{copy_id}/changes/1/remove")
    db.session.expire_all()
    assert db.session.get(Scenario, copy_id).changes == []
    assert db.session.get(Scenario, sid).changes != []
    assert client.post(f"/planning/scenarios/{copy_id}/changes/5/remove").status_code == 404
    confirm = text(client.get(f"/planning/scenarios/{sid}/delete"))
    assert "Delete “Original”?" in confirm and "Yes, delete it" in confirm
    db.session.expire_all()
    assert db.session.get(Scenario, sid) is not None      # asking deletes nothing
    client.post(f"/planning/scenarios/{sid}/delete")
    db.session.expire_all()
    assert db.session.get(Scenario, sid) is None
    listing = text(client.get("/planning"))
    assert "Copy of Original" in listing and ">Original<" not in listing
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["scenario.create", "scenario.change", "scenario.copy",
                       "scenario.change", "scenario.delete"]


def test_funding_cliff_page_and_ready_made_scenario(client, auth, db, county):
    auth.login_as("commissioner")
    page = text(client.get("/planning/funding-cliff"))
    assert 'class="cliff-timeline"' in page and "Ashby Youth Club" in page
    assert "Ashby Scouts" not in page.split('id="cliff-table"')[1].split("</table>")[0]
    lost = page.split('id="lost-table"')[1].split("</table>")[0]
    assert "Ashby" in lost and "Open-access youth club" in lost
    assert "Colwall" not in lost
    r = client.post("/planning/scenarios/funding-cliff")
    sid = int(r.headers["Location"].split("/")[-1])
    db.session.expire_all()
    assert db.session.get(Scenario, sid).changes[0]["kind"] == "end_grant"
    page = text(client.get(f"/planning/scenarios/{sid}"))
    assert "End the grant of Ashby Youth Club" in page
    assert db.session.get(Service, county["club"]).status == "active"


def test_best_sites_chooses_the_building_that_reaches_the_gap(client, auth, db, county):
    auth.login_as("commissioner")
    r = client.get("/planning/sites?k=1&threshold=30")
    assert r.status_code == 200
    page = text(r)
    chosen = page.split('id="chosen-sites"')[1].split("</ol>")[0]
    assert "Brook Library" in chosen and "Far Hall" not in chosen
    assert re.search(r'id="sites-newly">50<', page)
    # In plain words, and proven: only Brook Library reaches Brook's 50.
    sentence = re.sub(r"<[^>]+>", "", page.split('id="sites-sentence">')[1].split("</p>")[0])
    assert sentence.strip() == ("This site would reach 50 more young people. "
                                "No other choice of site reaches more.")
    assert "Greedy" not in page and "Exact (proven best)" not in page
    ranked = page.split('id="candidates"')[1]
    assert ranked.index("Brook Library") < ranked.index("Far Hall")
    assert "Brook Library library" not in ranked  # the kind only where the name lacks it
    bad = client.get("/planning/sites?k=0&threshold=30")
    assert bad.status_code == 400 and "Between 1 and 20 sites" in text(bad)


def test_best_sites_from_points_given_by_the_commissioner(client, auth, db, county):
    auth.login_as("commissioner")
    # Council buildings left out; two given points, one in Brook and one in Ashby (reached).
    r = client.get("/planning/sites", query_string={
        "k": "1", "threshold": "30", "no_buildings": "y",
        "points": "Ashby barn, 299000, 239000\nBrook school hall, 319 500, 240 200"})
    assert r.status_code == 200
    page = text(r)
    chosen = page.split('id="chosen-sites"')[1].split("</ol>")[0]
    assert "Brook school hall" in chosen
    assert "Brook Library" not in page.split('id="candidates"')[1]
    bad = client.get("/planning/sites", query_string={
        "k": "1", "threshold": "30", "points": "Hall, 319500\n"})
    assert bad.status_code == 400
    assert "Line 1: write a name, then a postcode or an easting and a northing" in text(bad)
    bad = client.get("/planning/sites", query_string={
        "k": "1", "threshold": "30", "points": "Ok, 1, 2\nHall, east, 240000"})
    assert "Line 2: the easting &#39;east&#39; is not a number" in text(bad)


def test_parse_points_names_the_line():
    from app.planning.forms import parse_points

    assert parse_points("A, b, 1, 2\n\nC,3,4\nHall, hr4 9aa") == [
        {"line": 1, "name": "A, b", "x": 1.0, "y": 2.0},
        {"line": 3, "name": "C", "x": 3.0, "y": 4.0},
        {"line": 4, "name": "Hall", "postcode": "HR4 9AA"}]
    with pytest.raises(ValueError, match="Line 1: the northing must be between"):
        parse_points("A, 1, 2000000")


def test_subsidy_cost_with_assumptions_on_the_page(client, auth, db, county):
    auth.login_as("commissioner")
    page = text(client.get("/planning/subsidy"))
    assert "Assumptions" in page and "Colwall Boxing" in page
    r = client.get("/planning/subsidy?mode=free&deciles=1&deciles=2&take_up=25&threshold=30"
                   f"&services={county['boxing']}")
    assert r.status_code == 200
    # Colwall's 80 young people x 25% = 20, capped at 15 places; £3 x 52 / 12 a month.
    assert re.search(r'id="subsidy-total">£2,340<', text(r))
    # 4 users (80 x 5%) is a count under the threshold: the service's cost would reveal it.
    small = text(client.get("/planning/subsidy?mode=free&deciles=1&deciles=2&take_up=5"
                            f"&threshold=30&services={county['boxing']}"))
    row = small.split('id="subsidy-table"')[1].split("</table>")[0]
    assert "Colwall Boxing" in row and row.count("[c]") == 2
    assert "£624" not in small and re.search(r'id="subsidy-total">\[c\]<', small)
    # Only the West ward (Ashby, Dunmore): Colwall's young people are not in it.
    west = client.get("/planning/subsidy?mode=free&deciles=1&deciles=2&take_up=25&threshold=30"
                      f"&services={county['boxing']}&wards=E05000001")
    assert re.search(r'id="subsidy-total">£0<', text(west))
    east = client.get("/planning/subsidy?mode=free&deciles=1&deciles=2&take_up=25&threshold=30"
                      f"&services={county['boxing']}&wards=E05000002")
    assert re.search(r'id="subsidy-total">£2,340<', text(east))
    bad = client.get("/planning/subsidy?mode=free&take_up=25&threshold=30")
    assert bad.status_code == 400 and "Choose at least one decile" in text(bad)


def test_pages_explain_themselves_on_an_empty_database(client, auth, db):
    auth.login_as("commissioner")
    assert "No scenarios yet" in text(client.get("/planning"))
    cliff = text(client.get("/planning/funding-cliff"))
    assert "No active service has funding ending" in cliff and "No areas are loaded yet" in cliff
    sites = client.get("/planning/sites?k=3&threshold=30")
    assert sites.status_code == 200 and "no areas loaded yet" in text(sites)
    assert "nothing to subsidise" in text(client.get("/planning/subsidy"))
    sid = make_scenario(client, "Empty")
    assert "No areas are loaded yet" in text(client.get(f"/planning/scenarios/{sid}"))


def test_a_change_to_a_service_since_deleted_is_explained_not_crashed(client, auth, db, county):
    auth.login_as("commissioner")
    sid = make_scenario(client, "Stale")
    client.post(f"/planning/scenarios/{sid}/change-service", data={
        "chg-service_id": str(county["scouts"]), "chg-kind": "close"})
    db.session.delete(db.session.get(Service, county["scouts"]))
    db.session.commit()
    page = text(client.get(f"/planning/scenarios/{sid}"))
    assert "Change 1: there is no service" in page and "Remove that change" in page
    client.post(f"/planning/scenarios/{sid}/changes/1/remove")
    assert "Remove that change" not in text(client.get(f"/planning/scenarios/{sid}"))


def test_proposed_service_at_a_point_and_a_point_out_of_range(client, auth, db, county):
    auth.login_as("commissioner")
    sid = make_scenario(client, "Point")
    base = {"add-name": "Brook van", "add-service_type": "detached",
            "add-sessions_per_week": "1", "add-cost_model": "free"}
    bad = client.post(f"/planning/scenarios/{sid}/add-service",
                      data={**base, "add-x": "900000", "add-y": "240000"})
    assert bad.status_code == 400
    assert "That place is outside Herefordshire Council&#39;s area" in text(bad)
    ok = client.post(f"/planning/scenarios/{sid}/add-service",
                     data={**base, "add-x": "319000", "add-y": "240500"})
    assert ok.status_code == 302
    page = text(client.get(f"/planning/scenarios/{sid}"))
    assert "Add Brook van (detached or outreach youth work)" in page
    assert re.search(r'id="newly-reached">50<', page)
    # The proposed service can itself be changed later in the scenario.
    assert "Brook van (proposed)" in page


def test_a_partial_query_string_takes_the_defaults(client, auth, db, county):
    """A link giving only some parameters uses the defaults for the rest; only a value that
    was sent but is bad is an error."""
    auth.login_as("commissioner")
    r = client.get("/planning/sites?k=1")
    page = text(r)
    assert r.status_code == 200 and "Give the travel threshold" not in page
    assert "Brook Library" in page.split('id="chosen-sites"')[1].split("</ol>")[0]
    # Asking for more sites than would add anyone says so, rather than listing fewer silently.
    r = client.get("/planning/sites?threshold=30")
    page = text(r)
    chosen = page.split('id="chosen-sites"')[1].split("</ol>")[0].count("<li>")
    assert r.status_code == 200 and chosen < 3
    assert f"Only {chosen} of the 3 sites you asked for" in page
    bad = client.get("/planning/sites?k=1&threshold=")
    assert bad.status_code == 400 and "Give the travel threshold" in text(bad)
    r = client.get(f"/planning/subsidy?deciles=1&deciles=2&services={county['boxing']}")
    assert r.status_code == 200 and "Give the take-up" not in text(r)
    assert re.search(r'id="subsidy-total">£2,340<', text(r))
    bad = client.get("/planning/subsidy?mode=free&deciles=1&take_up=")
    assert bad.status_code == 400 and "Give the take-up" in text(bad)
