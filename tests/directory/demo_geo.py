"""A small demo-like county for testing the demo directory before the real demo geography:
a city parish, two market towns and four rural parishes (two deprived)."""

from __future__ import annotations

from tests.county import County

# parish name: (x0, urban, deprived, number of LSOAs)
PARISHES = {
    "Cityton": (300000, True, False, 4),
    "Marketbury": (310000, True, False, 1),
    "Ledwick": (320000, True, True, 1),
    "Upper Farfield": (330000, False, False, 1),
    "Nether Combe": (340000, False, False, 1),
    "Bleakmoor": (350000, False, True, 1),
    "Stonyford": (360000, False, True, 1),
}


def make_demo_geography(session) -> None:
    """Parish ``pi`` is E0400<pi> (no edition), a row of 2 km square LSOAs E0100<n>
    numbered across the county from 1, each with three postcodes DM<pi+1> <li+1>AX,
    BY, CZ 400 m apart and its rural flag (2021) and IMD decile (2, deprived, or 7;
    2019)."""
    county = County(session, source="test", years={"imd_decile": 2019})
    n = 0
    for pi, (name, (x0, urban, deprived, lsoas)) in enumerate(PARISHES.items()):
        county.parish(f"E0400{pi:04d}", name, corner=(x0, 200000), size=(2000 * lsoas, 2000))
        for li in range(lsoas):
            n += 1
            code = f"E0100{n:04d}"
            lx = x0 + 2000 * li
            county.lsoa(code, f"{name} {li + 1}", corner=(lx, 200000), size=2000)
            for k in range(3):
                county.postcode(f"DM{pi + 1} {li + 1}{'ABC'[k]}{'XYZ'[k]}",
                                lx + 500 + 400 * k, 201000, lsoa=code)
            county.indicators(code, {"rural": 0.0 if urban else 1.0,
                                     "imd_decile": 2.0 if deprived else 7.0})
    county.commit()
