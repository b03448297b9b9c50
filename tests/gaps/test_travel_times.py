"""Importing a routing engine's travel times: all rows or none, and they change reach."""

from __future__ import annotations

import io

from app.models import AuditEvent, TravelTime
from tests.gaps.seed import seed
from tests.gaps.test_pages import rows_of


def upload(client, text, mode="bus"):
    return client.post("/travel-times", data={
        "mode": mode, "file": (io.BytesIO(text.encode()), "times.csv")},
        content_type="multipart/form-data")


def test_only_planners_may_import(client, auth, db):
    auth.login_as("councillor")
    assert client.get("/travel-times").status_code == 403


def test_bad_rows_import_nothing_and_name_the_row(client, auth, db):
    ids = seed(db.session)
    auth.login_as("commissioner")
    good = f"E0000006,service,{ids['drop_in']},25\n"
    for body, message in (
        (f"from_code,to_kind,to_id,minutes\n{good}E0000005,service,{ids['club']},soon\n",
         "times.csv: row 3, column minutes"),
        (f"from_code,to_kind,to_id,minutes\n{good}E9999999,service,{ids['club']},5\n",
         "row 3, column from_code: &#39;E9999999&#39; is not an imported area code"),
        (f"from_code,to_kind,to_id,minutes\n{good}E0000005,service,999,5\n",
         "row 3, column to_id: there is no service with id &#39;999&#39;"),
        ("from_code,minutes\nE1,3\n", "lacks column"),
    ):
        response = upload(client, body)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
        assert db.session.query(TravelTime).count() == 0


def test_imported_times_replace_estimates(client, auth, db):
    ids = seed(db.session)
    auth.login_as("commissioner")
    # Area 6 is 19 km from the drop-in: never within 30 minutes by bus, by estimate.
    assert int(rows_of(client, "/gaps.csv?level=lsoa")["E0000006"]["free_services"]) == 0
    body = (f"from_code,to_kind,to_id,minutes,mode\nE0000006,service,{ids['drop_in']},25,bus\n"
            f"E0000001,service,{ids['drop_in']},45,bus\n")
    response = upload(client, body)
    assert response.status_code == 302
    rows = rows_of(client, "/gaps.csv?level=lsoa")
    assert int(rows["E0000006"]["free_services"]) == 1  # a direct bus: 25 minutes
    assert int(rows["E0000001"]["free_services"]) == 0  # the routing engine says 45
    assert db.session.query(AuditEvent).filter_by(object_type="TravelTime").count() == 1
    # Re-importing replaces the bus times rather than adding to them.
    upload(client, f"from_code,to_kind,to_id,minutes\nE0000006,service,{ids['drop_in']},50\n")
    assert db.session.query(TravelTime).count() == 1
    page = client.get("/travel-times").get_data(as_text=True)
    assert "<td>bus</td><td>service</td><td>1</td>" in page
