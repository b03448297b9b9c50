"""The real Herefordshire bundle, imported as published (the issue's 'Done when').

Kept to two tests: each imports the real folder once (about two seconds).
The ward figures are checked against an independent calculation made here
straight from the published files, with shapely and pandas only.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import yaml
from sqlalchemy import func, select

from app.geodata.bundle import REPO_MANIFEST, import_bundle
from app.geodata.figures import area_figures
from app.geodata.lookup import area_for_postcode
from app.models import Area, AreaIndicator, DerivedFigure, Postcode
from tests.conftest import HEREFORDSHIRE

pytestmark = pytest.mark.skipif(not HEREFORDSHIRE.is_dir(), reason="real data folder missing")


def _independent_ward_figures():
    """Ward IMD 2025 score (weighted by residents) and 2019 IDACI rate (by 13-19s).

    Reads the EPSG:27700 GeoPackage (not the GeoJSON files the import reads),
    intersects every LSOA with every ward with shapely, gives pieces under 2%
    of an LSOA to its other pieces, and shares out in full an LSOA 97% inside.
    """
    lsoa = gpd.read_file(HEREFORDSHIRE / "herefordshire_boundaries_bng.gpkg",
                         layer="lsoa2021_bgc").set_index("LSOA21CD")
    wards = gpd.read_file(HEREFORDSHIRE / "herefordshire_boundaries_bng.gpkg",
                          layer="wards2025_bgc").set_index("WD25CD")
    pop = pd.read_csv(HEREFORDSHIRE / "census2021_pop_age6_herefordshire_lsoa21.csv",
                      index_col="lsoa21_code")
    young = pop["age_0_15"] * 3 / 16 + pop["age_16_24"] * 4 / 9  # ages 13-15 and 16-19
    iod25 = pd.read_csv(HEREFORDSHIRE / "iod2025_herefordshire_lsoa21.csv",
                        index_col="lsoa21_code")
    imd19 = pd.read_csv(HEREFORDSHIRE / "imd2019_herefordshire_lsoa11.csv", index_col="lsoa11cd")
    look = pd.read_csv(HEREFORDSHIRE / "lookup_lsoa11_lsoa21_herefordshire.csv")
    parent = dict(zip(look["lsoa21_code"], look["lsoa11_code"], strict=True))
    idaci = pd.Series({c: imd19.at[parent[c], "idaci_rate_approx"] for c in lsoa.index})
    result = {}
    fractions = {}
    for code, geom in lsoa.geometry.items():
        pieces = {w: geom.intersection(wg).area / geom.area for w, wg in wards.geometry.items()}
        inside = sum(pieces.values())
        kept = {w: f for w, f in pieces.items() if f >= 0.02}
        goal = 1.0 if inside >= 0.97 else inside
        kept = {w: f * goal / sum(kept.values()) for w, f in kept.items()}
        fractions[code] = kept
    for ward in wards.index:
        num = den = inum = iden = yp = 0.0
        for code, kept in fractions.items():
            f = kept.get(ward, 0.0)
            if not f:
                continue
            num += f * pop.at[code, "total"] * iod25.at[code, "IMD_score"]
            den += f * pop.at[code, "total"]
            yp += f * young[code]
            if not np.isnan(idaci[code]):
                inum += f * young[code] * idaci[code]
                iden += f * young[code]
        result[ward] = (num / den, inum / iden if iden else np.nan, yp)
    return pd.DataFrame(result, index=["imd_score", "idaci", "young_people"]).T


def test_real_bundle_imports_and_ward_figures_match_an_independent_calculation(db):
    reports = import_bundle(db.session, HEREFORDSHIRE)  # no manifest: files recognised
    db.session.commit()
    # Of the two copies of the LSOA and ward boundaries, the British National Grid one.
    used = {r.kind: r.path.name for r in reports}
    assert used["lsoa boundaries"] == used["ward boundaries"] == \
        "herefordshire_boundaries_bng.gpkg"
    assert not any("reprojected" in " ".join(r.notes) for r in reports)
    said = reports[0].notes  # every file: used, or why not
    assert "lsoa2021_bgc_herefordshire.geojson: LSOA boundaries 2021: passed over" in \
        "\n".join(said)
    assert "imd2019_herefordshire_lsoa11.csv: English Indices of Deprivation IoD2019 " \
        "(LSOA 2011): used" in said
    assert any(n.startswith("lsoa2011_bgc_herefordshire.geojson") and "not needed" in n
               for n in said)
    count = {lv: db.session.scalar(select(func.count()).where(Area.level == lv))
             for lv in ("lsoa", "ward")}
    assert count == {"lsoa": 117, "ward": 53}
    years = set(db.session.scalars(select(AreaIndicator.year).distinct()
                                   .where(AreaIndicator.name == "imd_score")))
    assert years == {2019, 2025}
    assert db.session.scalar(select(func.count()).where(
        AreaIndicator.name == "rural", AreaIndicator.year == 2021)) == 117
    rural = db.session.scalar(select(func.sum(AreaIndicator.value)).where(
        AreaIndicator.name == "rural", AreaIndicator.year == 2021))
    assert rural == 62  # SOURCES.md: 55 urban, 62 rural
    census = db.session.scalar(select(func.sum(AreaIndicator.value)).where(
        AreaIndicator.name == "population_total", AreaIndicator.year == 2021))
    assert census == 187064

    wards = area_figures(db.session, "ward")
    assert len(wards) == 53 and wards.crs.to_epsg() == 27700
    # Every ward has a population-weighted IMD score and an IDACI figure.
    assert wards["imd_score"].notna().all()
    assert wards["idaci"].notna().all()
    assert wards["idaci_share_most_deprived_20"].notna().all()
    # Counts are conserved: the youth band summed over wards equals the LSOA sum.
    lsoas = area_figures(db.session, "lsoa")
    assert wards["young_people"].sum() == pytest.approx(lsoas["young_people"].sum(), rel=1e-9)
    # Every figure says where it came from and which year.
    sources = wards.attrs["sources"]
    assert sources["imd_score"]["year"] == 2025 and "2025" in sources["imd_score"]["source"]
    assert sources["idaci"]["year"] == 2019
    assert sources["rural_share"]["year"] == 2021
    assert "split into single years of age evenly" in sources["young_people"]["note"]

    expected = _independent_ward_figures()
    got = wards.loc[expected.index]
    np.testing.assert_allclose(got["imd_score"], expected["imd_score"], atol=0.02)
    np.testing.assert_allclose(got["idaci"], expected["idaci"], atol=0.001)
    np.testing.assert_allclose(got["young_people"], expected["young_people"], rtol=0.002)

    # Stored figures carry their method and inputs.
    stored = db.session.scalar(select(DerivedFigure).where(
        DerivedFigure.level == "ward", DerivedFigure.name == "imd_score",
        DerivedFigure.area_code == "E05009474"))
    assert stored.year == 2025
    assert stored.value == pytest.approx(wards.at["E05009474", "imd_score"])
    assert "E01013995 (80%)" in stored.method
    assert "English Indices of Deprivation 2025" in stored.source

    # The most deprived LSOA of 2019 (E01013995, decile 1) shows on its ward.
    wards19 = area_figures(db.session, "ward", deprivation_year=2019)
    assert wards19.attrs["sources"]["imd_score"]["year"] == 2019
    decile1 = wards19["share_imd_decile_1"]
    assert decile1.idxmax() == "E05009474"  # Newton Farm, where ONS places the LSOA
    assert wards19.at["E05009474", "name"] == "Newton Farm"
    # 80% of the LSOA's area (and so of its young people) lies in Newton Farm.
    in_decile1 = decile1["E05009474"] * wards19.at["E05009474", "young_people"]
    assert in_decile1 == pytest.approx(0.8034 * lsoas.at["E01013995", "young_people"], rel=0.01)
    assert (decile1 > 0).sum() == 2  # the LSOA also overlaps Hinton & Hunderton
    # Only LSOA in decile 1 in 2019: no other ward has any young people in it.
    assert wards19["share_imd_decile_1"].drop(["E05009474", "E05009459"]).eq(0).all()


def test_real_postcodes_resolve_to_wards_without_being_stored_elsewhere(db, runner, tmp_path):
    # A shorter manifest of our own (boundaries, lookup, postcodes) for the same folder.
    manifest = tmp_path / "postcodes.yaml"
    manifest.write_text(yaml.safe_dump({"steps": [
        s for s in yaml.safe_load(REPO_MANIFEST.read_text(encoding="utf-8"))["steps"]
        if s["kind"] in ("areas", "lsoa_lookup", "postcodes")]}), encoding="utf-8")
    result = runner.invoke(args=["geodata", "import-bundle", str(HEREFORDSHIRE),
                                 "--manifest", str(manifest)])
    assert result.exit_code == 0, result.output
    assert "wards2025_bgc_herefordshire.geojson: ward boundaries, 53 rows" in result.output
    assert db.session.scalar(select(func.count()).select_from(Postcode)) == 7695
    # HR1 1AA: the ONS directory puts it in ward E05009489.
    assert area_for_postcode(db.session, "hr1 1aa", "ward").code == "E05009489"
    # Every postcode carries an imported LSOA 2021 code: the NSPL's 2011 codes went
    # through the lookup, and the split LSOA E01014007's postcodes went to its children.
    lsoas = set(db.session.scalars(select(Area.code).where(Area.level == "lsoa")))
    assert set(db.session.scalars(select(Postcode.lsoa_code).distinct())) <= lsoas
    assert "postcodes in LSOAs changed since 2011 were given their LSOA 2021 code" in result.output
    split = db.session.scalars(select(Postcode).where(
        Postcode.lsoa_code.in_(["E01035055", "E01035056"]),
        Postcode.terminated.is_(None))).all()
    assert len({pc.lsoa_code for pc in split}) == 2
    for pc in split[:20]:
        assert area_for_postcode(db.session, pc.postcode, "lsoa").code == pc.lsoa_code
    # Terminated postcodes are kept but not used for look-ups.
    terminated = db.session.scalar(select(Postcode).where(Postcode.terminated.is_not(None)))
    assert area_for_postcode(db.session, terminated.postcode, "ward") is None
