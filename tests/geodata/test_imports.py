"""Imports of small synthetic files: what is stored, and every bad-input case.

Each bad input must give one clear message naming the file, the row or
feature and the column, and leave the database exactly as it was.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon
from sqlalchemy import func, select

from app.geodata.boundaries import import_areas
from app.geodata.errors import GeodataError
from app.geodata.indicators import import_deprivation, import_lsoa_lookup
from app.geodata.population import import_population
from app.geodata.postcodes import import_postcodes
from app.models import Area, AreaIndicator, Postcode

from .helpers import IOD2025, csv, geojson, import_small, lsoa_file, snapshot, square, ward_file


def _cli_fails(runner, db, args, *expected):
    """Run a CLI import that must fail; check the message and that nothing changed."""
    before = snapshot(db.session)
    result = runner.invoke(args=["geodata", *map(str, args)])
    assert result.exit_code != 0
    for text in expected:
        assert text in result.output, result.output
    assert "the database is unchanged" in result.output
    db.session.rollback()
    assert snapshot(db.session) == before
    return result.output


# --- what good files store ------------------------------------------------

def test_areas_are_reprojected_and_reimport_replaces_the_level(db, tmp_path, runner):
    # The same squares, written in WGS84: the import must bring them back to metres.
    lsoas = gpd.read_file(lsoa_file(tmp_path)).to_crs(4326)
    path = tmp_path / "lsoa4326.gpkg"
    lsoas.to_file(path, layer="lsoa", driver="GPKG")
    result = runner.invoke(args=["geodata", "import-areas", str(path), "--level", "lsoa",
                                 "--code-field", "LSOA21CD", "--name-field", "LSOA21NM"])
    assert result.exit_code == 0, result.output
    assert "reprojected from EPSG:4326 to EPSG:27700" in result.output
    area = db.session.scalar(select(Area).where(Area.code == "E01000001"))
    assert area.area_m2 == pytest.approx(1_000_000, rel=1e-4)
    assert area.geometry.bounds[0] == pytest.approx(700000, abs=0.5)

    smaller = geojson(tmp_path / "two.geojson", [
        ({"LSOA21CD": "E01000009", "LSOA21NM": "New 1"}, square(0, 0)),
        ({"LSOA21CD": "E01000010", "LSOA21NM": "New 2"}, square(1, 0)),
    ])
    result = runner.invoke(args=["geodata", "import-areas", str(smaller), "--level", "lsoa",
                                 "--code-field", "LSOA21CD", "--name-field", "LSOA21NM"])
    assert result.exit_code == 0, result.output
    codes = set(db.session.scalars(select(Area.code).where(Area.level == "lsoa")))
    assert codes == {"E01000009", "E01000010"}


def test_parent_level_links_each_area_to_the_one_it_overlaps_most(db, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    geo = geojson(tmp_path / "p.geojson", [
        ({"code": "E04000001", "name": "Mostly West"}, square(0, 0, 1.4, 1)),
        ({"code": "E04000002", "name": "East end"}, square(1.4, 0, 0.6, 1)),
    ])
    report = import_areas(db.session, geo, level="parish", code_field="code", name_field="name",
                          parent_level="ward")
    db.session.commit()
    assert report.rows == 2
    parents = dict(db.session.execute(select(Area.code, Area.parent_code)
                                      .where(Area.level == "parish")).all())
    assert parents == {"E04000001": "E05000001", "E04000002": "E05000002"}


def test_invalid_polygon_is_repaired_and_reported(db, tmp_path):
    bowtie = Polygon([(X := 700000, 300000), (X + 1000, 301000), (X + 1000, 300000),
                      (X, 301000), (X, 300000)])
    path = geojson(tmp_path / "bow.geojson", [({"c": "E01000001", "n": "Bow"}, bowtie)])
    report = import_areas(db.session, path, level="lsoa", code_field="c", name_field="n")
    db.session.commit()
    assert any("feature 1 ('E01000001'): invalid geometry" in n and "make_valid" in n
               for n in report.notes)
    area = db.session.scalar(select(Area))
    assert area.geometry.is_valid
    assert area.area_m2 == pytest.approx(500_000, rel=1e-6)  # both triangles kept


def test_indicators_are_stored_per_lsoa_with_source_and_year(db, tmp_path):
    import_small(db.session, tmp_path)
    row = db.session.scalar(select(AreaIndicator).where(
        AreaIndicator.area_code == "E01000001", AreaIndicator.name == "imd_score"))
    assert (row.value, row.year) == (50.0, 2025)
    assert "English Indices of Deprivation 2025" in row.source and "iod2025.csv" in row.source
    ruc = db.session.scalar(select(AreaIndicator).where(
        AreaIndicator.area_code == "E01000004", AreaIndicator.name == "ruc_class"))
    assert (ruc.text_value, ruc.year) == ("RLN1", 2021)
    assert ruc.note.startswith("Larger rural")
    bands = set(db.session.scalars(select(AreaIndicator.name).distinct().where(
        AreaIndicator.name.like("population_age_%"))))
    assert "population_age_16_24" in bands and "population_age_65_plus" in bands


def test_official_mhclg_column_names_are_recognised(db, tmp_path):
    import_small(db.session, tmp_path, wards=False, indicators=False)
    text = (
        "LSOA code (2011),LSOA name (2011),Index of Multiple Deprivation (IMD) Score,"
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),"
        "Income Deprivation Affecting Children Index (IDACI) Score (rate),"
        "Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived "
        "10% of LSOAs),Children and Young People Sub-domain Score\n"
        "E01000001,A,40.5,\"1,234\",1,0.31,1,1.5\n"
        "E01000002,B,12.0,20000,7,0.08,7,-0.2\n"
    )
    report = import_deprivation(db.session, csv(tmp_path / "file7.csv", text))
    db.session.commit()
    assert report.kind == "deprivation 2019 (LSOA 2011)"
    values = dict(db.session.execute(select(AreaIndicator.name, AreaIndicator.value).where(
        AreaIndicator.area_code == "E01000001", AreaIndicator.year == 2019)).all())
    assert values == {"imd_score": 40.5, "imd_rank": 1234, "imd_decile": 1, "idaci_score": 0.31,
                      "idaci_decile": 1, "children_young_people_score": 1.5}


def test_postcodes_from_latitude_longitude_are_placed_in_metres(db, tmp_path):
    path = csv(tmp_path / "pc.csv", "Postcode,lat,long\nzz11aa,52.06075,-2.71002\n"
                                    "ZZ1 1AB,,\n")
    report = import_postcodes(db.session, path)
    db.session.commit()
    row = db.session.scalar(select(Postcode).where(Postcode.postcode == "ZZ1 1AA"))
    assert row.x == pytest.approx(351418, abs=5) and row.y == pytest.approx(240501, abs=5)
    assert "1 postcodes without coordinates were left out" in report.notes


# --- bad input: one clear message, nothing changed -------------------------

def test_file_with_no_crs_is_refused(db, runner, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    frame = gpd.GeoDataFrame({"code": ["E01000009"], "name": ["X"]}, geometry=[square(0, 0)])
    path = tmp_path / "nocrs.shp"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        frame.to_file(path)
    _cli_fails(runner, db, ["import-areas", path, "--level", "lsoa", "--code-field", "code",
                            "--name-field", "name"],
               "nocrs.shp: the file does not say which coordinate reference system")


def test_geojson_in_metres_without_a_crs_is_refused(db, runner, tmp_path):
    path = geojson(tmp_path / "metres.geojson", [({"code": "E01000009", "name": "X"},
                                                  square(0, 0))], crs=None)
    _cli_fails(runner, db, ["import-areas", path, "--level", "lsoa", "--code-field", "code",
                            "--name-field", "name"],
               "metres.geojson:", "coordinates look like metres")


def test_misnamed_field_is_named_with_the_fields_there_are(db, runner, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    _cli_fails(runner, db, ["import-areas", ward_file(tmp_path), "--level", "ward",
                            "--code-field", "WD24CD", "--name-field", "WD25NM"],
               "wards.geojson, column 'WD24CD': there is no field 'WD24CD'; the fields are "
               "WD25CD, WD25NM")


def test_missing_csv_column_is_named(db, runner, tmp_path):
    import_small(db.session, tmp_path)
    bad = csv(tmp_path / "iod.csv", IOD2025.replace("IMD_score", "IMD_sc0re"))
    output = _cli_fails(runner, db, ["import-deprivation", bad],
                        "iod.csv: no column for the IMD score")
    assert "'IMD_sc0re'" in output  # the columns the file does have are listed


def test_non_polygon_geometry_is_refused(db, runner, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    path = geojson(tmp_path / "points.geojson", [
        ({"code": "E05000009", "name": "Ok"}, square(0, 0)),
        ({"code": "E05000010", "name": "Dot"}, Point(700500, 300500)),
    ])
    _cli_fails(runner, db, ["import-areas", path, "--level", "ward", "--code-field", "code",
                            "--name-field", "name"],
               "points.geojson, feature 2: 'E05000010' is a Point, not a polygon")


def test_duplicate_area_codes_are_refused(db, runner, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    path = geojson(tmp_path / "dup.geojson", [
        ({"code": "E05000009", "name": "A"}, square(0, 0)),
        ({"code": "E05000009", "name": "B"}, square(1, 0)),
    ])
    _cli_fails(runner, db, ["import-areas", path, "--level", "ward", "--code-field", "code",
                            "--name-field", "name"],
               "dup.geojson, feature 2, column 'code': code 'E05000009' appears twice "
               "(first in feature 1)")


def test_duplicate_codes_in_a_csv_are_refused(db, runner, tmp_path):
    import_small(db.session, tmp_path)
    lines = IOD2025.splitlines()
    bad = csv(tmp_path / "dup.csv", "\n".join([*lines, lines[2]]) + "\n")
    _cli_fails(runner, db, ["import-deprivation", bad],
               "dup.csv, row 6, column 'lsoa21_code': code 'E01000002' appears twice "
               "(first on row 3)")


def test_codes_matching_no_imported_area_are_refused(db, runner, tmp_path):
    import_small(db.session, tmp_path)
    bad = csv(tmp_path / "other.csv", IOD2025.replace("E01000003", "E01099999"))
    _cli_fails(runner, db, ["import-deprivation", bad],
               "other.csv, row 4, column 'lsoa21_code': code 'E01099999' matches no imported LSOA")


def test_national_file_keeps_only_imported_areas_when_asked(db, runner, tmp_path):
    import_small(db.session, tmp_path)
    national = csv(tmp_path / "national.csv",
                   IOD2025 + "E01099999,70.0,1,1,2.0,1\n")
    result = runner.invoke(args=["geodata", "import-deprivation", str(national),
                                 "--only-imported-areas"])
    assert result.exit_code == 0, result.output
    assert "1 rows for LSOAs outside the imported areas were skipped" in result.output
    assert db.session.scalar(select(func.count()).where(
        AreaIndicator.area_code == "E01099999")) == 0


def test_bad_number_names_row_and_column(db, runner, tmp_path):
    import_small(db.session, tmp_path)
    bad = csv(tmp_path / "num.csv", IOD2025.replace("30.0,6000,2", "30.0,6000,12"))
    _cli_fails(runner, db, ["import-deprivation", bad],
               "num.csv, row 4, column 'IMD_decile': 12 is outside the allowed range 1 to 10")


@pytest.mark.parametrize("content, message", [
    ("", "empty.csv: the file is empty"),
    ("lsoa21_code,IMD_score,IMD_decile\n", "empty.csv: the file has a header row but no data"),
])
def test_empty_csv_is_refused(db, runner, tmp_path, content, message):
    import_small(db.session, tmp_path)
    _cli_fails(runner, db, ["import-deprivation", csv(tmp_path / "empty.csv", content)], message)


def test_empty_boundary_file_is_refused(db, runner, tmp_path):
    import_small(db.session, tmp_path, indicators=False)
    path = geojson(tmp_path / "none.geojson", [])
    _cli_fails(runner, db, ["import-areas", path, "--level", "ward", "--code-field", "code",
                            "--name-field", "name"], "none.geojson: the file has no features")


def test_csv_in_the_wrong_encoding_is_refused(db, runner, tmp_path):
    import_small(db.session, tmp_path)
    text = IOD2025.replace("lsoa21_code,", "lsoa21_code,lsoa21_name,").replace(
        "E01000001,", "E01000001,Ystrad Café,").replace("E01000002,", "E01000002,B,").replace(
        "E01000003,", "E01000003,C,").replace("E01000004,", "E01000004,D,")
    bad = csv(tmp_path / "latin.csv", text, encoding="cp1252")
    _cli_fails(runner, db, ["import-deprivation", bad],
               "latin.csv, row 2: is not utf-8 text", "--encoding cp1252")
    # Named correctly, the same file imports.
    result = runner.invoke(args=["geodata", "import-deprivation", str(bad),
                                 "--encoding", "cp1252"])
    assert result.exit_code == 0, result.output


def test_bad_postcode_and_lookup_rows_are_named(db, runner, tmp_path):
    import_small(db.session, tmp_path)
    pcs = csv(tmp_path / "pc.csv", "pcds,oseast1m,osnrth1m,doterm\nZZ1 1AA,700100,300100,\n"
                                   "NOT A CODE,700200,300200,\n")
    _cli_fails(runner, db, ["import-postcodes", pcs],
               "pc.csv, row 3, column 'pcds': 'NOT A CODE' is not a UK postcode")
    look = csv(tmp_path / "look.csv", "lsoa11_code,lsoa21_code,change_code\n"
                                      "E01000001,E01000001,U\nE01000002,E01000002,Q\n")
    _cli_fails(runner, db, ["import-lsoa-lookup", look],
               "look.csv, row 3, column 'change_code': 'Q' is not a change code")


def test_failing_step_rolls_back_the_whole_bundle(db, runner, tmp_path):
    import_small(db.session, tmp_path)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    geojson(bundle / "lsoa.geojson", [({"CD": "E01000007", "NM": "Replaced"}, square(0, 0))])
    csv(bundle / "bad.csv", "lsoa11_code,lsoa21_code,change_code\nE01000007,E01000007,Z\n")
    (bundle / "manifest.yaml").write_text(
        "steps:\n"
        "  - {kind: areas, file: lsoa.geojson, level: lsoa, code_field: CD, name_field: NM}\n"
        "  - {kind: lsoa_lookup, file: bad.csv}\n", encoding="utf-8")
    _cli_fails(runner, db, ["import-bundle", bundle], "bad.csv, row 2, column 'change_code'")
    assert db.session.scalar(select(func.count()).where(Area.level == "lsoa")) == 4


def test_library_functions_raise_before_writing(db, tmp_path):
    import_small(db.session, tmp_path)
    before = snapshot(db.session)
    with pytest.raises(GeodataError) as info:
        import_population(db.session, csv(tmp_path / "p.csv", "lsoa21_code,total\nE01000001,5\n"))
    assert "p.csv: no age columns found" in str(info.value)
    with pytest.raises(GeodataError, match="look.csv: no column for the change indicator"):
        import_lsoa_lookup(db.session, csv(tmp_path / "look.csv",
                                           "lsoa11cd,lsoa21cd\nE01000001,E01000001\n"))
    db.session.rollback()
    assert snapshot(db.session) == before


def test_summary_and_derive_commands(db, runner, tmp_path):
    import_small(db.session, tmp_path)
    result = runner.invoke(args=["geodata", "derive"])
    assert result.exit_code == 0, result.output
    assert "ward figures: derived figures, 2 rows imported" in result.output
    result = runner.invoke(args=["geodata", "summary"])
    assert result.exit_code == 0, result.output
    assert "areas  lsoa     4" in result.output and "areas  ward     2" in result.output
    assert "English Indices of Deprivation 2025, MHCLG (LSOA 2021) [iod2025.csv]" in result.output


def test_geopackage_with_several_layers_needs_one_named(db, runner):
    from tests.conftest import HEREFORDSHIRE

    gpkg = HEREFORDSHIRE / "herefordshire_boundaries_bng.gpkg"
    if not gpkg.exists():
        pytest.skip("real data folder missing")
    output = _cli_fails(runner, db, ["import-areas", gpkg, "--level", "ward", "--code-field",
                                     "WD25CD", "--name-field", "WD25NM"],
                        "herefordshire_boundaries_bng.gpkg: has 4 layers (lsoa2011_bgc, "
                        "lsoa2021_bgc, wards2025_bgc, lad_from_lsoa2021_bgc): name one with "
                        "--layer")
    assert "Traceback" not in output
    result = runner.invoke(args=["geodata", "import-areas", str(gpkg), "--layer",
                                 "wards2025_bgc", "--level", "ward", "--code-field", "WD25CD",
                                 "--name-field", "WD25NM"])
    assert result.exit_code == 0, result.output
    assert "ward boundaries, 53 rows imported" in result.output
    assert "reprojected" not in result.output  # already EPSG:27700
