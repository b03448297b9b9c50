"""One area vocabulary (issue 15): scenario results name areas by the places a
councillor knows, not by LSOA codes; the gap pages carry the level chosen once."""

from __future__ import annotations

import re

from .test_views import county, make_scenario, text  # noqa: F401


def _row(page: str, table: str, name: str) -> str:
    body = re.search(rf'id="{table}".*?</table>', page, re.S).group(0)
    return next(r for r in re.findall(r"<tr[^>]*>.*?</tr>", body, re.S) if name in r)


def test_scenario_results_name_the_ward_not_the_code(client, auth, db, county):  # noqa: F811
    auth.login_as("commissioner")
    sid = make_scenario(client, "Close boxing")
    client.post(f"/planning/scenarios/{sid}/change-service", data={
        "chg-service_id": str(county["boxing"]), "chg-kind": "close"})
    page = text(client.get(f"/planning/scenarios/{sid}"))
    row = _row(page, "become-gaps", "Colwall")
    # Colwall's centre (340 km east) lies in the East ward (315-345 km).
    assert re.match(r"<tr[^>]*><th[^>]*>East ward ", row)
    assert "E01000003" not in row


def test_the_level_chosen_once_is_carried_to_the_other_gap_pages(client, auth, db, county):  # noqa: F811
    auth.login_as("councillor")
    assert 'value="ward" selected' in client.get("/map").get_data(as_text=True)
    client.get("/gaps?level=lsoa")
    for path in ("/map", "/gaps"):
        assert 'value="lsoa" selected' in client.get(path).get_data(as_text=True), path
    evidence = text(client.get("/evidence"))
    ranked = re.search(r"Areas ranked by gap score.*?</table>", evidence, re.S).group(0)
    assert "Ashby" in ranked and "West" not in ranked  # LSOAs, not wards
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "The five small areas with the biggest gap score" in dashboard
    assert "Small areas (LSOAs) mapped" in dashboard
    # A link that names a level still wins, and becomes the new choice.
    assert 'value="ward" selected' in client.get("/map?level=ward").get_data(as_text=True)
    assert 'value="ward" selected' in client.get("/gaps").get_data(as_text=True)
