"""area_figures: counts summed, scores population-weighted, deciles never averaged."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from app.geodata.boundaries import import_areas
from app.geodata.derived import store_derived_figures
from app.geodata.figures import area_figures
from app.geodata.indicators import import_deprivation, import_lsoa_lookup
from app.geodata.population import import_population
from app.models import DerivedFigure

from .helpers import IOD2025, POPULATION, csv, import_small, parish_file


def test_ward_figures_sum_counts_weight_scores_and_share_deciles(db, tmp_path):
    import_small(db.session, tmp_path)
    wards = area_figures(db.session, "ward")
    west, east = wards.loc["E05000001"], wards.loc["E05000002"]
    # 13-19 from Census bands: 3/16 of 0-15 plus 4/9 of 16-24.
    assert west["young_people"] == pytest.approx(70 + 7)
    assert east["young_people"] == pytest.approx(140)
    assert west["young_people_20_24"] == pytest.approx(50 + 5)
    # IMD score weighted by all residents.
    assert west["imd_score"] == pytest.approx((650 * 50 + 425 * 30) / 1075)
    assert east["imd_score"] == pytest.approx((900 * 10 + 400 * 5) / 1300)
    # Deciles are never averaged: shares of young people per decile instead.
    assert west["share_imd_decile_1"] == pytest.approx(70 / 77)
    assert west["share_imd_decile_2"] == pytest.approx(7 / 77)
    assert west["share_most_deprived_20"] == pytest.approx(1.0)
    assert east["share_most_deprived_20"] == pytest.approx(0.0)
    assert "imd_decile" not in wards.columns
    assert east["cyp_score"] == pytest.approx(-0.5)  # D has no young people: no weight
    assert (west["rural_share"], east["rural_share"]) == (0.0, 1.0)
    assert west["inputs"] == "E01000001 (100%), E01000003 (100%)"
    sources = wards.attrs["sources"]
    assert sources["young_people"]["note"].startswith("young people aged 13-19; the published "
                                                      "band(s) 0-15, 16-24 were split")
    assert sources["imd_score"]["year"] == 2025
    assert "population-weighted" in wards.attrs["method"] or "weighted" in wards.attrs["method"]


def test_parishes_that_cut_lsoas_get_area_weighted_shares(db, tmp_path):
    import_small(db.session, tmp_path)
    import_areas(db.session, parish_file(tmp_path), level="parish", code_field="code",
                 name_field="name")
    parishes = area_figures(db.session, "parish")
    # Oldbury holds A and C and half of B and D.
    assert parishes.at["E04000001", "young_people"] == pytest.approx(70 + 7 + 140 / 2)
    assert parishes.at["E04000002", "young_people"] == pytest.approx(140 / 2)
    assert parishes.at["E04000001", "imd_score"] == pytest.approx(
        (650 * 50 + 425 * 30 + 450 * 10 + 200 * 5) / (650 + 425 + 450 + 200))
    assert parishes.at["E04000001", "inputs"].endswith("E01000004 (50%)")
    assert parishes["young_people"].sum() == pytest.approx(217)


def test_youth_band_is_configurable_and_single_years_are_used_exactly(db, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    header = "lsoa21_code," + ",".join(f"age_{a}" for a in range(0, 25)) + ",age_25_plus\n"
    rows = "".join(f"{code}," + ",".join(str(a) for a in range(0, 25)) + ",100\n"
                   for code in ("E01000001", "E01000002", "E01000003", "E01000004"))
    import_population(db.session, csv(tmp_path / "single.csv", header + rows))
    db.session.commit()
    lsoas = area_figures(db.session, "lsoa", age_min=11, age_max=19)
    assert lsoas.at["E01000001", "young_people"] == sum(range(11, 20))
    assert lsoas.attrs["sources"]["young_people"]["note"] == (
        "young people aged 11-19; exact from the published ages")
    assert lsoas.at["E01000001", "young_people_20_24"] == sum(range(20, 25))


def test_2019_figures_reach_2021_lsoas_through_the_lookup(db, tmp_path):
    import_small(db.session, tmp_path)
    import_lsoa_lookup(db.session, csv(tmp_path / "look.csv", (
        "lsoa11_code,lsoa21_code,change_code\nE01000001,E01000001,U\nE01000002,E01000002,U\n"
        "E01000005,E01000003,S\nE01000005,E01000004,S\n")))
    import_deprivation(db.session, csv(tmp_path / "imd2019.csv", (
        "lsoa11cd,imd_score,imd_decile,idaci_rate_approx,idaci_decile\n"
        "E01000001,40.0,1,0.30,1\nE01000002,20.0,4,0.10,5\nE01000005,60.0,1,,1\n")))
    db.session.commit()
    lsoas = area_figures(db.session, "lsoa", deprivation_year=2019)
    assert lsoas.at["E01000003", "imd_score"] == 60.0  # the split parent's value
    assert lsoas.at["E01000003", "share_most_deprived_20"] == 1.0
    assert lsoas.at["E01000004", "imd_score"] == 60.0
    assert pd.isna(lsoas.at["E01000004", "share_most_deprived_20"])  # no young people
    assert lsoas.attrs["sources"]["imd_score"]["year"] == 2019
    wards = area_figures(db.session, "ward")  # newest: IMD 2025, IDACI only in 2019
    assert wards.attrs["sources"]["imd_score"]["year"] == 2025
    assert wards.attrs["sources"]["idaci"]["year"] == 2019
    # IDACI missing for C's parent: West's rate comes from A alone.
    assert wards.at["E05000001", "idaci"] == pytest.approx(0.30)
    assert wards.at["E05000001", "idaci_share_most_deprived_20"] == pytest.approx(1.0)


def test_stored_figures_keep_method_inputs_source_and_year(db, tmp_path):
    import_small(db.session, tmp_path)
    store_derived_figures(db.session)
    db.session.commit()
    row = db.session.scalar(select(DerivedFigure).where(
        DerivedFigure.area_code == "E05000002", DerivedFigure.name == "young_people"))
    assert row.value == pytest.approx(140)
    assert row.year == 2021 and "Census 2021" in row.source and "split" in row.source
    assert "E01000002 (100%), E01000004 (100%)" in row.method


def test_no_geography_gives_an_empty_frame(db):
    frame = area_figures(db.session, "ward")
    assert frame.empty and "young_people" in frame.columns and frame.crs.to_epsg() == 27700


def test_ons_small_area_estimate_headers_are_read(db, tmp_path):
    """ONS mid-year LSOA estimates: 'LSOA 2021 Code', 'All Ages', '0' ... '90+'."""
    import_small(db.session, tmp_path, indicators=False)
    header = "LSOA 2021 Code,LSOA 2021 Name,All Ages," + ",".join(map(str, range(90))) + ",90+\n"
    row = ",".join(["2"] * 90) + ",5"
    body = "".join(f"{code},X,185,{row}\n" for code in
                   ("E01000001", "E01000002", "E01000003", "E01000004"))
    report = import_population(db.session, csv(tmp_path / "sape.csv", header + body), year=2024,
                               source="ONS mid-2024 LSOA population estimates")
    db.session.commit()
    assert report.notes[-1].endswith("89-89, 90+")
    wards = area_figures(db.session, "ward")
    assert wards.at["E05000001", "young_people"] == 2 * 7 * 2
    assert wards.attrs["sources"]["young_people"]["year"] == 2024
    assert wards.at["E05000001", "population"] == 2 * 185


def test_counts_match_tobler_areal_interpolation(db, tmp_path):
    """Where no slivers are involved, the counts equal tobler's area_interpolate."""
    from tobler.area_weighted import area_interpolate

    import_small(db.session, tmp_path)
    import_areas(db.session, parish_file(tmp_path), level="parish", code_field="code",
                 name_field="name")
    lsoas = area_figures(db.session, "lsoa")
    parishes = area_figures(db.session, "parish")
    expected = area_interpolate(lsoas[["young_people", "population", "geometry"]].reset_index(),
                                parishes[["geometry"]].reset_index(),
                                extensive_variables=["young_people", "population"])
    expected.index = parishes.index
    assert parishes["young_people"].tolist() == pytest.approx(expected["young_people"].tolist())
    assert parishes["population"].tolist() == pytest.approx(expected["population"].tolist())


def test_counts_on_2011_codes_are_shared_among_split_children(db, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    import_lsoa_lookup(db.session, csv(tmp_path / "look.csv", (
        "lsoa11_code,lsoa21_code,change_code\nE01000001,E01000001,U\nE01000002,E01000002,U\n"
        "E01000005,E01000003,S\nE01000005,E01000004,S\n")))
    import_population(db.session, csv(tmp_path / "pop11.csv", (
        "lsoa11cd,age_13,age_14,age_15_plus\nE01000001,10,10,100\nE01000002,20,20,100\n"
        "E01000005,30,30,100\n")), year=2011)
    db.session.commit()
    lsoas = area_figures(db.session, "lsoa", age_min=13, age_max=14)
    assert lsoas["young_people"].to_dict() == {"E01000001": 20, "E01000002": 40,
                                               "E01000003": 30, "E01000004": 30}
    assert area_figures(db.session, "ward", age_min=13, age_max=14)[
        "young_people"].sum() == pytest.approx(120)


def test_an_lsoa_missing_from_the_population_file_does_not_blank_its_area(db, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    import_population(db.session, csv(tmp_path / "pop.csv", "\n".join(
        POPULATION.splitlines()[:-1]) + "\n"))  # no row for E01000004
    import_deprivation(db.session, csv(tmp_path / "iod.csv", IOD2025))
    db.session.commit()
    east = area_figures(db.session, "ward").loc["E05000002"]
    assert east["imd_score"] == pytest.approx(10.0)  # B alone: D has no population figure
    assert east["young_people"] == pytest.approx(140)
