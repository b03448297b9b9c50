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

from app.analysis import compute_gaps
from app.analysis.travel import radius_for
from app.geodata.bundle import import_bundle
from app.geodata.coverage import stored_coverage
from app.geodata.points import load_points
from app.inputs import areas as area_inputs
from app.inputs import services as service_inputs
from tests.analysis import realdata
from tests.county import County

pytestmark = pytest.mark.skipif(not realdata.available(), reason="shared data not present")

# Free provision in the market towns and Hereford city: real, live postcodes.
POSTCODES = ["HR1 2DE", "HR4 9AA", "HR2 7AA", "HR6 8AA", "HR8 1AA", "HR9 5AA", "HR5 3AA",
             "HR7 4DP", "HR2 0AA"]
LEOMINSTER_NORTH = "E05009469"


def _build(session, _files) -> dict:
    """The real bundle (no manifest: every postcode) and a free club at each of POSTCODES."""
    import_bundle(session, realdata.HEREFORDSHIRE, derive=False)
    county = County(session)
    for pc in POSTCODES:
        county.service(f"Youth club {pc}", *realdata.postcode_xy(pc), postcode=pc,
                       service_type="open_access", cost_model="free", status="active")
    county.commit()
    return {}


@pytest.fixture
def county_builder():
    return "real Herefordshire with clubs", _build


@pytest.fixture
def services(db, built_county):
    """The county's services.  The real bundle is imported once per worker (3-4 s of CPU);
    each test reads a copy of its own (SQLite: hundredths of a second), as every
    ``built_county`` test does, so neither depends on the other."""
    return service_inputs.services(db.session)


def test_real_county_reach_from_postcodes(db, services):
    wards = area_inputs.areas(db.session, "ward")
    lsoas = area_inputs.areas(db.session, "lsoa")
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


def _independent_points(with_fill: bool = True) -> pd.DataFrame:
    """Young people on every live residential postcode, straight from the files.

    NSPL rows keep their own LSOA (2011 codes through the ONS lookup; the split
    LSOA's postcodes to the child polygon holding them); Code-Point Open rows of
    the postcode areas the NSPL file lacks go to the LSOA polygon holding them
    (or the nearest within 250 m).  Each LSOA's 13-19s (3/16 of 0-15, 4/9 of
    16-24) are shared evenly among its postcodes; an LSOA with none keeps one
    point inside its polygon.  geopandas and pandas only.
    """
    gpkg = realdata.HEREFORDSHIRE / "herefordshire_boundaries_bng.gpkg"
    lsoa = gpd.read_file(gpkg, layer="lsoa2021_bgc").set_index("LSOA21CD")
    pop = pd.read_csv(realdata.HEREFORDSHIRE / "census2021_pop_age6_herefordshire_lsoa21.csv",
                      index_col="lsoa21_code")
    young = pop["age_0_15"] * 3 / 16 + pop["age_16_24"] * 4 / 9
    look = pd.read_csv(realdata.HEREFORDSHIRE / "lookup_lsoa11_lsoa21_herefordshire.csv")
    kids = look.groupby("lsoa11_code")["lsoa21_code"].apply(list)
    nspl = pd.read_csv(realdata.HEREFORDSHIRE / "postcodes_herefordshire_nspl_nov2021_HR_LD.csv",
                       dtype={"doterm": str, "usertype": str})
    nspl = nspl[nspl["doterm"].isna() & (nspl["usertype"] == "0")]
    pts = gpd.GeoDataFrame({"x": nspl["oseast1m"].astype(float),
                            "y": nspl["osnrth1m"].astype(float), "lsoa11": nspl["lsoa11"]},
                           geometry=gpd.points_from_xy(nspl["oseast1m"], nspl["osnrth1m"]),
                           crs=27700)
    within = gpd.sjoin(pts, lsoa[["geometry"]].reset_index(), predicate="within", how="left")
    within = within[~within.index.duplicated()]

    def child(i):
        options = kids[pts.at[i, "lsoa11"]]
        return options[0] if len(options) == 1 or within.at[i, "LSOA21CD"] not in options \
            else within.at[i, "LSOA21CD"]
    pts["lsoa"] = [child(i) for i in pts.index]
    parts = [pts[["x", "y", "lsoa"]]]
    if with_fill:
        cp = pd.read_csv(realdata.HEREFORDSHIRE / "postcodes_herefordshire_codepoint_open_2014.csv")
        cp = cp[~cp["postcode_area"].isin(["HR", "LD"])]
        cpp = gpd.GeoDataFrame({"x": cp["easting"].astype(float),
                                "y": cp["northing"].astype(float)},
                               geometry=gpd.points_from_xy(cp["easting"], cp["northing"]),
                               crs=27700)
        hit = gpd.sjoin_nearest(cpp, lsoa[["geometry"]].reset_index(), max_distance=250)
        hit = hit[~hit.index.duplicated()]
        parts.append(hit[["x", "y"]].assign(lsoa=hit["LSOA21CD"]))
    points = pd.concat(parts, ignore_index=True)
    count = points.groupby("lsoa").size()
    points["young_people"] = points["lsoa"].map(young / count)
    empty = lsoa.index.difference(count.index)
    inside = lsoa.loc[empty].geometry.representative_point()
    lone = pd.DataFrame({"x": inside.x, "y": inside.y, "lsoa": empty,
                         "young_people": young.reindex(empty).to_numpy()})
    return pd.concat([points, lone], ignore_index=True)


def _independent_reach(points: pd.DataFrame, services: np.ndarray, radius: float):
    """(LSOA shares, ward shares): young-people-weighted share within ``radius``."""
    gpkg = realdata.HEREFORDSHIRE / "herefordshire_boundaries_bng.gpkg"
    wards = gpd.read_file(gpkg, layer="wards2025_bgc").set_index("WD25CD")
    xy = points[["x", "y"]].to_numpy()
    d = np.sqrt(((xy[:, None, :] - services[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    pts = gpd.GeoDataFrame(points.assign(hit=d <= radius),
                           geometry=gpd.points_from_xy(points["x"], points["y"]), crs=27700)
    ward = gpd.sjoin_nearest(pts, wards[["geometry"]].reset_index(), max_distance=1000)
    ward = ward[~ward.index.duplicated()]
    pts["ward"] = ward["WD25CD"]

    def share(by):
        g = pts.assign(w=pts["young_people"] * pts["hit"]).groupby(by)
        return g["w"].sum() / g["young_people"].sum()
    return share("lsoa"), share("ward")


CRADLEY = "E05009444"  # Bishops Frome & Cradley


def test_every_postcode_area_counts_for_reach(db, services):
    svc = np.array([realdata.postcode_xy(pc) for pc in POSTCODES])
    radius = radius_for(30, "bus")
    only_reach = {"deprivation": 0, "rurality": 0, "provision": 0, "voice": 0, "funding": 0}
    exp_lsoa, exp_ward = _independent_reach(_independent_points(), svc, radius)
    for level, expected in (("lsoa", exp_lsoa), ("ward", exp_ward)):
        areas = area_inputs.areas(db.session, level)
        points = load_points(db.session, level, areas)
        gaps = compute_gaps(areas, services, points=points, threshold_min=30, mode="bus",
                            weights=only_reach)
        got = gaps["reach_share"].reindex(expected.index)
        np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), atol=1e-9,
                                   err_msg=level)
        # Ranked on reach alone: the same order as the independent shares.
        order = expected.sort_values(kind="stable")
        distinct = order[~order.duplicated(keep=False)]
        app_rank = gaps["rank"].reindex(distinct.index).astype(float)
        assert app_rank.is_monotonic_increasing, level
    # Without the GL, NP, SY and WR postcodes the answer moves (the example).
    lsoa_hr, ward_hr = _independent_reach(_independent_points(with_fill=False), svc, radius)
    # Bishops Frome & Cradley: 13% reached from its HR postcodes, 36% with its WR13 ones.
    assert ward_hr[CRADLEY] < 0.2 < 0.3 < exp_ward[CRADLEY]
    # E01013998: 44 of its 58 postcodes are SY; from HR alone it looked 86% reached.
    assert lsoa_hr["E01013998"] > 0.8 and exp_lsoa["E01013998"] < 0.25
    coverage = stored_coverage(db.session)
    assert coverage.at["E01013998", "status"] == "filled"
    assert (coverage["postcodes_live"] > 0).all()  # no LSOA on one central point now
    assert coverage["postcode_uncertain"].sum() == 0
