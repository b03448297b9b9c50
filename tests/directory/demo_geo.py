"""A small demo-like county for testing the demo directory before the real demo geography:
a city parish, two market towns and four rural parishes (two deprived)."""

from __future__ import annotations

import shapely

from app.models import Area, AreaIndicator, Postcode

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
    n = 0
    for pi, (name, (x0, urban, deprived, lsoas)) in enumerate(PARISHES.items()):
        parish = Area(code=f"E0400{pi:04d}", name=name, level="parish")
        parish.geometry = shapely.box(x0, 200000, x0 + 2000 * lsoas, 202000)
        session.add(parish)
        for li in range(lsoas):
            n += 1
            code = f"E0100{n:04d}"
            lsoa = Area(code=code, name=f"{name} {li + 1}", level="lsoa", edition="2021")
            lx = x0 + 2000 * li
            lsoa.geometry = shapely.box(lx, 200000, lx + 2000, 202000)
            session.add(lsoa)
            for k in range(3):
                session.add(Postcode(postcode=f"DM{pi + 1} {li + 1}{'ABC'[k]}{'XYZ'[k]}",
                                     x=lx + 500 + 400 * k, y=201000, lsoa_code=code))
            session.add(AreaIndicator(level="lsoa", area_code=code, name="rural",
                                      value=0.0 if urban else 1.0, source="test", year=2021))
            session.add(AreaIndicator(level="lsoa", area_code=code, name="imd_decile",
                                      value=2.0 if deprived else 7.0, source="test", year=2019))
    session.commit()
