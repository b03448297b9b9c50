"""The demo county's roads and buses: villages that reach an evening session by
car but not by bus, confirmed against the raw GTFS, and said in the table,
evidence pack and API; the last run kept, "being updated", when the data change."""

from __future__ import annotations

from datetime import time

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import select

from app.analysis.gtfs import Feed, seconds
from app.geodata.journey_inputs import session_inputs
from app.geodata.journeys import current_journeys
from app.models import Area, ServiceSession, TransportData

WALK_15_MIN_M = 15 * 80  # straight line can only be shorter than the walk on the network


def _raw_departures(feed: Feed, kit, day) -> pd.DataFrame:
    """Every (stop x, stop y, departure seconds) of trips running on ``day``,
    read straight from the GTFS tables by gtfs-kit (not through the router)."""
    import gtfs_kit

    services = set(gtfs_kit.get_active_services(kit, day.strftime("%Y%m%d")))
    trips = set(kit.trips.loc[kit.trips["service_id"].isin(services), "trip_id"])
    st = kit.stop_times[kit.stop_times["trip_id"].isin(trips)]
    # the last call of a trip has no departure onwards
    last = st.groupby("trip_id")["stop_sequence"].transform("max") == st["stop_sequence"]
    st = st[~last].merge(feed.stops, on="stop_id")
    return pd.DataFrame({"x": st["x"], "y": st["y"],
                         "dep": [seconds(t) for t in st["departure_time"]]})


def _gtfs_kit(payload: bytes, tmp_path):
    import gtfs_kit

    path = tmp_path / "demo-gtfs.zip"
    path.write_bytes(payload)
    return gtfs_kit.read_feed(path, dist_units="km")


def test_demo_villages_reach_evening_sessions_by_car_not_bus(db, client, auth, demo_county, tmp_path):
    # The worker's demo county, a copy of its own: the test changes a session's time.
    journeys = current_journeys(db.session)
    assert journeys is not None and journeys.meta["network"] and journeys.meta["timetable"]
    payload = db.session.scalar(select(TransportData.payload)
                                .where(TransportData.kind == "timetable"))
    feed, kit = Feed.read(payload), _gtfs_kit(payload, tmp_path)
    r, sessions = journeys.result, journeys.sessions
    evening = np.flatnonzero(sessions["start_s"].to_numpy() >= 17 * 3600)
    venues = r.network_minutes["drive"].shape[1]
    assert venues and len(evening)

    # Pairs (point, evening session) the raw timetable rules out: no bus leaves
    # any stop within a 15-minute walk of the venue in the 30 minutes after the
    # end, and home is beyond a 30-minute walk.  The router must agree.
    _, vxy, _ = session_inputs(db.session)
    found = []
    by_day: dict = {}  # each day's departures read once (a few days, many sessions)
    for col in evening:
        row = sessions.iloc[col]
        day = pd.Timestamp(r.session_dates[int(row.day)]).date()
        if day not in by_day:
            by_day[day] = _raw_departures(feed, kit, day)
        deps = by_day[day]
        x, y = vxy[int(row.venue)]
        near = np.hypot(deps["x"] - x, deps["y"] - y) <= WALK_15_MIN_M
        window = deps["dep"].between(row.end_s, row.end_s + 30 * 60)
        if (near & window).any():
            continue
        far = np.hypot(journeys.point_xy[:, 0] - x, journeys.point_xy[:, 1] - y) > 2400
        assert (r.pt_home_min[far, col] > 30).all()
        assert not r.pt_reachable(30)[far, col].any()
        by_car = r.network_minutes["drive"][:, int(row.venue)] <= 30
        found += [(p, col) for p in np.flatnonzero(far & by_car)]
    assert found, "no evening session is out of reach by bus but within 30 minutes by car"

    # Those points lie in villages: parishes other than the city and towns.
    parish = db.session.scalars(select(Area).where(Area.level == "parish")).all()

    parishes = gpd.GeoDataFrame({"name": [a.name for a in parish]},
                                geometry=[a.geometry for a in parish], crs="EPSG:27700",
                                index=pd.Index([a.code for a in parish], name="code"))
    rows = journeys.point_areas(parishes)
    towns = {"Marlbridge", "Kestrelford", "Wenlow", "Hollinsby"}
    names = parishes["name"].to_numpy()
    villages = {names[rows[p]] for p in {p for p, _ in found} if rows[p] >= 0}
    assert villages - towns

    # The table, evidence pack and API say so.
    auth.login_as("councillor")
    page = client.get("/gaps?level=parish&figure=yp_car_not_bus&sort=yp_car_not_bus&desc=1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "No way home by bus" in html and "journeys on the road network" in html
    evidence = client.get("/evidence?level=parish").get_data(as_text=True)
    assert "Evening sessions by bus" in evidence
    api = client.get("/api/v1/gaps?level=parish").get_json()
    assert api["travel"]["basis"] == "network"
    by_name = {a["name"]: a for a in api["areas"]}
    village_counts = [by_name[v]["yp_car_not_bus"] for v in villages - towns if v in by_name]
    assert any(c and c > 0 for c in village_counts)

    # Change a session time: the stored journeys no longer match; pages keep the last
    # complete run and say it is being updated (tests/geodata/test_journeys_current.py).
    s = db.session.scalars(select(ServiceSession)).first()
    s.start = time(18, 45) if s.start != time(18, 45) else time(18, 30)
    db.session.commit()
    assert current_journeys(db.session) is not None
    html = client.get("/gaps?level=parish").get_data(as_text=True)
    assert "straight-line estimates" not in html and "being updated" in html
    assert "No way home by bus" in html


def test_a_gap_page_reads_the_journey_run_once_and_shows_its_times(db, client, auth,
                                                                   demo_county):
    """The page's travel basis and its journey times come from one read of the latest
    run: the run the page names is the run whose times it shows (before, the page read
    the run, the transport files and the journeys' version twice)."""
    from sqlalchemy import event

    from app.models import JourneyRun

    auth.login_as("commissioner")
    client.get("/gaps")  # the first view computes and caches the figures
    seen = []
    listen = lambda *args: seen.append(" ".join(args[2].split()))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        page = client.get("/gaps").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert db.session.scalar(select(JourneyRun.id)) is not None
    # The network's own columns, which only a page on the run's journeys has.
    assert "No bus to an evening session" in page and 'id="travel-basis"' in page
    assert sum("FROM journey_run" in s for s in seen) == 1
    assert sum("FROM transport_data" in s for s in seen) == 1
