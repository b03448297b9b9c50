"""Recognise official files by what is in them, not by their names.

``recognise_folder(directory)`` reads every file's header (CSV) or every
layer's fields, CRS and geometry type (GeoJSON, GeoPackage, Shapefile) and
says what it is: its *role* (LSOA boundaries, ward boundaries, deprivation,
postcode directory, ...) and its *edition* (LSOA 2011 or 2021 codes, WD24CD or
WD25CD wards, IoD 2019 or 2025), from the columns alone.  A file that cannot
be recognised is refused with a :class:`GeodataError` naming it and listing
its columns.  Nothing is read beyond the headers here.

Pure: pyogrio, csv; no Flask.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyogrio

from .crs import BNG
from .errors import FilePath, GeodataError
from .indicators import deprivation_columns
from .lookup import normalise_postcode
from .population import age_band
from .tables import Header, norm

GEO_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp"}
TABLE_SUFFIXES = {".csv"}
# Documentation, manifests and the parts of a Shapefile other than .shp.
IGNORED_SUFFIXES = {".md", ".txt", ".pdf", ".html", ".htm", ".yaml", ".yml", ".dbf", ".shx",
                    ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".rtf", ".doc", ".docx",
                    ".odt"}

# Normalised column names (see ``tables.norm``) -> meaning.
POSTCODE = {"pcds", "pcd", "pcd7", "pcd8", "pcd2", "postcode"}
EASTING = {"oseast1m", "east1m", "easting", "eastings", "x", "bnge"}
NORTHING = {"osnrth1m", "north1m", "northing", "northings", "y", "bngn"}
LATITUDE = {"lat", "latitude"}
LA_PATTERN = re.compile(r"^(?:lad\d{2}cd|ltla\d{2}code|lad\d{2}code|laua|oslaua|ladcd|lad|"
                        r"ladcode|admindistrictcode|localauthoritydistrictcode(?:\d{4})?)$")
LSOA11 = {"lsoa11cd", "lsoa11code", "lsoacode2011", "lsoa2011code", "lsoa11"}
LSOA21 = {"lsoa21cd", "lsoa21code", "lsoacode2021", "lsoa2021code", "lsoa21"}
LSOA_ANY = {"lsoacode", "lsoacd", "lsoa", "geographycode"}
WARD = re.compile(r"^(?:wd|ward)(\d{2})(?:cd|code)$")
PARISH = re.compile(r"^par(\d{2})cd$")
CHANGE = {"changecode", "chgind", "change"}
RUC = {"ruc11cd", "ruc11code", "ruc21cd", "ruc21code", "ruccode"}
# Code-Point Open is published without a header row; these are its documented columns.
CODEPOINT_HEADER = ["Postcode", "Positional_quality_indicator", "Eastings", "Northings",
                    "Country_code", "NHS_regional_HA_code", "NHS_HA_code", "Admin_county_code",
                    "Admin_district_code", "Admin_ward_code"]

ROLE_LABELS = {
    "lsoa_boundaries": "LSOA boundaries",
    "ward_boundaries": "ward boundaries",
    "council_outline": "a council outline (not needed: the council's area is its LSOAs)",
    "deprivation": "English Indices of Deprivation",
    "rurality": "Rural-Urban Classification of LSOAs",
    "population": "population by age per LSOA",
    "lsoa_lookup": "LSOA 2011 to 2021 lookup",
    "area_lookup": "an area lookup (used to tell which areas are the council's)",
    "parish_names": "parish names and codes (no polygons: not imported)",
    "postcode_directory": "ONS postcode directory (NSPL/ONSPD)",
    "codepoint": "OS Code-Point Open",
    "postcode_points": "postcode points without a local authority column",
    "schools": "DfE Get Information about Schools (imported with flask surveys import-schools)",
}


@dataclass
class Found:
    """One recognised file (or GeoPackage layer)."""

    path: Path
    role: str
    edition: str | None = None
    layer: str | None = None
    columns: list[str] = field(default_factory=list)
    la_column: str | None = None  # the local authority code column, when there is one
    code_column: str | None = None  # the main code column (LSOA, ward, postcode)
    name_column: str | None = None
    crs: str | None = None
    features: int | None = None
    header: bool = True  # False: Code-Point Open as published, without a header row
    size: int = 0

    @property
    def label(self) -> str:
        """'file (layer x): what it is, edition' for the import report."""
        where = f"{self.path.name}" + (f" (layer {self.layer})" if self.layer else "")
        edition = f" {self.edition}" if self.edition else ""
        return f"{where}: {ROLE_LABELS[self.role]}{edition}"


def _first(columns: Iterable[str], names: Collection[str]) -> str | None:
    for column in columns:
        if norm(column) in names:
            return column
    return None


_CENSUS_AGE = re.compile(r"^age: aged (\d+)(?: to (\d+))? years?(?: and (under|over))?$")


def census_column(column: str) -> str:
    """Census 2021 bulk-table names as the population import reads them.

    'Age: Aged 5 to 9 years' -> 'age_5_9', 'Age: Aged 4 years and under' ->
    'age_0_4', 'Age: Aged 85 years and over' -> 'age_85_plus', 'Age: Total'
    -> 'total', 'geography code' -> 'lsoa_code'; other names unchanged.
    """
    text = re.sub(r"\s*;\s*measures:\s*value$", "", column.strip().lower())
    if text == "geography code":
        return "lsoa_code"
    if text == "age: total":
        return "total"
    match = _CENSUS_AGE.match(text)
    if not match:
        return column
    low, high, end = match.groups()
    if end == "under":
        return f"age_0_{low}"
    if end == "over":
        return f"age_{low}_plus"
    return f"age_{low}_{high or low}"


def _la_column(columns: Iterable[str]) -> str | None:
    return next((c for c in columns if LA_PATTERN.match(norm(c))), None)


def read_header(path: Path) -> tuple[list[str], list[str]]:
    """(header cells, first data row) of a CSV, read as UTF-8 (else Windows-1252)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            with path.open(newline="", encoding=encoding) as handle:
                reader = csv.reader(handle)
                header = next(reader, [])
                first = next(reader, [])
            return [h.strip() for h in header], [c.strip() for c in first]
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            raise GeodataError(path, f"cannot be read as CSV: {exc}", row=1) from None
    raise GeodataError(path, "is neither UTF-8 nor Windows-1252 text", row=1)


def recognise_csv(path: Path) -> Found:
    """The role and edition of one CSV from its header; :class:`GeodataError` if unknown."""
    header, first = read_header(path)
    if not header:
        raise GeodataError(path, "the file is empty")
    size = path.stat().st_size
    if len(header) == 10 and normalise_postcode(header[0]) and header[2].isdigit():
        # Code-Point Open as published: no header row.
        return Found(path, "codepoint", columns=CODEPOINT_HEADER, header=False, size=size,
                     la_column="Admin_district_code", code_column="Postcode")
    keys = {norm(c): c for c in header}
    la = _la_column(header)
    found = Found(path, "", columns=header, la_column=la, size=size)
    postcode = _first(header, POSTCODE)
    lsoa11, lsoa21 = _first(header, LSOA11), _first(header, LSOA21)
    if postcode is not None:
        found.code_column = postcode
        has_xy = _first(header, EASTING) is not None and _first(header, NORTHING) is not None
        has_ll = _first(header, LATITUDE) is not None
        if not (has_xy or has_ll):
            raise GeodataError(path, "has postcodes but no coordinates (easting/northing or "
                               "lat/long); the file has " + ", ".join(map(repr, header)))
        if "positionalqualityindicator" in keys or "pqi" in keys:
            found.role = "codepoint"
        elif la is not None and (lsoa11 or lsoa21 or _first(header, LSOA_ANY)):
            found.role = "postcode_directory"
            found.edition = "LSOA 2021" if lsoa21 else "LSOA 2011"
        elif la is not None:
            found.role = "codepoint"  # points with a local authority, no LSOA
        else:
            found.role = "postcode_points"
        return found
    if "urn" in keys and ("establishmentname" in keys or "establishmentname" in
                          {k.replace("(", "") for k in keys}):
        found.role = "schools"
        return found
    if lsoa11 and lsoa21 and _first(header, CHANGE):
        found.role = "lsoa_lookup"
        return found
    code = lsoa21 or lsoa11 or _first(header, LSOA_ANY)
    matched = [(c, WARD.match(norm(c))) for c in header]
    wards = [(c, m.group(1)) for c, m in matched if m]
    parishes = [c for c in header if PARISH.match(norm(c))]
    if code is not None:
        found.code_column = code
        found.edition = "LSOA 2021" if code == lsoa21 or (code != lsoa11 and
                                                          not lsoa11) else "LSOA 2011"
        if code not in (lsoa11, lsoa21):
            found.edition = None  # a generic column: decided by the codes' own edition
        measures = deprivation_columns(path, Header(header), code)
        if "imd_score" in measures or "imd_decile" in measures:
            found.role = "deprivation"
            year = "2019" if code == lsoa11 else "2025"
            found.edition = f"IoD{year} ({'LSOA 2011' if year == '2019' else 'LSOA 2021'})"
            return found
        ruc = _first(header, RUC)
        if ruc:
            found.role = "rurality"
            found.edition = "RUC 2011" if "11" in norm(ruc) else "RUC 2021"
            return found
        if any(age_band(census_column(c)) for c in header if c != code):
            found.role = "population"
            return found
        if wards:
            found.role = "area_lookup"
            found.edition = f"LSOA to ward 20{wards[0][1]}"
            return found
    if parishes:
        found.role = "area_lookup" if wards else "parish_names"
        parish = PARISH.match(norm(parishes[0]))
        assert parish is not None  # parishes holds only the columns PARISH matches
        found.edition = f"parishes 20{parish.group(1)}"
        return found
    raise GeodataError(path, "is not a file this import recognises (postcode directory, "
                       "Code-Point Open, Indices of Deprivation, rural-urban classification, "
                       "population by age, LSOA or ward lookup, GIAS schools); its columns are "
                       + ", ".join(map(repr, header)), row=1)


def recognise_layers(path: Path) -> list[Found]:
    """One :class:`Found` per layer of a GeoJSON, GeoPackage or Shapefile."""
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio's DataSourceError and friends
        raise GeodataError(path, f"cannot be read as GeoJSON, GeoPackage or Shapefile "
                           f"({exc})") from None
    out = []
    for layer in layers:
        info = pyogrio.read_info(path, layer=layer)
        fields = [str(f) for f in info["fields"]]
        geometry = str(info.get("geometry_type") or "")
        if geometry and "polygon" not in geometry.lower() and geometry != "Unknown":
            raise GeodataError(path, f"layer '{layer}' holds {geometry} features, not "
                               "polygons: boundaries must be polygons")
        found = Found(path, "", layer=layer if len(layers) > 1 else None, columns=fields,
                      crs=info.get("crs"), features=int(info.get("features") or 0),
                      la_column=_la_column(fields), size=path.stat().st_size)
        keys = {norm(f): f for f in fields}
        lsoa21, lsoa11 = _first(fields, {"lsoa21cd"}), _first(fields, {"lsoa11cd"})
        matched = [(f, WARD.match(norm(f))) for f in fields]
        wards = [(f, m.group(1)) for f, m in matched if m]
        if lsoa21 or lsoa11:
            found.role = "lsoa_boundaries"
            found.code_column = lsoa21 or lsoa11
            found.edition = "2021" if lsoa21 else "2011"
            found.name_column = keys.get(f"lsoa{found.edition[2:]}nm")
        elif wards:
            found.role = "ward_boundaries"
            found.code_column, year = wards[0]
            found.edition = f"20{year}"
            found.name_column = keys.get(f"wd{year}nm") or keys.get(f"ward{year}name")
        elif found.la_column or "ladnm" in keys:
            found.role = "council_outline"
        else:
            raise GeodataError(path, f"layer '{layer}' is not LSOA, ward or council "
                               "boundaries (no LSOA21CD, LSOA11CD, WDnnCD or LADnnCD field); "
                               "its fields are " + ", ".join(map(repr, fields)))
        if found.role != "council_outline" and found.name_column is None:
            raise GeodataError(path, f"layer '{layer}' has codes in '{found.code_column}' but "
                               "no matching name field; its fields are "
                               + ", ".join(map(repr, fields)), column=found.code_column)
        if not found.crs:
            raise GeodataError(path, "the file does not say which coordinate reference "
                               "system (CRS) it uses; set it (for example with ogr2ogr "
                               f"-a_srs {BNG}) and import again")
        out.append(found)
    return out


def recognise_folder(directory: FilePath) -> list[Found]:
    """Every data file in ``directory``, recognised; refuses the first unknown one."""
    directory = Path(directory)
    if not directory.is_dir():
        raise GeodataError(directory, "is not a folder")
    found: list[Found] = []
    for path in sorted(directory.iterdir()):
        suffix = path.suffix.lower()
        if path.name.startswith(".") or path.is_dir() or suffix in IGNORED_SUFFIXES:
            continue
        if suffix in TABLE_SUFFIXES:
            found.append(recognise_csv(path))
        elif suffix in GEO_SUFFIXES:
            found.extend(recognise_layers(path))
        elif suffix in (".zip", ".gz"):
            raise GeodataError(path, "is compressed: unpack it into the folder first")
        elif suffix in (".xlsx", ".xls", ".ods"):
            raise GeodataError(path, "is a spreadsheet: save the sheet with the data as CSV "
                               "(UTF-8) in the folder")
        else:
            raise GeodataError(path, "is not a file this import recognises (CSV, GeoJSON, "
                               "GeoPackage or Shapefile)")
    if not found:
        raise GeodataError(directory, "holds no data files (CSV, GeoJSON, GeoPackage, "
                           "Shapefile)")
    return found
