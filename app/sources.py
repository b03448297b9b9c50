"""Data sources, licences and the attribution text each must carry (OGL v3)."""

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
