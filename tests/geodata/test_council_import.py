"""Any council from its files as published, with no manifest (issue 24).

"Westshire" is cut out of the real Herefordshire files and written in the
shapes of the national files (tests/geodata/fakecouncil.py): two councils'
rows in every file, a postcode directory with the HR area only, Code-Point
Open without a header row.  The import must find Westshire's rows by its
code, fill its postcodes, and refuse a broken folder naming file, row and
column with nothing stored.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from sqlalchemy import func, select

from app.geodata import streaming
from app.geodata.coverage import stored_coverage
from app.geodata.figures import area_figures
from app.models import Area, AreaIndicator, Postcode
from tests.conftest import HEREFORDSHIRE
from tests.geodata import fakecouncil
from tests.geodata.helpers import snapshot

pytestmark = pytest.mark.skipif(not HEREFORDSHIRE.is_dir(), reason="real data folder missing")


def _expected_postcodes():
    """Westshire's postcodes, worked out here from the source files with geopandas.

    (HR directory postcodes, Code-Point postcodes of the other areas, live
    residential HR postcodes, Code-Point postcodes per LSOA over every area.)
    """
    _wards, lsoas = fakecouncil.split()
    look = pd.read_csv(HEREFORDSHIRE / "lookup_lsoa11_lsoa21_herefordshire.csv")
    ours11 = set(look.loc[look["lsoa21_code"].isin(lsoas), "lsoa11_code"])
    nspl = pd.read_csv(HEREFORDSHIRE / "postcodes_herefordshire_nspl_nov2021_HR_LD.csv",
                       dtype=str, keep_default_na=False)
    hr = nspl[nspl["pcds"].str.startswith("HR") & nspl["lsoa11"].isin(ours11)]
    cp = pd.read_csv(HEREFORDSHIRE / "postcodes_herefordshire_codepoint_open_2014.csv",
                     dtype=str, keep_default_na=False)
    pts = gpd.GeoDataFrame(cp, geometry=gpd.points_from_xy(
        cp["easting"].astype(float), cp["northing"].astype(float)), crs=27700)
    layer = gpd.read_file(fakecouncil.GPKG, layer="lsoa2021_bgc")
    near = gpd.sjoin_nearest(pts, layer[["LSOA21CD", "geometry"]])
    near = near[~near.index.duplicated()]
    others = near[(near["postcode_area"] != "HR") & near["LSOA21CD"].isin(lsoas)]
    live = hr[(hr["doterm"] == "") & (hr["usertype"] == "0")]
    per_lsoa = near[near["LSOA21CD"].isin(lsoas)].groupby("LSOA21CD").size()  # every area
    return set(hr["pcds"]), set(others["postcode"]), len(live), per_lsoa


def test_a_second_council_imports_from_national_shaped_files_by_its_code(db, runner, tmp_path,
                                                                         monkeypatch):
    folder = fakecouncil.write(tmp_path)
    monkeypatch.setattr(streaming, "CHUNK_ROWS", 500)  # several chunks, as a national file
    # Two councils in every file: the folder alone cannot say which one is meant.
    refused = runner.invoke(args=["geodata", "import-bundle", str(folder)])
    assert refused.exit_code != 0
    assert "cannot tell which council" in refused.output
    assert "import-council CODE DIR" in refused.output

    result = runner.invoke(args=["geodata", "import-council", fakecouncil.CODE, str(folder)])
    assert result.exit_code == 0, result.output
    ward_codes, lsoa_codes = fakecouncil.split()
    lsoas = set(db.session.scalars(select(Area.code).where(Area.level == "lsoa")))
    wards = set(db.session.scalars(select(Area.code).where(Area.level == "ward")))
    assert lsoas == lsoa_codes and wards == ward_codes
    # Indicators: only Westshire's rows, from files with and without an LA column.
    for name in ("imd_score", "rural", "population_total"):
        codes = set(db.session.scalars(select(AreaIndicator.area_code)
                                       .where(AreaIndicator.name == name)))
        assert codes == lsoa_codes, name
    census = pd.read_csv(HEREFORDSHIRE / "census2021_pop_age6_herefordshire_lsoa21.csv",
                         index_col="lsoa21_code")
    figures = area_figures(db.session, "lsoa")
    young = census.loc[sorted(lsoa_codes)]
    expected_young = (young["age_0_15"] * 3 / 16 + young["age_16_24"] * 4 / 9).sum()
    assert figures["young_people"].sum() == pytest.approx(expected_young, rel=1e-9)

    # Every postcode: the HR directory's, filled from headerless Code-Point for the rest.
    hr, filled, live_hr, per_lsoa = _expected_postcodes()
    stored = dict(db.session.execute(select(Postcode.postcode, Postcode.source)).all())
    assert set(stored) == hr | filled
    assert filled and all(stored[p].startswith("OS Code-Point Open") for p in filled)
    assert all(stored[p].startswith("NSPL November 2021") for p in hr)
    areas = sorted({p.split()[0].rstrip("0123456789") for p in filled})
    assert "filling " + areas[0] in result.output
    assert "NSPL November 2021, HR area:" in result.output
    coverage = stored_coverage(db.session)
    assert set(coverage.index) == lsoa_codes
    assert coverage["postcodes_live"].sum() == live_hr + len(filled)
    assert coverage["postcodes_filled"].sum() == len(filled)
    # Expected: the council's postcodes per LSOA in Code-Point Open (all its area files).
    assert coverage["postcodes_expected"].reindex(per_lsoa.index).tolist() == \
        per_lsoa.astype(float).tolist()

    # A folder already cut to Westshire needs no code: it is the one every file names.
    # Its postcode directory has the 2024-on NSPL's column names and LSOA 2021 codes.
    cut = tmp_path / "cut"
    cut.mkdir()
    fakecouncil.write(cut, mix_other=False, modern_nspl=True)
    again = runner.invoke(args=["geodata", "import-bundle", str(cut)])
    assert again.exit_code == 0, again.output
    assert f"council {fakecouncil.CODE}" in again.output
    assert "NSPL May 2025, HR area:" in again.output
    assert set(db.session.scalars(select(Area.code).where(Area.level == "lsoa"))) == lsoa_codes
    assert set(db.session.scalars(select(Postcode.postcode))) == hr | filled
    assert set(db.session.scalars(select(Postcode.lsoa_code))) <= lsoa_codes


def test_a_broken_or_unknown_file_is_refused_naming_file_row_and_column(db, runner, tmp_path,
                                                                      monkeypatch):
    folder = fakecouncil.write(tmp_path)
    monkeypatch.setattr(streaming, "CHUNK_ROWS", 500)
    ok = runner.invoke(args=["geodata", "import-council", fakecouncil.CODE, str(folder)])
    assert ok.exit_code == 0, ok.output
    before = snapshot(db.session)

    # A bad grid reference deep in the national postcode file, in one of Westshire's rows.
    nspl = pd.read_csv(folder / "NSPL_NOV_2021_UK.csv", dtype=str, keep_default_na=False)
    row = int(nspl.index[nspl["laua"] == fakecouncil.CODE][-1])
    nspl.loc[row, "oseast1m"] = "east"
    nspl.to_csv(folder / "NSPL_NOV_2021_UK.csv", index=False)
    result = runner.invoke(args=["geodata", "import-council", fakecouncil.CODE, str(folder)])
    assert result.exit_code != 0
    assert (f"NSPL_NOV_2021_UK.csv, row {row + 2}, column 'oseast1m': 'east' is not a number"
            in result.output)
    assert "Nothing was imported; the database is unchanged." in result.output
    assert snapshot(db.session) == before

    # The same broken cell in another council's row is not Westshire's business.
    nspl.loc[row, "oseast1m"] = "330000"
    other = int(nspl.index[nspl["laua"] == fakecouncil.OTHER][0])
    nspl.loc[other, "oseast1m"] = "east"
    nspl.to_csv(folder / "NSPL_NOV_2021_UK.csv", index=False)
    assert runner.invoke(args=["geodata", "import-council", fakecouncil.CODE,
                               str(folder)]).exit_code == 0

    # An out-of-range decile in the Indices, on Westshire's row.
    iod = pd.read_csv(folder / "File_7_IoD2025.csv")
    column = [c for c in iod.columns if "Decile" in c][0]
    row = int(iod.index[iod["Local Authority District code (2024)"] == fakecouncil.CODE][0])
    iod.loc[row, column] = 11
    iod.to_csv(folder / "File_7_IoD2025.csv", index=False)
    after_ok = snapshot(db.session)
    result = runner.invoke(args=["geodata", "import-council", fakecouncil.CODE, str(folder)])
    assert f"File_7_IoD2025.csv, row {row + 2}, column '{column}'" in result.output
    assert "outside the allowed range 1 to 10" in result.output
    assert snapshot(db.session) == after_ok
    iod.loc[row, column] = 3
    iod.to_csv(folder / "File_7_IoD2025.csv", index=False)

    # A file nobody can recognise; then a required file missing.
    (folder / "notes.csv").write_text("colour,size\nred,3\n", encoding="utf-8")
    result = runner.invoke(args=["geodata", "import-council", fakecouncil.CODE, str(folder)])
    assert "notes.csv, row 1: is not a file this import recognises" in result.output
    assert "'colour', 'size'" in result.output
    (folder / "notes.csv").unlink()
    (folder / "census2021-ts007a-lsoa.csv").unlink()
    result = runner.invoke(args=["geodata", "import-council", fakecouncil.CODE, str(folder)])
    assert "no file for the population by age per LSOA" in result.output
    result = runner.invoke(args=["geodata", "import-council", "E6", str(folder)])
    assert "'E6' is not a local authority code" in result.output
    assert snapshot(db.session) == after_ok
    assert db.session.scalar(select(func.count()).select_from(Postcode)) > 0


def test_a_partial_postcode_directory_marks_lsoas_uncertain(db, runner, tmp_path):
    # Herefordshire's folder as published, less every file with GL, NP, SY or WR postcodes.
    for path in HEREFORDSHIRE.iterdir():
        if "codepoint" not in path.name and "may2025" not in path.name:
            (tmp_path / path.name).symlink_to(path)
    result = runner.invoke(args=["geodata", "import-bundle", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "council E06000019" in result.output
    coverage = stored_coverage(db.session)
    # Two LSOAs have no HR or LD postcode; E01013998 has 14 of its 58 (44 are SY).
    assert set(coverage.index[coverage["status"] == "none"]) == {"E01014028", "E01014030"}
    assert coverage.at["E01013998", "status"] == "partial"
    uncertain = set(coverage.index[coverage["postcode_uncertain"] > 0])
    assert "E01014028: none postcode coverage" in result.output
    # The flag reaches the figures every ranked page uses, LSOA and ward.
    lsoas = area_figures(db.session, "lsoa")
    assert set(lsoas.index[lsoas["uncertain"]]) == uncertain
    wards = area_figures(db.session, "ward")
    assert wards["uncertain"].any() and not wards["uncertain"].all()
    assert "NSPL November 2021, HR and LD areas" in wards.attrs["sources"]["uncertain"]["source"]
    assert f"{len(uncertain)} LSOAs with partial or no postcode coverage marked uncertain" in \
        wards.attrs["sources"]["uncertain"]["source"]
    # Filled from Code-Point Open, nothing is uncertain and the sentence says what was used.
    (tmp_path / "postcodes_herefordshire_codepoint_open_2014.csv").symlink_to(
        HEREFORDSHIRE / "postcodes_herefordshire_codepoint_open_2014.csv")
    result = runner.invoke(args=["geodata", "import-bundle", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert ("NSPL November 2021, HR and LD areas: 92% of the council's live residential "
            "postcodes; filled from OS Code-Point Open 2014 for GL, NP, SY and WR: 8%"
            in result.output)
    assert not area_figures(db.session, "ward")["uncertain"].any()
    # Say what was used: the postcode directory's coverage; Code-Point Open's own
    # attribution; GIAS only once schools are imported (as survey campaigns).
    from app.sources import sources_for
    from app.survey.campaigns import read_gias, upsert_school_campaigns

    listed = {s["key"]: s for s in sources_for(db.session)}
    assert listed["nspl"]["coverage"].startswith("NSPL November 2021, HR and LD areas: 92%")
    assert listed["codepoint"]["name"] == "OS Code-Point Open 2014"
    assert "Royal Mail copyright and database right 2014" in listed["codepoint"]["attribution"]
    assert "gias" not in listed
    gias = HEREFORDSHIRE / "schools_gias_2025_herefordshire.csv"
    with gias.open(encoding="utf-8") as handle:
        upsert_school_campaigns(db.session, "youth", read_gias(handle, gias.name))
    assert "gias" in {s["key"] for s in sources_for(db.session)}
