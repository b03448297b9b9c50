"""Geography: import official boundaries and indicators; figures for any area level.

Pure code (SQLAlchemy, pandas, geopandas, shapely, pyproj); no Flask.

* :mod:`.boundaries` - ``import_areas`` (GeoJSON, GeoPackage, Shapefile; any declared CRS)
* :mod:`.indicators` - ``import_deprivation``, ``import_rurality``, ``import_lsoa_lookup``
  (official per-LSOA CSVs as published)
* :mod:`.population` - ``import_population`` and the age bands of a population file
* :mod:`.postcodes` - ``import_postcodes`` (ONS postcode directory style)
* :mod:`.bundle` - ``import_bundle`` (a folder of files: by content, or as a manifest says)
* :mod:`.council_import` - ``import_council`` (one council from files as published, no manifest)
* :mod:`.recognise` - what each file is, from its columns (and CRS, geometry type)
* :mod:`.streaming` - one council's rows of a national file, read in chunks
* :mod:`.postcode_fill` - every postcode: the directory, filled from Code-Point Open
* :mod:`.coverage` - postcode coverage per LSOA and the *uncertain* flag
* :mod:`.lsoa_figures` - ``lsoa_figures`` (the figures on the imported LSOAs)
* :mod:`.figures` - ``area_figures`` (LSOA figures shared out over any level)
* :mod:`.derived` - ``store_derived_figures`` (the stored copy, with method and inputs)
* :mod:`.lookup` - postcode and point-in-area look-ups
* :mod:`.errors` - ``GeodataError`` (file, row or feature, column) and ``ImportReport``
"""
