"""What the pages read from the database for the analysis and the maps, cached per
data version (:mod:`app.cache`), one module per table.

* :mod:`.areas`: areas and their figures (``areas``, ``lsoa_areas``, ``wards``,
  ``population_points``, ``levels_with_areas``);
* :mod:`.services`: the services (``services``, the analysis table, and
  ``service_records``, planning's records);
* :mod:`.buildings`: council buildings (``buildings`` and ``building_records``);
* :mod:`.travel`: travel times imported from a routing engine, else the computed
  journeys (``travel_matrix``, ``imported_travel_modes``);
* :mod:`.map_context`: roads, outlines and buildings drawn round a map with no
  basemap (``context_near``, ``gap_map_context``, ``road_lines``): display, not
  analysis input.

Why by table, not by reader: each table is queried once and cached, and the gap
analysis takes it as a pandas table (the shapes documented in :mod:`app.analysis`)
while planning takes plain records (:mod:`app.analysis.scenario` copies and
changes them).  Both are views of that one cached query, kept in the table's own
module beside it (``services`` and ``service_records`` both read
``services._service_rows``), so the gap pages and planning cannot disagree about
the data, and a second query of a table would show up in its one module.
Survey responses reach the analysis only as published figures
(:mod:`app.publication`), never through here.

Importers name the module they read (``from app.inputs import areas as
area_inputs`` or ``from app.inputs.services import services``); this package
re-exports nothing.
"""
