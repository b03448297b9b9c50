"""Reach where young people live, on the real Herefordshire bundle (issue 13).

The whole bundle goes through the importer, services stand at real
postcodes, and the figures the gap pages use are checked against an
independent calculation (geopandas joins and brute-force distances).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from app import loaders
from app.analysis import compute_gaps
from app.analysis.travel import radius_for
from app.geodata.bundle import import_bundle
from app.geodata.points import load_points
from tests.analysis import realdata
from tests.county import County

pytestmark = pytest.mark.skipif(not realdata.available(), reason="shared data not present")

# Free provision in the market towns and Hereford city: real, live postcodes.
POSTCODES = ["HR1 2DE", "HR4 9AA", "HR2 7AA", "HR6 8AA", "HR8 1AA", "HR9 5AA", "HR5 3AA",
             "HR7 4DP", "HR2 0AA"]
LEOMINSTER_NORTH = "E05009469"


def test_real_county_reach_from_postcodes(db):
    import_bundle(db.session, realdata.HEREFORDSHIRE, derive=False)
    county = County(db.session)
    for pc in POSTCODES:
        county.service(f"Youth club {pc}", *realdata.postcode_xy(pc), postcode=pc,
                       service_type="open_access", cost_model="free", status="active")
    county.commit()
    services = loaders.services(db.session)
    wards = loaders.areas(db.session, "ward")
    lsoas = loaders.areas(db.session, "lsoa")
    ward_pts = load_points(db.session, "ward", wards)
    lsoa_pts = load_points(db.session, "lsoa", lsoas)
    ward = compute_gaps(wards, services, points=ward_pts, threshold_min=30, mode="bus")
    lsoa = compute_gaps(lsoas, services, points=lsoa_pts, threshold_min=30, mode="bus")

    # Independent: live small-user postcodes; every point's reach by brute force.
    assert len(ward_pts) == len(lsoa_pts) > 5000
    assert ward["young_people"].sum() == pytest.approx(lsoa["young_people"].sum())
    svc = np.array([realdata.postcode_xy(pc) for pc in POSTCODES])
    pts = ward_pts.copy()
    d = np.sqrt(((pts[["x", "y"]].to_numpy()[:, None, :] - svc[None, :, :]) ** 2).sum(axis=2))
    pts["hit"] = d.min(axis=1) <= radius_for(30, "bus")
    geo = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts["x"], pts["y"]),
                           crs="EPSG:27700")
    joined = gpd.sjoin(geo, wards[["geometry"]].rename_axis("ward").reset_index(),
                       how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    lost = joined["ward"].isna()
    if lost.any():  # a sliver between generalised boundaries: the nearest ward
        near = gpd.sjoin_nearest(geo.loc[joined.index[lost]],
                                 wards[["geometry"]].rename_axis("ward").reset_index())
        joined.loc[lost, "ward"] = near["ward_right"] if "ward_right" in near else near["ward"]
    pieces = joined.groupby(["ward", "lsoa"]).apply(
        lambda g: pd.Series({"young": g["young_people"].sum(),
                             "share": np.average(g["hit"], weights=g["young_people"])
                             if g["young_people"].sum() > 0 else np.nan}),
        include_groups=False)
    for code in wards.index:
        p = pieces.loc[code]
        expected = (p["share"] * p["young"]).sum() / p["young"].sum()
        assert ward.loc[code, "reach_share"] == pytest.approx(expected, abs=1e-9), code
    # LSOA and ward views agree: the same young people are reached.
    assert ward["reached"].sum() == pytest.approx(lsoa["reached"].sum())

    # Leominster North & Rural: most of its young people live in Leominster,
    # minutes from the club.  One point per ward put it in the fields.
    one_point = compute_gaps(wards, services, threshold_min=30, mode="bus")
    assert one_point.loc[LEOMINSTER_NORTH, "reach_share"] == 0.0
    assert one_point.loc[LEOMINSTER_NORTH, "rank"] <= 3
    assert ward.loc[LEOMINSTER_NORTH, "reach_share"] > 0.7
    assert ward.loc[LEOMINSTER_NORTH, "nearest_median"] < 10
    assert ward.loc[LEOMINSTER_NORTH, "rank"] > len(ward) / 4  # not a gap (top quarter)
    reach_only = compute_gaps(wards, services, points=ward_pts, weights={
        "deprivation": 0, "rurality": 0, "provision": 0, "voice": 0, "funding": 0})
    assert reach_only.loc[LEOMINSTER_NORTH, "rank"] > len(ward) / 3

    # Suppressed IDACI: the official rank stands in, so no LSOA climbs on it.
    suppressed = lsoa.index[lsoa["idaci"].isna()]
    assert len(suppressed) >= 9
    assert lsoa["complete"].all()
    assert lsoa.attrs["deprivation_measure"] == "idaci_rank_pct"
    top10 = set(lsoa.sort_values("rank").index[:10])
    assert not top10 & set(suppressed)
    iod = pd.read_csv(realdata.HEREFORDSHIRE / "imd2019_herefordshire_lsoa11.csv",
                      index_col="lsoa11cd")
    look = pd.read_csv(realdata.HEREFORDSHIRE / "lookup_lsoa11_lsoa21_herefordshire.csv")
    rank = look.set_index("lsoa21_code")["lsoa11_code"].map(iod["idaci_rank"])
    expected = (-rank).rank(method="average").sub(1).div(len(rank) - 1)
    assert lsoa["c_deprivation"].to_numpy() == pytest.approx(
        expected.reindex(lsoa.index).to_numpy())
