"""Gap analysis: need, reach, provision, voice and funding risk per area.

They are combined into a gap score whose weights a user can change.

The gap score
-------------
Each component is a number from 0 (no gap) to 1 (the biggest gap):

==================  ==========================================================
``deprivation``     percentile rank among the areas of the official IDACI
                    national rank (young-people-weighted national percentile;
                    the approximate IDACI rate, then the IMD score, when the
                    file has no ranks): the most deprived area scores 1
``rurality``        share of the area's young people in rural LSOAs (0-1)
``reach``           share of the area's young people who **cannot** reach
                    provision passing ``reach_filter`` (default: free)
                    within the threshold, measured from population points
                    (:mod:`.population`, :mod:`.reach_points`)
``provision``       1 minus the percentile rank of places a week per 1,000
                    young people (2SFCA, demand at the population points):
                    the worst-provided area scores 1
``voice``           share of the area's responses citing cost, transport or
                    nothing near; left out unless the area has at least
                    ``min_responses`` responses
``funding``         share of the reachable sessions whose funding ends
                    within 12 months
==================  ==========================================================

``gap_score = 100 * sum(weight_k * component_k) / sum(weight_k)``.  What a
missing input does is in :mod:`.completeness`: too few responses leave voice
out; any other missing component makes the area *incomplete*, scored as if
that part were no gap (a lower bound, ``gap_score_max`` the upper), so a
missing input can never raise a rank.  ``rank`` 1 is the biggest gap.
Default weights are :data:`DEFAULT_WEIGHTS`; any weight may be set to 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .frame_contracts import AREAS, SERVICES, SERVICES_NORMALISED, check_columns
from .gap_steps import (
    RISK_MONTHS,
    Columns,
    funding_step,
    point_areas,
    provision_step,
    rank_published,
    reach_step,
    score_step,
    travel_step,
    voice_step,
)
from .services import DEFAULT_MAX_MONTHLY, FILTERS, active, filter_mask, located, services_frame
from .travel import DEFAULT_CIRCUITY, MODE_PHRASES

DEFAULT_WEIGHTS = {
    "deprivation": 1.0,
    "rurality": 0.5,
    "reach": 1.5,
    "provision": 1.0,
    "voice": 0.5,
    "funding": 0.5,
}
WEIGHT_LABELS = {
    "deprivation": "Deprivation (IDACI)",
    "rurality": "Rurality",
    "reach": "No provision within reach",
    "provision": "Low places per 1,000 young people",
    "voice": "Young people citing barriers",
    "funding": "Provision about to lose funding",
}
AREA_INPUTS = ("name", "young_people", "imd_score", "idaci", "share_most_deprived_20",
               "rural_share")


def check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The default weights with ``weights`` over them; a ValueError names a bad one."""
    merged = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise ValueError(f"unknown gap-score weight {key!r}; use {', '.join(DEFAULT_WEIGHTS)}")
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"weight {key!r} must be 0 or more")
        merged[key] = value
    if sum(merged.values()) <= 0:
        raise ValueError("at least one gap-score weight must be above 0")
    return merged


def compute_gaps(areas: Any, services: Any, *, responses: Any = None,
                 threshold_min: float = 30, mode: str = "bus",
                 weights: Mapping[str, float] | None = None,
                 filters: Iterable[str] | None = None, today: date | None = None,
                 max_monthly: float = DEFAULT_MAX_MONTHLY, reach_filter: str = "free",
                 circuity: float = DEFAULT_CIRCUITY, matrix: pd.DataFrame | None = None,
                 min_responses: int = 8, points: pd.DataFrame | None = None,
                 voice: pd.DataFrame | None = None, journeys: Any = None) -> Any:
    """Every figure for every area, the gap score and the rank.

    ``areas``: GeoDataFrame indexed by area code, EPSG:27700, with columns
    ``name``, ``geometry``, ``young_people``, ``imd_score``, ``idaci``,
    ``share_most_deprived_20``, ``rural_share`` (any but name/geometry may be
    missing or NaN), optionally ``origin_x``/``origin_y``.
    ``services``: see :func:`app.analysis.services.services_frame`.
    ``voice``: the published voice figures per area (:func:`app.publication.voice`):
    what every page uses.  Shares are then whole percentages of the published
    counts, ``gap_score`` a whole number and ``rank`` follows the published score
    (ties by area code).
    ``responses``: raw long answers table (:func:`app.analysis.voice.voice_figures`),
    for analysis tests only: never publish what it gives.
    ``filters``: filter keys to compute reach for (default all of ``FILTERS``;
    ``all`` and ``reach_filter`` are always included).
    ``matrix``: imported travel times (``from_code``, ``to_id``, ``minutes``) for
    this ``mode`` (how it combines with points: :mod:`.reach_points`).
    ``points``: population points (:func:`.population.population_points`:
    ``x``, ``y``, ``lsoa``, ``young_people``, optionally ``area``, the code
    of the area holding each); without them each area is one point at its
    origin (``origin_x``/``origin_y`` or a point inside it).  With points an
    area's ``young_people`` is the sum of its points.
    ``journeys``: a current journey run (anything with ``for_points(xy, lsoa,
    service_ids)`` giving :class:`~.journey_figures.PointJourneys`, such as
    :class:`app.geodata.journeys.StoredJourneys`): every point's own minutes,
    by bus per session (``matrix`` is then not used); the threshold is capped at
    the run's limit; adds ``cannot_get_there``/``cannot_get_home`` (with
    ``reached`` they add up to ``young_people``) and the evening figures.

    Returns a GeoDataFrame (same index and geometry) with the inputs, the
    reach columns (``<filter>_services|_sessions``: the services some of the
    area's young people can reach and their sessions a week;
    ``<filter>_nearest_km|_nearest_min`` for the median young person), ``reach_share``, ``reached``, ``unreached``, ``nearest_median``,
    ``nearest_p90`` (for ``reach_filter``), ``reach_ids`` (the ids of the services
    counted in ``all_services``), ``complete``/``missing``,
    ``places_per_1000``, the voice counts and shares, ``at_risk_<n>_sessions``
    for n in 6/12/24 months, ``c_<component>`` and ``gap_score``/``rank``.
    Raw counts: publish through :mod:`app.publication`.

    ``areas`` and ``services`` are checked against :data:`.frame_contracts.AREAS` and
    :data:`.frame_contracts.SERVICES` first (:class:`.frame_contracts.FrameContractError`
    names the column).  The work is done by the steps in :mod:`.gap_steps`, in order:
    travel, reach, provision, funding, voice, score.
    """
    checked = check_weights(weights)
    keys = list(dict.fromkeys(["all", reach_filter, *(filters or FILTERS)]))
    for key in keys:
        if key not in FILTERS:
            raise ValueError(f"unknown filter {key!r}; use one of {', '.join(FILTERS)}")
    if threshold_min <= 0:
        raise ValueError("the travel threshold must be above 0 minutes")
    check_columns(areas, AREAS)
    if isinstance(services, pd.DataFrame):
        check_columns(services, SERVICES)
    out = areas.copy()
    for col in AREA_INPUTS:
        if col not in out.columns:
            out[col] = np.nan if col != "name" else out.index.astype(str)
    svc = located(active(services_frame(services)))
    check_columns(svc, SERVICES_NORMALISED)

    travel = travel_step(out, svc, points=points, keys=keys, threshold_min=threshold_min,
                         mode=mode, circuity=circuity, matrix=matrix,
                         max_monthly=max_monthly, journeys=journeys)
    _add(out, reach_step(travel, svc, keys, reach_filter, mode))
    young = pd.to_numeric(out["young_people"], errors="coerce").to_numpy(dtype=float)
    out["places_per_1000"] = provision_step(travel, svc, young)
    _add(out, funding_step(travel, svc, today or date.today()))
    voice_cols, resp = voice_step(out.index, published=voice, responses=responses)
    _add(out, voice_cols)
    if voice is not None:
        min_responses = 1  # suppressed counts are already None
    measure = score_step(out, checked, young=young, responses=resp,
                         min_responses=min_responses, published=voice is not None,
                         whole=travel.journeys is not None)
    pj = travel.journeys
    out.attrs.update(threshold_min=travel.threshold_min, mode=mode, weights=checked,
                     max_monthly=max_monthly, reach_filter=reach_filter,
                     deprivation_measure=measure,
                     points="postcodes" if points is not None else "one per area",
                     filters=keys, circuity=circuity, min_responses=min_responses,
                     travel="journeys" if pj is not None else "matrix or straight line",
                     moved_points=0 if pj is None else pj.moved)
    return out


def _add(out: Any, columns: Columns) -> None:
    """Add ``columns`` (one value per area, in order) to ``out``."""
    for col, values in columns.items():
        out[col] = values


_point_areas = point_areas  # what app/analysis/person_reach.py imports


def rank_label(rank: Any, ranks: pd.Series) -> str:
    """``rank`` as shown: "=17" when another area shares it, "–" for none."""
    if rank is None or pd.isna(rank):
        return "–"
    shared = int((ranks == rank).sum()) > 1
    return f"={int(rank)}" if shared else str(int(rank))


def funding_at_risk(services: Any, today: date | None = None,
                    months: tuple[int, ...] = RISK_MONTHS) -> Any:
    """Services whose funding ends within 6, 12 and 24 months.

    See :func:`app.analysis.services.funding_at_risk`.
    """
    from .services import funding_at_risk as _far

    return _far(services, today, months)


def top_gaps(gaps: Any, n: int = 5) -> Any:
    """The ``n`` highest-ranked areas (rank 1 first)."""
    return gaps.sort_values(["rank", "name"]).head(n)


def summary(gaps: Any, *, figure: str = "gap_score", n: int = 5,
            labels: dict[str, str] | None = None) -> list[str]:
    """A few plain-English sentences for the top of the table and evidence pack."""
    from .figures import FIGURES

    if len(gaps) == 0:
        return ["There are no areas at this level yet."]
    info = FIGURES.get(figure, {"label": figure, "worse": "high"})
    top = top_gaps(gaps, n)
    names = ", ".join(str(x) for x in top["name"])
    attrs = gaps.attrs
    mode = attrs.get("mode", "bus")
    thr = attrs.get("threshold_min", 30)
    lines = [f"The {len(top)} areas with the biggest gap score are {names}."]
    rf = attrs.get("reach_filter", "free")
    col = f"{rf}_sessions"
    if col in gaps.columns:
        none = int((gaps[col] <= 0).sum())
        label = FILTERS.get(rf, rf).lower().replace("£x", f"£{attrs.get('max_monthly', 10):g}")
        lines.append(
            f"{none} of {len(gaps)} areas have no provision ({label}) within "
            f"{thr:g} minutes {MODE_PHRASES.get(mode, 'by ' + mode)}."
        )
    if figure in gaps.columns and figure != "gap_score":
        ascending = info.get("worse") == "low"
        order = gaps.assign(_v=pd.to_numeric(gaps[figure], errors="coerce")).sort_values(
            ["_v", "rank"], ascending=[ascending, True], na_position="last")
        worst = order.head(n)
        lines.append(f"By “{info['label']}”, the {len(worst)} areas most in need are "
                     f"{', '.join(str(x) for x in worst['name'])}.")
    if "unreached" in gaps.columns and "young_people" in gaps.columns:
        total = float(pd.to_numeric(gaps["young_people"], errors="coerce").sum())
        out = float(pd.to_numeric(gaps["unreached"], errors="coerce").sum())
        if total > 0:
            lines.append(f"About {round(out, -1):,.0f} of {total:,.0f} young people "
                         f"({out / total:.0%}) live beyond {thr:g} minutes "
                         f"{MODE_PHRASES.get(mode, 'by ' + mode)} of such provision.")
        incomplete = int((~gaps["complete"].astype(bool)).sum()) if "complete" in gaps else 0
        if incomplete:
            lines.append(f"{incomplete} areas lack an input and are marked incomplete; a "
                         "missing figure never moves an area up the ranking.")
    return lines


__all__ = ["DEFAULT_WEIGHTS", "WEIGHT_LABELS", "compute_gaps", "funding_at_risk",
           "filter_mask", "rank_label", "rank_published", "summary", "top_gaps"]
