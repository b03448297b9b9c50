"""Typed contracts for the frames the gap analysis takes: areas and services.

A contract is a frozen :class:`FrameSpec` of :class:`Column` entries, checked by
:func:`check_columns`, which raises :class:`FrameContractError` naming the frame, the
column and what was wrong (missing, or holding values of the wrong kind).

Why dataclasses and not pandera: pandera is not installed and the app adds no
dependency for one check at one entry point; the frames hold list columns
(``reach_ids``), geometry and object columns of published counts that pandera's
schemas would need escape hatches for; and a spec that is a plain frozen value can
be read by mypy, printed in an error and listed in the docs.  Pandas has no stubs here,
so a frame is ``Any`` to mypy: the contract is checked when the analysis runs, at
:func:`app.analysis.gaps.compute_gaps`'s entry, not by the type checker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

Kind = Literal["number", "text", "datetime", "any"]


class FrameContractError(ValueError):
    """A frame given to the analysis lacks a column or holds the wrong kind of value."""


@dataclass(frozen=True)
class Column:
    """One column of a frame: its name, the kind of value and whether it must be there.

    ``number``: a numeric dtype, or objects every one of which (missing aside) is a number;
    ``text``: anything (written with ``str``); ``datetime``: a datetime dtype or values
    pandas reads as dates; ``any``: not checked.
    """

    name: str
    kind: Kind = "any"
    required: bool = False


@dataclass(frozen=True)
class FrameSpec:
    """A frame's columns; ``one_of``: groups of columns at least one of which must all be there."""

    frame: str
    columns: tuple[Column, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    unique_index: bool = False


def _kind_problem(values: pd.Series, kind: Kind) -> str | None:
    """Why ``values`` are not of ``kind`` (None when they are)."""
    if kind in ("any", "text"):
        return None
    if kind == "number":
        if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
            return None
        coerced = pd.to_numeric(values, errors="coerce")
        bad = values.notna() & coerced.isna()
        if bad.any():
            return f"holds {values[bad].iloc[0]!r}, not a number (dtype {values.dtype})"
        return None
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return None
    coerced = pd.to_datetime(values, errors="coerce")
    blank = values.map(lambda v: isinstance(v, str) and not v.strip())
    bad = values.notna() & ~blank & coerced.isna()
    if bad.any():
        return f"holds {values[bad].iloc[0]!r}, not a date (dtype {values.dtype})"
    return None


def check_columns(frame: Any, spec: FrameSpec) -> None:
    """Raise :class:`FrameContractError` unless ``frame`` meets ``spec``.

    The message names the frame and the column: "areas: column 'rural_share' holds
    'high', not a number (dtype object)".
    """
    if not isinstance(frame, pd.DataFrame):
        raise FrameContractError(f"{spec.frame}: expected a DataFrame, got {type(frame).__name__}")
    present = set(map(str, frame.columns))
    for col in spec.columns:
        if col.name not in present:
            if col.required:
                raise FrameContractError(f"{spec.frame}: missing column {col.name!r}")
            continue
        problem = _kind_problem(frame[col.name], col.kind)
        if problem:
            raise FrameContractError(f"{spec.frame}: column {col.name!r} {problem}")
    for group in spec.one_of:
        if len(frame) and not any(all(c in present for c in cols) for cols in group_options(group)):
            raise FrameContractError(
                f"{spec.frame}: missing column {group[0]!r} (or "
                f"{' and '.join(repr(c) for c in group[1:])})")
    if spec.unique_index and not frame.index.is_unique:
        dup = frame.index[frame.index.duplicated()][0]
        raise FrameContractError(f"{spec.frame}: the index holds {dup!r} twice")


def group_options(group: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``("geometry", "origin_x", "origin_y")`` -> ``geometry``, or both origins."""
    return [group[:1], group[1:]]


NUMBER_INPUTS = ("young_people", "imd_score", "idaci", "share_most_deprived_20",
                 "rural_share", "origin_x", "origin_y")

AREAS = FrameSpec(
    frame="areas",
    columns=(Column("name", "text"),
             *(Column(name, "number") for name in NUMBER_INPUTS)),
    # Travel is measured from a point inside each area or its given origin.
    one_of=(("geometry", "origin_x", "origin_y"),),
    unique_index=True,
)
"""What :func:`~app.analysis.gaps.compute_gaps` reads of its ``areas`` (indexed by area
code, each once): a ``geometry`` or ``origin_x``/``origin_y``; every figure may be
missing or NaN, but one present must hold numbers."""

SERVICES = FrameSpec(
    frame="services",
    columns=(Column("x", "number"), Column("y", "number"),
             Column("sessions_per_week", "number"), Column("capacity", "number"),
             Column("cost_amount", "number"), Column("monthly_cost", "number"),
             Column("funding_end", "datetime")),
)
"""What the analysis reads of its ``services`` before
:func:`~app.analysis.services.services_frame` fills the defaults: every column is
optional (a default fills it), but one present must hold numbers (or dates) where
numbers (or dates) are read."""

SERVICES_NORMALISED = FrameSpec(
    frame="services (normalised)",
    columns=(Column("id", required=True), Column("x", "number", True),
             Column("y", "number", True), Column("sessions_per_week", "number", True),
             Column("capacity", "number", True), Column("monthly_cost", "number", True),
             Column("funding_end", "datetime", True)),
)
"""What the steps (:mod:`.gap_steps`) read of the normalised services."""

__all__ = ["AREAS", "SERVICES", "SERVICES_NORMALISED", "Column", "FrameContractError",
           "FrameSpec", "check_columns"]
