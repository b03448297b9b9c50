"""One request's gap analysis: inputs, cached results, published figures,
classes and the map.  The views in :mod:`app.gaps.routes` stay thin: the map and
table pages call :func:`map_page` and :func:`table_page`; the downloads and API
:mod:`.downloads`, the evidence pack :mod:`.evidence`, the travel-time import
:mod:`.travel_import`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from flask import current_app

from ..analysis import (
    FIGURES,
    FILTERS,
    WEIGHT_LABELS,
    classify,
    compute_gaps,
    format_value,
    funding_at_risk,
    records,
)
from ..analysis.classify import SCHEMES
from ..analysis.figures import DIRECTORY_SOURCE, SURVEY_SOURCE, TABLE_COLUMNS, labelled
from ..analysis.gaps import rank_label, summary
from ..analysis.travel import MODE_PHRASES, SPEEDS_KMH
from ..cache import cached
from ..dataversion import current
from ..disclosure import DisclosureRule
from ..extensions import db
from ..geodata.journeys import travel_sentence
from ..inputs import areas as area_inputs
from ..inputs import buildings as building_inputs
from ..inputs import services as service_inputs
from ..inputs import travel as travel_inputs
from ..maps.display import display_geometry
from ..maps.svg import choropleth_svg
from ..publication import CellKeyMethod
from ..publication import latest as latest_snapshot
from ..publication import voice as published_voice
from ..publication import voice_totals as published_voice_totals
from . import data
from .map_data import _num, _text, build_map
from .params import LEVEL_LABELS, MODE_LABELS, GapParams, parse


@dataclass
class GapView:
    params: GapParams
    version: tuple
    rule: DisclosureRule
    gaps: pd.DataFrame | None = None
    published: pd.DataFrame | None = None
    display: object = None
    services: pd.DataFrame | None = None
    buildings: pd.DataFrame | None = None
    sources: dict = field(default_factory=dict)
    levels: list = field(default_factory=list)
    travel: dict = field(default_factory=dict)  # what travel times rest on

    @property
    def travel_basis(self) -> str:
        """One sentence on every page: network journeys or straight-line estimates
        (and the threshold's cap at the run's limit, when it was capped)."""
        text = travel_sentence(self.travel, self.params.mode)
        return f"{text} {self.params.cap_note}" if self.params.cap_note else text
    disclosure: dict = field(default_factory=dict)  # the published method's parameters
    snapshot: object = None  # the published snapshot the voice figures come from
    voice_total: dict = field(default_factory=dict)  # county-wide published voice figures

    @property
    def has_areas(self) -> bool:
        return self.published is not None and len(self.published) > 0

    @property
    def young_people_total(self) -> float:
        """Young people (the settings' age band) in all the areas shown."""
        return float(pd.to_numeric(self.published.get("young_people", pd.Series(dtype=float)),
                                   errors="coerce").sum())

    # --- the mapped figure -------------------------------------------------
    def figure_values(self) -> list:
        col = self.params.figure
        if col not in self.published.columns:
            return [None] * len(self.published)
        return [_num(v) for v in self.published[col].tolist()]

    def classification(self):
        info = FIGURES[self.params.figure]
        return classify(self.figure_values(), scheme=self.params.scheme,
                        worse=info["worse"])

    def figure_source(self) -> str:
        key = self.params.figure
        info = FIGURES[key]
        src = self.sources.get(key) or {}
        if src.get("source"):
            year = f", {src['year']}" if src.get("year") and str(src["year"]) not in \
                src["source"] else ""
            return f"{src['source']}{year}"
        if info["source"] in (DIRECTORY_SOURCE, SURVEY_SOURCE) or key == "gap_score":
            return f"{info['source']}, as at {date.today():%-d %B %Y}"
        return info["source"]

    def legend(self) -> dict:
        c = self.classification()
        p = self.params
        title = labelled(p.figure, self.sources)
        return {"title": title, "rows": [{"colour": col, "label": lab, "count": n}
                                         for (col, lab), n in zip(
                                             c.legend(), [*c.counts, c.no_data], strict=False)],
                "scheme": p.scheme, "source": self.figure_source(),
                "note": (f"Reach: within {p.threshold} minutes {MODE_PHRASES[p.mode]}; "
                         f"filter: {FILTERS[p.filter].replace('£X', f'£{p.max_monthly:g}')}. "
                         f"{self.travel_basis}")}

    def summary(self) -> list[str]:
        return summary(self.published, figure=self.params.figure)

    def svg_map(self) -> str:
        c = self.classification()
        return choropleth_svg(self.display.values, c.value_colours,
                              list(self.published["name"]),
                              title=FIGURES[self.params.figure]["label"])


def load_view(session, args, settings=None) -> tuple[GapView, dict]:
    """Parse ``args``, compute (or fetch from the cache) and publish.  Defaults and
    the age band are ``settings``' (a job's), else the app's analysis settings."""
    levels = area_inputs.levels_with_areas(session)
    params, errors = parse(args, levels, settings)
    rule = DisclosureRule.from_config(current_app.config)
    view = GapView(params, current(session), rule, levels=levels,
                   disclosure=CellKeyMethod.from_config(current_app.config).describe(),
                   snapshot=latest_snapshot(session))
    if not levels:
        view.gaps = view.published = pd.DataFrame(columns=["code", *TABLE_COLUMNS]).set_index(
            "code")
        return view, errors
    areas = area_inputs.areas(session, params.level, **params.band)
    services = service_inputs.services(session)
    view.sources = data.figure_sources(areas)
    view.travel = data.travel_status(session)
    run = data.load_journeys(session, view.travel) if view.travel.get("basis") == "network" \
        else None
    # A routing engine's imported times win for their mode; the run then gives the
    # evening figures only (by bus, from its own points).
    journeys = None if (run is None or not run.holds(params.mode)
                        or params.mode in travel_inputs.imported_travel_modes(session)) else run
    if journeys is not None:
        params.cap_threshold(journeys.limit_min)
    points = area_inputs.population_points(session, params.level, **params.band)  # issue 13

    def compute():
        # One method per page: a current journey run gives every population point
        # its own journeys (by bus per session); otherwise imported times (points
        # take their own area's or LSOA's), else straight-line estimates.
        matrix = None if journeys is not None else travel_inputs.travel_matrix(
            session, params.mode, areas=None if points is not None else areas)
        gaps = compute_gaps(
            areas, services, voice=published_voice(session, params.level, areas.index),
            threshold_min=params.threshold,
            mode=params.mode, weights=params.weights, max_monthly=params.max_monthly,
            reach_filter=params.filter, matrix=matrix, points=points,
            min_responses=rule.max_suppressed + 1, journeys=journeys,
        )
        if run is not None and journeys is None:
            gaps = gaps.join(run.evening(areas, params.threshold))
        return gaps

    view.voice_total = published_voice_totals(session, params.level)
    key = {**params.analysis_key(), "journeys": [view.travel.get("basis"),
                                                 view.travel.get("run")]}
    # Only published figures reach here: the voice counts come from the snapshot.
    view.gaps = view.published = cached("gaps", session, key, compute)
    view.display = cached("display", session, {"level": params.level},
                          lambda: display_geometry(areas), responses=False)
    view.services = services
    view.buildings = building_inputs.buildings(session)
    return view, errors


def sort_table(view: GapView) -> list[dict]:
    if not view.has_areas:
        return []
    p = view.params
    df = view.published.copy()
    key = pd.to_numeric(df[p.sort], errors="coerce") if p.sort != "name" else df["name"]
    df = df.assign(_k=key).sort_values(["_k", "rank"], ascending=[not p.desc, True],
                                       na_position="last")
    return records(df, TABLE_COLUMNS)


def evening_rows(view: GapView, n: int = 20) -> dict | None:
    """The evidence pack's "evening sessions by bus" figures: totals and the
    ``n`` areas with most young people lacking a bus route (census counts)."""
    df = view.published
    if not view.has_areas or "yp_no_evening_pt" not in df.columns:
        return None
    cols = ["name", "young_people", "yp_no_evening_pt", "yp_no_way_home", "yp_car_not_bus"]
    top = df.sort_values(["yp_no_evening_pt", "rank"], ascending=[False, True]).head(n)
    return {"rows": records(top, cols),
            "total_young": float(df["young_people"].fillna(0).sum()),
            "total_no_pt": float(df["yp_no_evening_pt"].sum()),
            "total_no_home": float(df["yp_no_way_home"].sum()),
            "total_car_not_bus": float(df["yp_car_not_bus"].sum())}


def funding_risk_rows(view: GapView) -> list[dict]:
    if view.services is None or view.services.empty:
        return []
    risk = funding_at_risk(view.services, today=date.today())
    out = []
    for row in risk.itertuples(index=False):
        out.append({"id": int(row.id), "name": row.name,
                    "funding_end": row.funding_end.date().isoformat(),
                    "days_left": int(row.days_left),
                    "sessions_per_week": float(row.sessions_per_week),
                    "within_6": bool(row.within_6), "within_12": bool(row.within_12),
                    "within_24": bool(row.within_24),
                    "funding_source": _text(getattr(row, "funding_source", None))})
    return out


def page_context(view: GapView, errors: dict) -> dict:
    """The template context every gap page shares."""
    return {
        "v": view, "p": view.params, "errors": errors,
        "figures": FIGURES, "filters": FILTERS, "modes": MODE_LABELS, "speeds": SPEEDS_KMH,
        "schemes": SCHEMES, "weight_labels": WEIGHT_LABELS, "level_labels": LEVEL_LABELS,
        "fmt": format_value, "table_columns": TABLE_COLUMNS,
        # Equal published scores share a rank, shown "=17" (issue 23).
        "rank_label": lambda rank: rank_label(
            rank, view.published["rank"] if view.has_areas else pd.Series(dtype="Int64")),
        "col_label": lambda key, label=None: labelled(key, view.sources, label),
        "level_options": [(lv, LEVEL_LABELS.get(lv, lv)) for lv in (view.levels or ["ward"])],
        "figure_options": [(k, labelled(k, view.sources)) for k in FIGURES],
        "filter_options": [(k, label.replace("£X", f"£{view.params.max_monthly:g}"))
                           for k, label in FILTERS.items()],
        "mode_options": [(k, f"{label} ({SPEEDS_KMH[k]:g} km/h)")
                         for k, label in MODE_LABELS.items()],
        "scheme_options": list(SCHEMES.items()),
        "weights_error": any(k.startswith("w_") for k in errors),
        "query": view.params.query(),
        "mode_phrases": MODE_PHRASES,
    }


def carry_level(args) -> dict:
    """One area vocabulary across pages: the level a person last chose on a gap page
    (kept in their session) is used where a link does not say one, so the map, the
    table, the evidence pack and the dashboard's top five speak of the same areas."""
    from flask import session as web_session

    out = args.to_dict() if hasattr(args, "to_dict") else dict(args)
    chosen = out.get("level")
    levels = area_inputs.levels_with_areas(db.session)
    if chosen in levels:
        web_session["area_level"] = chosen
    elif not chosen and web_session.get("area_level") in levels:
        out["level"] = web_session["area_level"]
    return out


def map_page(args) -> tuple[dict, dict]:
    """The gap map's context (no map when there are no areas) and the parameter errors."""
    view, errors = load_view(db.session, carry_level(args))
    ctx = page_context(view, errors)
    ctx["folium"] = build_map(view) if view.has_areas else None
    return ctx, errors


def table_page(args) -> tuple[dict, dict]:
    """The ranked table's context and the parameter errors."""
    view, errors = load_view(db.session, carry_level(args))
    return {**page_context(view, errors), "rows": sort_table(view)}, errors
