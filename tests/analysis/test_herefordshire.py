"""The analysis on real Herefordshire wards and LSOAs, services at real postcodes."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from app.analysis import compute_gaps

from . import realdata

pytestmark = pytest.mark.skipif(not realdata.available(), reason="shared data not present")

# (postcode, name, type, monthly cost)
SERVICES = [
    ("HR1 2DE", "Hereford city drop-in", "drop_in", 0.0),
    ("HR6 8AA", "Leominster youth club", "open_access", 0.0),
    ("HR8 1AA", "Ledbury youth club", "open_access", 0.0),
    ("HR9 5AA", "Ross boxing", "boxing_martial_arts", 25.0),
    ("HR5 3AA", "Kington scouts", "uniformed", 12.0),
]


def services():
    rows = []
    for n, (pc, name, kind, cost) in enumerate(SERVICES, start=1):
        x, y = realdata.postcode_xy(pc)
        rows.append({"id": n, "name": name, "service_type": kind, "x": x, "y": y,
                     "uniformed": kind == "uniformed", "monthly_cost": cost,
                     "sessions_per_week": 2, "capacity": 30, "postcode": pc})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("level", ["lsoa", "ward"])
def test_real_county_gap_ranking(level):
    areas = realdata.lsoa_areas() if level == "lsoa" else realdata.ward_areas()
    assert len(areas) == (117 if level == "lsoa" else 53)
    svc = services()
    gaps = compute_gaps(areas, svc, threshold_min=30, mode="bus", today=date(2026, 11, 25))
    x, y = realdata.postcode_xy("HR1 2DE")
    near = realdata.area_of(areas, x, y)
    kx, ky = realdata.postcode_xy("HR5 3AA")
    kington = realdata.area_of(areas, kx, ky)
    # Next to a free drop-in: free provision in reach, not a gap.
    assert gaps.loc[near, "free_services"] >= 1
    assert gaps.loc[near, "free_nearest_km"] < 1.0
    # Kington: only a paid uniformed group in reach; nothing free within 30 minutes.
    assert gaps.loc[kington, "free_services"] == 0
    assert gaps.loc[kington, "all_services"] >= 1
    assert gaps.loc[kington, "free_nearest_km"] > 15  # Leominster is ~20 km away
    assert gaps.loc[kington, "rank"] < gaps.loc[near, "rank"]
    # Bromyard: nothing listed at all.
    bx, by = realdata.postcode_xy("HR7 4DP")
    bromyard = realdata.area_of(areas, bx, by)
    assert gaps.loc[bromyard, "all_services"] == 0
    assert gaps.loc[bromyard, "rank"] <= len(gaps) / 4  # a gap: in the top quarter
    assert gaps.loc[near, "rank"] > len(gaps) / 3  # not a gap: outside the top third
    # Every area with free provision in reach ranks below every area without,
    # when only reach counts.
    reach_only = compute_gaps(areas, svc, weights={"deprivation": 0, "rurality": 0,
                                                   "provision": 0, "voice": 0, "funding": 0})
    has = reach_only["free_sessions"] > 0
    assert reach_only.loc[has, "rank"].min() > reach_only.loc[~has, "rank"].max()
    # Young people add up to the county's 13-19s whatever the level.
    assert gaps["young_people"].sum() == pytest.approx(
        realdata.lsoa_areas()["young_people"].sum(), rel=1e-9)
