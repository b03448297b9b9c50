"""Council buildings, read once and cached per data version, in two views of that
one query: a table for the gap map (:func:`buildings`) and planning's records
(:func:`building_records`, candidate sites)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from ..cache import cached
from ..models import Building

__all__ = ["building_records", "buildings"]

COLUMNS = ["id", "name", "x", "y", "kind"]


def _building_rows(session) -> list[dict]:
    """Every council building as a plain row, by id: the one buildings query."""
    return cached("building-rows", session, {}, lambda: [
        {"id": b.id, "name": b.name, "x": b.x, "y": b.y, "kind": b.kind}
        for b in session.scalars(select(Building).order_by(Building.id))], responses=False)


def buildings(session) -> pd.DataFrame:
    """Council buildings as a table (``id``, ``name``, ``x``, ``y``, ``kind``), by id."""
    return pd.DataFrame(_building_rows(session), columns=COLUMNS)


def building_records(session) -> dict[int, dict]:
    """Council buildings by id, in name order, as fresh planning records."""
    rows = sorted(_building_rows(session), key=lambda b: (b["name"], b["id"]))
    return {b["id"]: dict(b) for b in rows}
