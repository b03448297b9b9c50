"""The demo county: generated, deterministic, and imported through import_bundle."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

import app.geodata.bundle as bundle
from app.demo import DemoContext, geography
from app.geodata.figures import area_figures
from app.geodata.lookup import area_for_postcode
from app.models import Area, AreaIndicator, Postcode


def test_demo_county_is_imported_like_real_data(db, monkeypatch):
    calls = []
    real = bundle.import_bundle

    def spy(session, directory, **kwargs):
        calls.append(sorted(p.name for p in directory.iterdir()))
        return real(session, directory, **kwargs)

    monkeypatch.setattr(bundle, "import_bundle", spy)
    ctx = DemoContext()
    geography.build(db.session, ctx)
    db.session.commit()
    # One bundle, in the official formats, with a manifest.
    assert calls == [[
        "iod2025_demo_file7.csv", "lsoa2021_demo.geojson", "manifest.yaml",
        "parishes_demo.cpg", "parishes_demo.dbf", "parishes_demo.prj", "parishes_demo.shp",
        "parishes_demo.shx", "population_demo_single_year.csv", "postcodes_demo_onspd.csv",
        "ruc2021_demo_lsoa21.csv", "wards_demo.gpkg"]]
    info = ctx.info["geography"]
    assert any("reprojected from EPSG:4326" in r for r in info["reports"])

    counts = dict(db.session.execute(select(Area.level, func.count()).group_by(Area.level)).all())
    assert 120 <= counts["lsoa"] <= 150
    assert 25 <= counts["ward"] <= 30
    assert counts["parish"] == 60
    assert {t["name"] for t in info["town_centres"]} == {"Marlbridge", "Kestrelford", "Wenlow",
                                                         "Hollinsby"}
    # Every parish is linked to the ward it overlaps most.
    assert db.session.scalar(select(func.count()).where(
        Area.level == "parish", Area.parent_id.is_(None))) == 0

    # Postcodes resolve to the small area the directory says, and to a ward.
    live = db.session.scalars(select(Postcode).where(Postcode.terminated.is_(None))
                              .order_by(Postcode.postcode).limit(15)).all()
    assert len(live) == 15 and all(p.postcode.startswith("ZZ") for p in live)
    for row in live:
        assert area_for_postcode(db.session, row.postcode.replace(" ", "").lower(),
                                 "lsoa").code == row.lsoa_code
        assert area_for_postcode(db.session, row.postcode, "ward") is not None

    # Figures vary the way real ones do.
    wards = area_figures(db.session, "ward")
    estate = wards[wards["name"] == "Brackenhill"].iloc[0]
    assert estate["share_most_deprived_20"] > 0.3
    assert estate["imd_score"] == wards["imd_score"].max()
    ruc = dict(db.session.execute(select(AreaIndicator.area_code, AreaIndicator.text_value)
                                  .where(AreaIndicator.name == "ruc_class")).all())
    lsoas = area_figures(db.session, "lsoa")
    lsoas["ruc"] = pd.Series(ruc)
    commuter = lsoas[lsoas["ruc"].isin(["RSN1", "RLN1"])]
    remote = lsoas[lsoas["ruc"] == "RSF1"]
    assert commuter["imd_score"].mean() + 5 < remote["imd_score"].mean()
    # Parishes cut across LSOAs; the county's young people are all counted once.
    parishes = area_figures(db.session, "parish")
    assert parishes["young_people"].sum() == pytest.approx(lsoas["young_people"].sum())
    assert wards["young_people"].sum() == pytest.approx(lsoas["young_people"].sum())
    city = lsoas[lsoas["ruc"] == "UN1"]
    assert (city["young_people"] / city["population"]).mean() > (
        remote["young_people"] / remote["population"]).mean()
    assert wards.attrs["sources"]["imd_score"]["source"].startswith("Demo: made-up")
    assert wards.attrs["sources"]["young_people"]["note"].endswith("exact from the published ages")


def test_demo_files_are_deterministic(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    geography.write_files(one, 7)
    geography.write_files(two, 7)
    for name in ("lsoa2021_demo.geojson", "iod2025_demo_file7.csv", "postcodes_demo_onspd.csv",
                 "population_demo_single_year.csv", "ruc2021_demo_lsoa21.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
