"""The services, read once and cached per data version, in two views of that one
query: the analysis table (:func:`services`, see :mod:`app.analysis.services`) and
planning's records (:func:`service_records`, which :mod:`app.analysis.scenario`
copies and changes)."""

from __future__ import annotations

from datetime import time

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..cache import cached
from ..models import Service

__all__ = ["EVENING", "SERVICE_COLUMNS", "service_records", "services"]

EVENING = time(17, 0)
SERVICE_COLUMNS = ["id", "name", "service_type", "uniformed", "x", "y", "cost_model",
                   "cost_amount", "monthly_cost", "sessions_per_week", "evening_weekend",
                   "capacity", "funding_end", "funding_source", "status", "postcode",
                   "outside_council"]


def _monthly(service) -> float | None:
    from ..directory.costs import service_monthly_cost

    return service_monthly_cost(service)


def _service_rows(session) -> list[dict]:
    """Every service (any status) as a plain row, by id: the one services query."""
    def load():
        rows = []
        for s in session.scalars(select(Service).options(selectinload(Service.sessions))
                                 .order_by(Service.id)):
            sessions = list(s.sessions)
            cost = _monthly(s)
            rows.append({
                "id": s.id, "name": s.name, "service_type": s.service_type,
                "uniformed": bool(s.uniformed), "x": s.x, "y": s.y,
                "cost_model": s.cost_model,
                "cost_amount": float(s.cost_amount) if s.cost_amount is not None else None,
                "monthly_cost": np.nan if cost is None else float(cost),
                "sessions_per_week": len(sessions),
                "evening_weekend": sum(1 for x in sessions
                                       if x.day >= 5 or x.start >= EVENING),
                # A neighbouring area's service counts for reach, never as the
                # council's provision: its funding is not the council's to lose
                # (funding cliff, funding risk, grant scenarios).
                "capacity": s.capacity,
                "funding_end": None if s.outside_council else s.funding_end,
                "funding_source": s.funding_source, "status": s.status,
                "postcode": s.postcode, "venue_name": s.venue_name,
                "outside_council": bool(s.outside_council),
            })
        return rows

    return cached("service-rows", session, {}, load, responses=False)


def services(session, *, include_inactive: bool = False) -> pd.DataFrame:
    """Services as the analysis table (see :mod:`app.analysis.services`): active
    ones unless ``include_inactive``."""
    rows = _service_rows(session)
    if not include_inactive:
        rows = [r for r in rows if r["status"] == "active"]
    return pd.DataFrame(rows, columns=SERVICE_COLUMNS)


def service_records(session) -> list[dict]:
    """Every service as a fresh planning record, by name: a copy, never the row.

    A service with no sessions counts one a week, a missing price counts 0 and a
    missing status counts active, as the scenario model documents.
    """
    rows = sorted(_service_rows(session), key=lambda r: (r["name"], r["id"]))
    return [{
        "id": r["id"], "name": r["name"], "service_type": r["service_type"],
        "uniformed": r["uniformed"], "x": r["x"], "y": r["y"],
        "cost_model": r["cost_model"] or "free", "cost_amount": r["cost_amount"] or 0.0,
        "sessions_per_week": max(r["sessions_per_week"], 1),
        "evening_weekend": r["evening_weekend"], "capacity": r["capacity"],
        "funding_end": r["funding_end"], "funding_source": r["funding_source"],
        "status": r["status"] or "active", "venue_name": r["venue_name"], "proposed": False,
        "outside_council": r["outside_council"],
    } for r in rows]
