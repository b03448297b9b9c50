"""The services table the analysis works on, and the service filters.

:func:`services_frame` normalises services (from the database, a scenario or a
test) into one DataFrame.  Columns (missing ones get the default shown):

=====================  ====================================================
``id``                 service id (index and column)
``name``               name
``service_type``       a key of ``SERVICE_TYPES`` (``other``)
``uniformed``          bool (``False``)
``x``, ``y``           easting/northing EPSG:27700; rows without are left
                       out of travel figures (``no_fixed_place``/online)
``cost_model``         ``free``/``per_session``/``weekly``/``monthly``/
                       ``termly``/``yearly`` (``free``)
``cost_amount``        pounds per unit of ``cost_model`` (0)
``monthly_cost``       pounds a month for one young person going to every
                       session; computed by :func:`monthly_cost` if absent
``sessions_per_week``  regular weekly sessions (1)
``evening_weekend``    sessions a week that start at 17:00 or later or fall
                       on a Saturday or Sunday (0)
``capacity``           places per session (``DEFAULT_CAPACITY``)
``funding_end``        date the current funding ends, or missing
``status``             ``active``/``paused``/``closed``; only active count
``outside_council``    bool (``False``): in a neighbouring area; counts for
                       reach, but its ``funding_end`` is dropped (missing):
                       its funding is not the council's to lose
=====================  ====================================================

**Lapsed funding.**  A service whose status is active but whose
``funding_end`` is before today is *lapsed -- needs a check*: its funding has
ended and nobody has said whether it still runs.  It is neither active
provision (:func:`active` leaves it out, so no reach, gap or scenario counts
it) nor "at risk" (:func:`funding_at_risk` lists only funding ending today or
later); :func:`lapsed` lists it, for the funding-cliff page and the
directory's management list to show in a group of its own.  This module is
the one place the status is derived (:func:`funding_status`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, SupportsFloat, TypeAlias

import numpy as np
import pandas as pd

DEFAULT_CAPACITY = 20
WEEKS_PER_MONTH = 52 / 12
TERM_WEEKS = 39  # English school year

# filter key -> plain-English label; "under" uses ``max_monthly``.
FILTERS = {
    "all": "All provision",
    "free": "Free only",
    "under": "Under £X a month",
    "not_uniformed": "Not uniformed",
    "open_access": "Open-access or drop-in",
    "evening_weekend": "Evenings and weekends",
}
OPEN_ACCESS_TYPES = ("open_access", "drop_in", "detached")
DEFAULT_MAX_MONTHLY = 10.0


def monthly_cost(cost_model: str | None, cost_amount: SupportsFloat | str | None,
                 sessions_per_week: float = 1,
                 term_time_only: bool = False) -> float:
    """Pounds a month for one young person going to every session.

    ``per_session`` x sessions a week x weeks a month (weeks in the year
    are 39 when ``term_time_only``); ``weekly`` x weeks a month; ``termly`` x 3
    / 12; ``yearly`` / 12; ``monthly`` as is; ``free`` 0.
    """
    amount = 0.0 if cost_amount is None or pd.isna(cost_amount) else float(cost_amount)
    model = cost_model or "free"
    weeks_a_month = (TERM_WEEKS if term_time_only else 52) / 12
    if model == "free" or amount == 0:
        return 0.0
    if model == "per_session":
        return amount * max(sessions_per_week, 1) * weeks_a_month
    if model == "weekly":
        return amount * weeks_a_month
    if model == "monthly":
        return amount
    if model == "termly":
        return amount * 3 / 12
    if model == "yearly":
        return amount / 12
    raise ValueError(f"unknown cost model {cost_model!r}")


_DEFAULTS = {
    "name": "",
    "service_type": "other",
    "uniformed": False,
    "x": np.nan,
    "y": np.nan,
    "cost_model": "free",
    "cost_amount": 0.0,
    "sessions_per_week": 1,
    "evening_weekend": 0,
    "capacity": DEFAULT_CAPACITY,
    "funding_end": None,
    "status": "active",
    "outside_council": False,
}


#: Services as a frame or as records (one mapping per service).
ServiceRows: TypeAlias = "pd.DataFrame | Sequence[Mapping[str, Any]]"


def services_frame(services: ServiceRows) -> pd.DataFrame:
    """Normalise ``services`` (DataFrame or list of dicts) to the documented columns."""
    df = pd.DataFrame(services).copy() if not isinstance(services, pd.DataFrame) \
        else services.copy()
    if "id" not in df.columns:
        df["id"] = df.index if len(df) else []
    for col, default in _DEFAULTS.items():
        if col not in df.columns:
            df[col] = default
        elif default is not None:
            df[col] = df[col].where(df[col].notna(), default) if col not in ("x", "y") \
                else df[col]
    df["x"] = pd.to_numeric(df["x"], errors="coerce").astype(float)
    df["y"] = pd.to_numeric(df["y"], errors="coerce").astype(float)
    df["cost_amount"] = pd.to_numeric(df["cost_amount"], errors="coerce").fillna(0.0).astype(float)
    df["sessions_per_week"] = pd.to_numeric(df["sessions_per_week"]).fillna(1).astype(float)
    df["evening_weekend"] = pd.to_numeric(df["evening_weekend"]).fillna(0).astype(float)
    df["capacity"] = pd.to_numeric(df["capacity"]).fillna(DEFAULT_CAPACITY).astype(float)
    df["uniformed"] = df["uniformed"].astype(bool)
    if "monthly_cost" not in df.columns:
        df["monthly_cost"] = [
            monthly_cost(m, a, s) for m, a, s in
            zip(df["cost_model"], df["cost_amount"], df["sessions_per_week"], strict=True)
        ]
    df["monthly_cost"] = pd.to_numeric(df["monthly_cost"], errors="coerce").astype(float)
    df["outside_council"] = df["outside_council"].astype(bool)
    df["funding_end"] = pd.to_datetime(df["funding_end"], errors="coerce") \
        .where(~df["outside_council"])
    df.index = pd.Index(df["id"], name="service_id")
    return df


def filter_mask(services: pd.DataFrame, key: str, *,
                max_monthly: float = DEFAULT_MAX_MONTHLY) -> np.ndarray:
    """Boolean mask of ``services`` passing filter ``key`` (see :data:`FILTERS`)."""
    if key == "all":
        return np.ones(len(services), dtype=bool)
    if key == "free":
        return np.asarray((services["monthly_cost"].fillna(np.inf) <= 0).to_numpy())
    if key == "under":
        return np.asarray((services["monthly_cost"].fillna(np.inf) <= float(max_monthly)).to_numpy())
    if key == "not_uniformed":
        return np.asarray((~services["uniformed"].astype(bool)
                           & (services["service_type"] != "uniformed")).to_numpy())
    if key == "open_access":
        return np.asarray(services["service_type"].isin(OPEN_ACCESS_TYPES).to_numpy())
    if key == "evening_weekend":
        return np.asarray((services["evening_weekend"] > 0).to_numpy())
    raise ValueError(f"unknown filter {key!r}; use one of {', '.join(FILTERS)}")


LAPSED = "lapsed"
LAPSED_LABEL = "Lapsed – needs a check"


def _today(today: date | None) -> pd.Timestamp:
    return pd.Timestamp(today or date.today()).normalize()


def lapsed_mask(services: pd.DataFrame, today: date | None = None) -> np.ndarray:
    """Active-status services whose funding ended before ``today`` (default: today)."""
    live = (services["status"].fillna("active") == "active").to_numpy()
    if "funding_end" not in services.columns:
        return np.zeros(len(services), dtype=bool)
    end = pd.to_datetime(services["funding_end"], errors="coerce")
    return np.asarray(live & (end.notna() & (end < _today(today))).to_numpy())


def funding_status(status: str | None, funding_end: date | str | None,
                   today: date | None = None) -> str:
    """One service's status as the app reports it.

    Its own ``status``, or ``lapsed`` when it is active but its funding ended
    before ``today``.
    """
    status = status or "active"
    if status == "active" and funding_end is not None and not pd.isna(funding_end):
        if pd.Timestamp(funding_end).normalize() < _today(today):
            return LAPSED
    return status


def active(services: pd.DataFrame, today: date | None = None) -> pd.DataFrame:
    """The services providing today.

    Status active (a missing status counts as active) and funding not lapsed
    (no ``funding_end`` before ``today``).
    """
    live = services["status"].fillna("active") == "active"
    return services[live.to_numpy() & ~lapsed_mask(services, today)]


def lapsed(services: ServiceRows, today: date | None = None) -> pd.DataFrame:
    """Active-status services whose funding has ended.

    ``id``, ``name``, ``service_type``, ``funding_end``, ``days_since``
    (``funding_source`` if present), longest-lapsed first.  They need a check,
    not a countdown.
    """
    df = services_frame(services)
    df = df[lapsed_mask(df, today)].copy()
    df["days_since"] = (_today(today) - df["funding_end"]).dt.days.astype(int)
    cols = ["id", "name", "service_type", "funding_end", "days_since"]
    if "funding_source" in df.columns:
        cols.append("funding_source")
    return df[cols].sort_values(["funding_end", "id"]).reset_index(drop=True)


def located(services: pd.DataFrame) -> pd.DataFrame:
    """The services with a place (easting and northing)."""
    return services[services["x"].notna() & services["y"].notna()]


def funding_at_risk(services: ServiceRows, today: date | None = None,
                    months: Sequence[int] = (6, 12, 24)) -> pd.DataFrame:
    """Active services whose funding ends within the longest of ``months``.

    One row per service (``id``, ``name``, ``funding_end``, ``days_left``,
    ``sessions_per_week``, ``capacity``, ``funding_source`` if present) plus a
    boolean ``within_<n>`` column for each ``n`` in ``months`` (cumulative: a
    service ending in 4 months is within 6, 12 and 24).  Funding that has
    already ended is *lapsed*, not at risk: it is left out here and listed by
    :func:`lapsed`.  Sorted soonest first.
    """
    today = _today(today)
    df = active(services_frame(services), today)
    horizon = max(months)
    end = df["funding_end"]
    limit = today + pd.DateOffset(months=horizon)
    risk = df[end.notna() & (end <= limit)].copy()
    risk["days_left"] = (risk["funding_end"] - today).dt.days.astype(int)
    for n in months:
        risk[f"within_{n}"] = risk["funding_end"] <= today + pd.DateOffset(months=n)
    cols = ["id", "name", "funding_end", "days_left", "sessions_per_week", "capacity",
            "service_type", "monthly_cost"]
    if "funding_source" in risk.columns:
        cols.append("funding_source")
    cols += [f"within_{n}" for n in months]
    return risk[cols].sort_values(["funding_end", "id"]).reset_index(drop=True)
