"""The figures a user can map, tabulate and download, with labels and meaning.

``kind``: ``people`` (counts of young people's responses: disclosure
control applies), ``share`` (0-1, derived from ``people`` counts: published
only from controlled counts), ``population``, ``services`` (counts of public
listings, not people), ``sessions``, ``rate``, ``distance``, ``minutes``,
``score``.  ``worse``: whether a ``high`` or ``low`` value means more need.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .services import FILTERS

POP_SOURCE = "ONS Census 2021 (population by age)"
IMD_SOURCE = "MHCLG English Indices of Deprivation"
RUC_SOURCE = "ONS Rural-Urban Classification 2021"
DIRECTORY_SOURCE = "Youth Voice Map provision directory"
SURVEY_SOURCE = "Youth Voice Map survey responses"

FIGURES: dict[str, dict[str, str]] = {
    "gap_score": {"label": "Gap score (0-100)", "kind": "score", "worse": "high",
                  "source": "Youth Voice Map gap score", "fmt": "{:.0f}"},
    "reach_share": {"label": "Share of young people within reach", "kind": "rate",
                    "worse": "low", "source": DIRECTORY_SOURCE, "fmt": "{:.0%}"},
    "unreached": {"label": "Young people out of reach (estimate)", "kind": "population",
                  "worse": "high", "source": DIRECTORY_SOURCE, "fmt": "{:,.0f}"},
    "nearest_median": {"label": "Minutes to nearest: median young person", "kind": "minutes",
                       "worse": "high", "source": DIRECTORY_SOURCE, "fmt": "{:.0f}"},
    "nearest_p90": {"label": "Minutes to nearest: 90th-percentile young person",
                    "kind": "minutes", "worse": "high", "source": DIRECTORY_SOURCE,
                    "fmt": "{:.0f}"},
    "young_people": {"label": "Young people", "kind": "population", "worse": "high",
                     "source": POP_SOURCE, "fmt": "{:,.0f}"},
    "idaci": {"label": "IDACI (children in income-deprived families)", "kind": "rate",
              "worse": "high", "source": IMD_SOURCE, "fmt": "{:.1%}"},
    "idaci_rank_pct": {"label": "IDACI national percentile (official rank; 100% = most "
                       "deprived)", "kind": "rate", "worse": "high", "source": IMD_SOURCE,
                       "fmt": "{:.0%}"},
    "imd_score": {"label": "IMD score", "kind": "rate", "worse": "high",
                  "source": IMD_SOURCE, "fmt": "{:.1f}"},
    "share_most_deprived_20": {"label": "Share in England's most deprived 20%",
                               "kind": "share", "worse": "high", "source": IMD_SOURCE,
                               "fmt": "{:.0%}"},
    "rural_share": {"label": "Rural share", "kind": "share", "worse": "high",
                    "source": RUC_SOURCE, "fmt": "{:.0%}"},
    "places_per_1000": {"label": "Places a week per 1,000 young people (2SFCA)",
                        "kind": "rate", "worse": "low", "source": DIRECTORY_SOURCE,
                        "fmt": "{:,.0f}"},
    "at_risk_12_sessions": {"label": "Sessions a week losing funding within 12 months",
                            "kind": "sessions", "worse": "high", "source": DIRECTORY_SOURCE,
                            "fmt": "{:,.0f}"},
    "responses": {"label": "Survey responses", "kind": "people", "worse": "low",
                  "source": SURVEY_SOURCE, "fmt": "{:,}"},
    "share_cost": {"label": "Share citing cost", "kind": "share_people", "worse": "high",
                   "source": SURVEY_SOURCE, "fmt": "{:.0%}", "count": "cites_cost"},
    "share_transport": {"label": "Share citing transport", "kind": "share_people",
                        "worse": "high", "source": SURVEY_SOURCE, "fmt": "{:.0%}",
                        "count": "cites_transport"},
    "share_nothing_near": {"label": "Share saying nothing is near", "kind": "share_people",
                           "worse": "high", "source": SURVEY_SOURCE, "fmt": "{:.0%}",
                           "count": "cites_nothing_near"},
}
JOURNEY_SOURCE = "Youth Voice Map journeys (OpenStreetMap roads, GTFS bus timetable, Census 2021)"
FIGURES.update({
    "yp_no_evening_pt": {"label": "Young people with no bus there to any evening session",
                         "kind": "population", "worse": "high", "source": JOURNEY_SOURCE,
                         "fmt": "{:,.0f}"},
    "yp_no_way_home": {"label": "Young people with a bus there to an evening session but no "
                       "way home by bus",
                       "kind": "population", "worse": "high", "source": JOURNEY_SOURCE,
                       "fmt": "{:,.0f}"},
    "reached": {"label": "Young people within reach (estimate)", "kind": "population",
                "worse": "low", "source": DIRECTORY_SOURCE, "fmt": "{:,.0f}"},
    "cannot_get_there": {"label": "Young people who cannot get there (estimate)",
                         "kind": "population", "worse": "high", "source": JOURNEY_SOURCE,
                         "fmt": "{:,.0f}"},
    "cannot_get_home": {"label": "Young people who get there but cannot get home (estimate)",
                        "kind": "population", "worse": "high", "source": JOURNEY_SOURCE,
                        "fmt": "{:,.0f}"},
    "yp_car_not_bus": {"label": "Young people who reach an evening session by car, not bus",
                       "kind": "population", "worse": "high", "source": JOURNEY_SOURCE,
                       "fmt": "{:,.0f}"},
})
for _key, _label in FILTERS.items():
    _nice = _label if _key != "under" else "Under the monthly limit"
    FIGURES[f"{_key}_sessions"] = {"label": f"Sessions a week within reach: {_nice.lower()}",
                                   "kind": "sessions", "worse": "low",
                                   "source": DIRECTORY_SOURCE, "fmt": "{:,.0f}"}
    FIGURES[f"{_key}_services"] = {"label": f"Services within reach: {_nice.lower()}",
                                   "kind": "services", "worse": "low",
                                   "source": DIRECTORY_SOURCE, "fmt": "{:,}"}
    FIGURES[f"{_key}_nearest_min"] = {"label": f"Minutes to nearest: {_nice.lower()}",
                                      "kind": "minutes", "worse": "high",
                                      "source": DIRECTORY_SOURCE, "fmt": "{:.0f}"}

# The edition each figure is published in: "IDACI 2019", "Census 2021"...
# (the year comes from the imported file, see ``app.geodata.figures``).
EDITIONS = {"young_people": "Census", "idaci": "IDACI", "idaci_rank_pct": "IDACI",
            "imd_score": "IMD", "share_most_deprived_20": "IMD", "rural_share": "RUC"}


def edition(key: str, sources: Mapping[str, Any] | None) -> str:
    """'IDACI 2019, approximate rate', 'IMD 2025', ... or '' when not known."""
    src = (sources or {}).get(key) or {}
    if key not in EDITIONS or not src.get("year"):
        return ""
    text = f"{EDITIONS[key]} {src['year']}"
    if key == "idaci" and "approximate" in (src.get("note") or ""):
        text += ", approximate rate"
    return text


def labelled(key: str, sources: Mapping[str, Any] | None, label: str | None = None) -> str:
    """Return a figure's label with its edition: 'IMD score (IMD 2025)'.

    'IDACI 2019', not 'IDACI (IDACI 2019)', when the edition already starts with
    the label.
    """
    label = label or FIGURES.get(key, {}).get("label", key)
    ed = edition(key, sources)
    if ed and ed.startswith(label + " "):
        return ed
    return f"{label} ({ed})" if ed else label


# Counts of people: disclosure control applies to these columns.
PEOPLE_COUNTS = ("responses", "cites_cost", "cites_transport", "cites_nothing_near",
                 "cites_any")
# Shares derived from them: recomputed from the controlled counts.
PEOPLE_SHARES = {"share_cost": "cites_cost", "share_transport": "cites_transport",
                 "share_nothing_near": "cites_nothing_near", "share_any": "cites_any"}

# Columns of the table, CSV, GeoJSON and API, in order.
TABLE_COLUMNS = (
    "rank", "name", "complete", "missing", "uncertain", "uncertain_share", "gap_score", "gap_score_max", "young_people",
    "reach_share", "unreached", "reached", "cannot_get_there", "cannot_get_home",
    "nearest_median", "nearest_p90", "idaci", "idaci_rank_pct",
    "imd_score", "share_most_deprived_20", "rural_share",
    *[f"{k}_{s}" for k in FILTERS for s in ("services", "sessions", "nearest_km",
                                            "nearest_min")],
    "places_per_1000", "at_risk_6_sessions", "at_risk_12_sessions", "at_risk_24_sessions",
    "responses", "cites_cost", "cites_transport", "cites_nothing_near",
    "share_cost", "share_transport", "share_nothing_near",
    "yp_no_evening_pt", "yp_no_way_home", "yp_car_not_bus",
    "c_deprivation", "c_rurality", "c_reach", "c_provision", "c_voice", "c_funding",
)


def format_value(key: str, value: object) -> str:
    """A figure as a person reads it: '[c]' for suppressed, '–' for missing."""
    import math

    if value is None:
        return "[c]" if key in PEOPLE_COUNTS or key in PEOPLE_SHARES else "–"
    try:
        if isinstance(value, float) and math.isnan(value):
            return "–"
        if isinstance(value, float) and math.isinf(value):
            return "none"
    except TypeError:
        pass
    fmt = FIGURES.get(key, {}).get("fmt")
    if fmt is None:
        if isinstance(value, float):
            return f"{value:,.2f}"
        return str(value)
    try:
        return str(fmt.format(value))
    except (ValueError, TypeError):
        return str(value)
