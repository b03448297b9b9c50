"""On the demo county (with two grants made to have ended, as in a demo built
months ago): the funding-cliff page and the ready-made scenario that ends every
grant show the same young people losing their only provision of a kind, and both
equal a calculation made here from the stored journeys and the directory rows
directly, per young person at each of the run's points (not through the planning code); lapsed grants are in neither; and the
scenario's totals are the sums of its published rural and urban parts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select

from app.disclosure import DisclosureRule
from app.geodata.journeys import current_journeys, run_journeys
from app.models import Service

THRESHOLD = 30


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def figure(page: str, element: str) -> str:
    return re.search(rf'id="{element}">([^<]*)<', page).group(1)


def by_hand(db, areas) -> tuple[int, float]:
    """(areas, young people) losing their only provision of a kind, worked out from
    the rows and the stored run directly, per young person (the gap pages' method):
    active services with funding not ended; a run point reaches a service when some
    session of it has a bus there by its start and home after its end, each within
    the threshold; a point loses a kind when it reaches a service of that kind and
    every one it reaches is ending."""
    today = pd.Timestamp(date.today())
    horizon = today + pd.DateOffset(months=24)
    rows = db.session.execute(select(Service.id, Service.x, Service.y, Service.service_type,
                                     Service.status, Service.funding_end)).all()
    svc = pd.DataFrame(rows, columns=["id", "x", "y", "type", "status", "end"])
    svc["end"] = pd.to_datetime(svc["end"])
    svc = svc[(svc["status"] == "active") & svc["x"].notna()
              & (svc["end"].isna() | (svc["end"] >= today))]
    svc["ending"] = svc["end"].notna() & (svc["end"] <= horizon)
    run = current_journeys(db.session)
    ok = (run.result.pt_there_min <= THRESHOLD) & (run.result.pt_home_min <= THRESHOLD)
    venue_ids = [int(run.service_ids[v]) for v in run.sessions["venue"]]
    codes = set(str(c) for c in areas.index)
    lose_areas, people = set(), 0.0
    for p in range(len(run.point_xy)):
        reached = {venue_ids[k] for k in np.flatnonzero(ok[p])}
        kinds: dict[str, list[bool]] = {}
        for s in svc.itertuples():
            if int(s.id) in reached:
                kinds.setdefault(s.type, []).append(bool(s.ending))
        if any(all(flags) for flags in kinds.values()) and str(run.point_lsoa[p]) in codes:
            lose_areas.add(str(run.point_lsoa[p]))
            people += float(run.youth[p])
    return len(lose_areas), people


def test_the_demo_cliff_and_its_scenario_agree_with_a_hand_count(app, db, client, auth, demo_county):
    # The worker's demo county, a copy of its own: two grants are made to have ended.
    granted = db.session.scalars(select(Service).where(Service.funding_end.is_not(None),
                                                       Service.status == "active")
                                 .order_by(Service.id)).all()
    for service, days in zip(granted[:2], (30, 250), strict=True):
        service.funding_end = date.today() - timedelta(days=days)
    lapsed_names = [s.name for s in granted[:2]]
    db.session.commit()
    run_journeys(db.session)
    db.session.commit()

    auth.login_as("commissioner")
    cliff = text(client.get("/planning/funding-cliff"))
    assert 'data-basis="network"' in cliff
    with app.test_request_context("/"):
        from app.planning import service

        areas = service.areas()
    n_areas, people = by_hand(db, areas)
    assert n_areas > 0
    rule = DisclosureRule()
    assert figure(cliff, "loss-areas") == str(n_areas)
    assert figure(cliff, "loss-young-people") == rule.label(people)
    gone = cliff.split('id="lapsed-table"')[1].split("</table>")[0]
    timeline = cliff.split('id="cliff-table"')[1].split("</table>")[0]
    for name in lapsed_names:
        assert name in gone and name not in timeline

    r = client.post("/planning/scenarios/funding-cliff")
    scenario = text(client.get(r.headers["Location"]))
    assert figure(scenario, "loss-areas") == str(n_areas)
    assert figure(scenario, "loss-young-people") == rule.label(people)

    # Totals are the sums of the published rural/urban parts.
    table = scenario.split('id="by-rurality"')[1].split("</table>")[0]
    parts = re.findall(r'<tr><td>[^<]*</td><td class="num">[^<]*</td>'
                       r'<td class="num">([^<]*)</td><td class="num">([^<]*)</td></tr>', table)
    assert parts
    if "[c]" not in str(parts):
        assert figure(scenario, "newly-reached") == f"{sum(int(p[0].replace(',', '')) for p in parts):,}"
        assert figure(scenario, "no-longer-reached") == \
            f"{sum(int(p[1].replace(',', '')) for p in parts):,}"
