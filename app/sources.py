"""Data sources, licences and the attribution text each must carry (OGL v3)."""

import re

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

SOURCES = [
    {
        "key": "ons_boundaries",
        "name": "LSOA 2011/2021 and ward boundaries",
        "publisher": "Office for National Statistics",
        "licence": "Open Government Licence v3.0",
        "licence_url": OGL,
        "attribution": "Source: Office for National Statistics licensed under the Open Government "
        "Licence v.3.0. Contains OS data © Crown copyright and database right 2025.",
        "url": "https://geoportal.statistics.gov.uk/",
    },
    {
        "key": "iod",
        "name": "English Indices of Deprivation 2019 and 2025",
        "publisher": "Ministry of Housing, Communities and Local Government",
        "licence": "Open Government Licence v3.0",
        "licence_url": OGL,
        "attribution": "English Indices of Deprivation 2019 (and 2025), Ministry of Housing, "
        "Communities and Local Government. Contains public sector information licensed under "
        "the Open Government Licence v3.0.",
        "url": "https://www.gov.uk/government/collections/english-indices-of-deprivation",
    },
    {
        "key": "ruc",
        "name": "Rural-Urban Classification 2011 and 2021",
        "publisher": "Office for National Statistics (with Defra)",
        "licence": "Open Government Licence v3.0",
        "licence_url": OGL,
        "attribution": "Source: Office for National Statistics licensed under the Open Government "
        "Licence v.3.0.",
        "url": "https://www.ons.gov.uk/methodology/geography/geographicalproducts/ruralurbanclassifications",
    },
    {
        "key": "census",
        "name": "Census 2021 usual residents by age; ONS lookups",
        "publisher": "Office for National Statistics",
        "licence": "Open Government Licence v3.0",
        "licence_url": OGL,
        "attribution": "Source: Office for National Statistics licensed under the Open Government "
        "Licence v.3.0. Census 2021, ONS.",
        "url": "https://www.ons.gov.uk/census",
    },
    {
        "key": "nspl",
        "name": "National Statistics Postcode Lookup",
        "publisher": "Office for National Statistics",
        "licence": "Open Government Licence v3.0",
        "licence_url": OGL,
        "attribution": "Source: Office for National Statistics licensed under the Open Government "
        "Licence v.3.0. Contains OS data © Crown copyright and database right 2025. Contains "
        "Royal Mail data © Royal Mail copyright and database right 2025.",
        "url": "https://geoportal.statistics.gov.uk/",
    },
    {
        "key": "codepoint",
        "name": "OS Code-Point Open",
        "publisher": "Ordnance Survey",
        "licence": "Open Government Licence v3.0",
        "licence_url": OGL,
        "attribution": "Contains Ordnance Survey data © Crown copyright and database right. "
        "Contains Royal Mail data © Royal Mail copyright and database right. Contains National "
        "Statistics data © Crown copyright and database right.",
        "url": "https://www.ordnancesurvey.co.uk/products/code-point-open",
    },
    {
        "key": "gias",
        "name": "Get Information about Schools",
        "publisher": "Department for Education",
        "licence": "Open Government Licence v3.0",
        "licence_url": OGL,
        "attribution": "Contains public sector information licensed under the Open Government "
        "Licence v3.0. Source: Department for Education, Get Information about Schools.",
        "url": "https://get-information-schools.service.gov.uk/Downloads",
    },
]


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _years(texts) -> list[int]:
    return sorted({int(y) for t in texts if t for y in _YEAR.findall(str(t))})


def _year_text(years: list[int]) -> str:
    return "/".join(str(y) for y in years)


def sources_for(session) -> list[dict]:
    """:data:`SOURCES` with the dates of the files actually imported.

    Code-Point Open and GIAS are listed only when postcodes from Code-Point or
    schools were imported; the postcode directory carries ``coverage``, the
    import's sentence saying which postcode files were used and how much of the
    council each covers.  The postcode directory's copyright year comes from its
    own name or stated source (an NSPL of November 2021 is © 2021, not the year of import); the
    boundaries' from their editions; the Indices, rural-urban classification
    and Census from the years of the imported figures.  A source with nothing
    imported keeps the generic text.
    """
    from sqlalchemy import select

    from .models import Area, AreaIndicator, Postcode

    def indicator_years(*names):
        return sorted({int(y) for y in session.scalars(
            select(AreaIndicator.year).distinct().where(AreaIndicator.name.in_(names)))})

    from .geodata.coverage import coverage_source
    from .models.survey import Campaign

    pc_sources = session.scalars(select(Postcode.source).distinct()).all()
    codepoint = [t for t in pc_sources if t and t.startswith("OS Code-Point Open")]
    pc_years = _years([t for t in pc_sources if t not in codepoint])
    cp_years = _years(codepoint)
    coverage = coverage_source(session)
    schools = session.scalar(select(Campaign.id).where(Campaign.school_urn.is_not(None))
                             .limit(1)) is not None
    area_years = _years(session.scalars(select(Area.edition).distinct()).all())
    iod = indicator_years("imd_score", "imd_decile")
    ruc = indicator_years("rural")
    census = sorted({int(y) for y in session.scalars(
        select(AreaIndicator.year).distinct().where(AreaIndicator.name == "population_total"))})
    out = []
    for source in SOURCES:
        s = dict(source)
        key = s["key"]
        if (key == "codepoint" and not codepoint) or (key == "gias" and not schools):
            continue  # shown only when its data was imported
        if key == "codepoint":
            y = _year_text(cp_years)
            s["name"] = f"OS Code-Point Open {y}".strip()
            s["attribution"] = s["attribution"].replace("database right.", f"database right "
                                                        f"{y}.".replace(" .", "."))
        if key == "nspl" and coverage:
            s["coverage"] = coverage
        if key == "nspl" and pc_years:
            y = _year_text(pc_years)
            s["name"] = f"National Statistics Postcode Lookup ({y})"
            s["attribution"] = (
                "Source: Office for National Statistics licensed under the Open Government "
                f"Licence v.3.0. Contains OS data © Crown copyright and database right {y}. "
                f"Contains Royal Mail data © Royal Mail copyright and database right {y}.")
        elif key == "ons_boundaries" and area_years:
            y = max(area_years)
            s["name"] = f"LSOA and ward boundaries (editions {_year_text(area_years)})"
            s["attribution"] = (
                "Source: Office for National Statistics licensed under the Open Government "
                f"Licence v.3.0. Contains OS data © Crown copyright and database right {y}.")
        elif key == "iod" and iod:
            names = " and ".join(str(y) for y in iod)
            s["name"] = f"English Indices of Deprivation {names}"
            s["attribution"] = (
                f"English Indices of Deprivation {names}, Ministry of Housing, Communities and "
                "Local Government. Contains public sector information licensed under the Open "
                "Government Licence v3.0.")
        elif key == "ruc" and ruc:
            s["name"] = f"Rural-Urban Classification {' and '.join(str(y) for y in ruc)}"
        elif key == "census" and census:
            s["name"] = f"Census {_year_text(census)} usual residents by age; ONS lookups"
            s["attribution"] = ("Source: Office for National Statistics licensed under the "
                                f"Open Government Licence v.3.0. Census {_year_text(census)}, "
                                "ONS.")
        out.append(s)
    return out
