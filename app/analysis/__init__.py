"""Gap analysis, apart from Flask: GeoDataFrames in, tables out.

Everything here is plain Python (numpy, scipy, pandas, geopandas,
mapclassify); nothing imports Flask or the database.  The Flask side loads
inputs with :mod:`app.inputs` and makes results JSON-safe with :mod:`.json_records`.

Main entry points
-----------------
``compute_gaps(areas, services, *, responses=None, threshold_min=30, mode='bus',
weights=None, filters=None, today=None, max_monthly=10, reach_filter='free',
circuity=1.3, matrix=None, min_responses=8, points=None) -> GeoDataFrame``
    Every figure per area + ``gap_score`` (0-100) and ``rank`` (1 = biggest
    gap).  Weights and components are documented in :mod:`.gaps`, missing
    inputs in :mod:`.completeness`.  Reach is measured from population points
    (:func:`.population.population_points`; :mod:`.reach_points`).

``funding_at_risk(services, today, months=(6, 12, 24)) -> DataFrame``
    Services whose funding ends within each window.

``reach(areas, services, *, threshold_min, mode, filters, max_monthly) -> DataFrame``
    Services / sessions a week reachable and nearest distance/time, per filter.

``travel_minutes(origins, destinations, *, mode, circuity=1.3, matrix=None)``
    Dense minutes matrix (small inputs); ``pairs_within`` is the sparse,
    KD-tree version used for analysis; ``read_travel_matrix`` parses a
    routing engine's CSV.  Speeds: :data:`.travel.SPEEDS_KMH`.

``two_step_fca(pairs, demand, supply)``
    2SFCA places per 1,000 young people (checked against PySAL ``access``).

``voice_figures(responses, index)``
    Responses and barrier counts per area.

``services_frame(records)``, ``filter_mask(services, key)``, ``monthly_cost(...)``
    The service table, its filters (:data:`.services.FILTERS`) and costs.

``classify(values, scheme='quantiles', k=5, worse='high')``
    Choropleth bins, labels and colours (mapclassify).

``records(gaps, columns)``
    Rows as JSON-safe dicts (counts of people come from :mod:`app.publication`).

Areas: GeoDataFrame indexed by area code, EPSG:27700, columns ``name``,
``geometry``, ``young_people``, ``imd_score``, ``idaci``,
``share_most_deprived_20``, ``rural_share`` (optional ``origin_x``/``origin_y``).
"""

from .classify import Classification, classify
from .figures import FIGURES, TABLE_COLUMNS, format_value
from .gaps import (
    DEFAULT_WEIGHTS,
    WEIGHT_LABELS,
    check_weights,
    compute_gaps,
    funding_at_risk,
    summary,
    top_gaps,
)
from .json_records import records
from .provision import two_step_fca
from .reach import area_origins, reach, reachable_pairs
from .services import FILTERS, filter_mask, monthly_cost, services_frame
from .travel import (
    MODES,
    SPEEDS_KMH,
    MatrixError,
    nearest,
    pairs_within,
    read_travel_matrix,
    travel_minutes,
)
from .voice import voice_figures

__all__ = [
    "DEFAULT_WEIGHTS", "FIGURES", "FILTERS", "MODES", "SPEEDS_KMH", "TABLE_COLUMNS",
    "WEIGHT_LABELS", "Classification", "MatrixError", "area_origins", "check_weights",
    "classify", "compute_gaps", "filter_mask", "format_value", "funding_at_risk",
    "monthly_cost", "nearest", "pairs_within", "reach", "reachable_pairs",
    "read_travel_matrix", "records", "services_frame", "summary", "top_gaps",
    "travel_minutes", "two_step_fca", "voice_figures",
]
