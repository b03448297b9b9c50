"""A tiny synthetic geography for fast tests: four 1 km square LSOAs, two wards.

    C | D        ward W1 = A + C, ward W2 = B + D
    --+--        parish P1 = x 0-1.5 km (A, C and half of B, D), P2 = the rest
    A | B
"""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import box, mapping
from sqlalchemy import select

from app.models import Area, AreaIndicator, DerivedFigure, LsoaLookup, Postcode

X0, Y0 = 700000, 300000
LSOAS = {
    "E01000001": ("Testshire 001A", 0, 0),
    "E01000002": ("Testshire 001B", 1, 0),
    "E01000003": ("Testshire 002A", 0, 1),
    "E01000004": ("Testshire 002B", 1, 1),
}


def square(i, j, w=1.0, h=1.0):
    return box(X0 + i * 1000, Y0 + j * 1000, X0 + (i + w) * 1000, Y0 + (j + h) * 1000)


def geojson(path: Path, features, *, crs="EPSG:27700") -> Path:
    """Write a GeoJSON FeatureCollection; ``crs=None`` leaves the CRS out."""
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": mapping(geom) if geom else None}
        for props, geom in features]}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:{crs.replace(':', '::')}"}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def lsoa_file(tmp_path: Path) -> Path:
    return geojson(tmp_path / "lsoa.geojson", [
        ({"LSOA21CD": code, "LSOA21NM": name}, square(i, j)) for code, (name, i, j) in LSOAS.items()
    ])


def ward_file(tmp_path: Path) -> Path:
    return geojson(tmp_path / "wards.geojson", [
        ({"WD25CD": "E05000001", "WD25NM": "West"}, square(0, 0, 1, 2)),
        ({"WD25CD": "E05000002", "WD25NM": "East"}, square(1, 0, 1, 2)),
    ])


def parish_file(tmp_path: Path) -> Path:
    return geojson(tmp_path / "parishes.geojson", [
        ({"code": "E04000001", "name": "Oldbury"}, square(0, 0, 1.5, 2)),
        ({"code": "E04000002", "name": "Newbury Parva"}, square(1.5, 0, 0.5, 2)),
    ])


def csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


POPULATION = """lsoa21_code,lsoa21_name,age_0_15,age_16_24,age_25_34,age_35_49,age_50_64,age_65_plus,total
E01000001,Testshire 001A,160,90,100,100,100,100,650
E01000002,Testshire 001B,320,180,100,100,100,100,900
E01000003,Testshire 002A,16,9,100,100,100,100,425
E01000004,Testshire 002B,0,0,100,100,100,100,400
"""

IOD2025 = """lsoa21_code,IMD_score,IMD_rank,IMD_decile,children_and_young_people_score,children_and_young_people_decile
E01000001,50.0,100,1,1.2,1
E01000002,10.0,25000,8,-0.5,8
E01000003,30.0,6000,2,0.8,2
E01000004,5.0,32000,10,-1.0,10
"""

RUC2021 = """lsoa21_code,ruc21_code,classification,ruc
E01000001,UF1,Urban: Further from a major town or city,Urban
E01000002,RSF1,Smaller rural: Further from a major town or city,Rural
E01000003,UF1,Urban: Further from a major town or city,Urban
E01000004,RLN1,Larger rural: Nearer to a major town or city,Rural
"""


def import_small(session, tmp_path: Path, *, wards: bool = True, indicators: bool = True):
    from app.geodata.boundaries import import_areas
    from app.geodata.indicators import import_deprivation, import_rurality
    from app.geodata.population import import_population

    import_areas(session, lsoa_file(tmp_path), level="lsoa", code_field="LSOA21CD",
                 name_field="LSOA21NM", edition="2021")
    if wards:
        import_areas(session, ward_file(tmp_path), level="ward", code_field="WD25CD",
                     name_field="WD25NM")
    if indicators:
        import_population(session, csv(tmp_path / "pop.csv", POPULATION))
        import_deprivation(session, csv(tmp_path / "iod2025.csv", IOD2025))
        import_rurality(session, csv(tmp_path / "ruc2021.csv", RUC2021))
    session.commit()


def snapshot(session) -> dict:
    """Everything the geodata imports write, to compare before and after a failure."""
    return {
        "areas": sorted(session.execute(select(Area.level, Area.code, Area.name, Area.parent_code,
                                               Area.area_m2)).all()),
        "indicators": sorted(session.execute(select(
            AreaIndicator.area_code, AreaIndicator.name, AreaIndicator.year, AreaIndicator.value,
            AreaIndicator.text_value, AreaIndicator.source)).all(), key=repr),
        "derived": sorted(session.execute(select(DerivedFigure.level, DerivedFigure.area_code,
                                                 DerivedFigure.name, DerivedFigure.value)).all(),
                          key=repr),
        "postcodes": sorted(session.execute(select(Postcode.postcode, Postcode.x)).all()),
        "lookup": sorted(session.execute(select(LsoaLookup.lsoa11, LsoaLookup.lsoa21)).all()),
    }
