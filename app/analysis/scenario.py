"""Planning scenarios: apply changes to a COPY of the services table and compare.

Pure code: no Flask, no database.  The caller hands in the live services as
plain dicts (see :func:`app.analysis.services.services_frame` for the
columns); :func:`apply_changes` returns new dicts and never mutates its input,
so a scenario can never change the live directory.

A change is a dict, checked by :func:`normalise_change`: its kinds and fields are
in :mod:`.scenario_types` (:class:`~.scenario_types.Change`).

How today compares with the scenario is in :mod:`.comparison`.
"""

from __future__ import annotations

import copy
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from ..models.directory import COST_MODELS, SERVICE_TYPES
from .reach import reachable_pairs
from .scenario_types import Building, Change, RawChange, ServiceRecord, Session
from .services import ServiceRows, active, funding_at_risk, located, services_frame

CHANGE_KINDS = {
    "add": "Add a proposed service",
    "close": "Close a service",
    "make_free": "Make a service free",
    "extend_grant": "Extend a grant",
    "end_grant": "End a grant",
}
#: Ids given to proposed services: negative, so they never clash with live ids.
PROPOSED_ID_START = -1
MAX_CHANGES = 200


class ScenarioError(ValueError):
    """A change that cannot be applied; the message names the change and the field."""


@overload
def _number(change: RawChange, key: str, label: str, n: int, *, minimum: float = ...,
            required: Literal[True], integer: Literal[False] = ...) -> float: ...
@overload
def _number(change: RawChange, key: str, label: str, n: int, *, minimum: float = ...,
            required: bool = ..., integer: Literal[True]) -> int | None: ...
@overload
def _number(change: RawChange, key: str, label: str, n: int, *, minimum: float = ...,
            required: bool = ..., integer: Literal[False] = ...) -> float | None: ...
def _number(change: RawChange, key: str, label: str, n: int, *, minimum: float = 0.0,
            required: bool = False, integer: bool = False) -> float | None:
    value = change.get(key)
    if value in (None, ""):
        if required:
            raise ScenarioError(f"Change {n}: {label} is missing")
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"Change {n}: {label} must be a number") from None
    if not np.isfinite(value) or value < minimum:
        raise ScenarioError(f"Change {n}: {label} must be {minimum:g} or more")
    if integer:
        if value != int(value):
            raise ScenarioError(f"Change {n}: {label} must be a whole number")
        return int(value)
    return value


@overload
def _date(change: RawChange, key: str, label: str, n: int, *, required: Literal[True]) -> str: ...
@overload
def _date(change: RawChange, key: str, label: str, n: int, *,
          required: bool = ...) -> str | None: ...
def _date(change: RawChange, key: str, label: str, n: int, *,
          required: bool = False) -> str | None:
    value = change.get(key)
    if value in (None, ""):
        if required:
            raise ScenarioError(f"Change {n}: {label} is missing")
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ScenarioError(f"Change {n}: {label} must be a date like 2027-03-31") from None


def _sessions(value: Iterable[Any] | None, n: int) -> list[Session]:
    """Check the optional session times of a proposed service.

    ``[[weekday 0-6, "HH:MM", "HH:MM"], ...]`` (start before end).  Without
    them its journeys are worked out for a weekday evening session
    (:data:`app.analysis.proposal_journeys.DEFAULT_SESSIONS`).
    """
    out: list[Session] = []
    for item in value or ():
        try:
            day, start, end = item
            day = int(day)
            hs, ms = (int(v) for v in str(start).split(":"))
            he, me = (int(v) for v in str(end).split(":"))
        except (TypeError, ValueError):
            raise ScenarioError(f"Change {n}: a session is a weekday and two times "
                                "like 18:00") from None
        if not (0 <= day <= 6 and 0 <= hs * 60 + ms < he * 60 + me <= 24 * 60):
            raise ScenarioError(f"Change {n}: a session needs a weekday and a start "
                                "before its end")
        out.append([day, f"{hs:02d}:{ms:02d}", f"{he:02d}:{me:02d}"])
    return out[:21]


def normalise_change(change: object, n: int, *, service_ids: Container[int],
                     buildings: Mapping[int, Building]) -> Change:
    """Check one change and return its clean form (raises :class:`ScenarioError`).

    ``change`` is as sent (a :data:`~.scenario_types.RawChange`); anything but a dict is refused.
    """
    if not isinstance(change, dict):
        raise ScenarioError(f"Change {n}: not a change")
    kind = change.get("kind")
    if kind not in CHANGE_KINDS:
        raise ScenarioError(f"Change {n}: unknown kind {kind!r}; use one of "
                            f"{', '.join(CHANGE_KINDS)}")
    out: Change = {"kind": kind}
    if kind == "add":
        name = str(change.get("name") or "").strip()
        if not name:
            raise ScenarioError(f"Change {n}: the proposed service needs a name")
        out["name"] = name[:200]
        stype = change.get("service_type") or "other"
        if stype not in SERVICE_TYPES:
            raise ScenarioError(f"Change {n}: unknown service type {stype!r}")
        out["service_type"] = stype
        building_id = change.get("building_id")
        if building_id not in (None, ""):
            try:
                building_id = int(building_id)
            except (TypeError, ValueError):
                raise ScenarioError(f"Change {n}: building must be a building id") from None
            if building_id not in buildings:
                raise ScenarioError(f"Change {n}: there is no council building {building_id}")
            out["building_id"] = building_id
        else:
            x = _number(change, "x", "the easting", n, required=True)
            y = _number(change, "y", "the northing", n, required=True)
            if not (0 <= x <= 800_000 and 0 <= y <= 1_300_000):
                raise ScenarioError(f"Change {n}: the point is not in Great Britain "
                                    "(eastings 0-800,000, northings 0-1,300,000)")
            out["x"], out["y"] = x, y
            place = str(change.get("place") or "").strip()
            if place:
                out["place"] = place[:200]
        times = _sessions(change.get("sessions"), n)
        if times:
            out["sessions"] = times
        sessions = _number(change, "sessions_per_week", "sessions a week", n)
        out["sessions_per_week"] = 1.0 if sessions is None else sessions
        if out["sessions_per_week"] <= 0 or out["sessions_per_week"] > 21:
            raise ScenarioError(f"Change {n}: sessions a week must be between 1 and 21")
        capacity = _number(change, "capacity", "capacity", n, integer=True)
        if capacity is not None:
            if capacity < 1:
                raise ScenarioError(f"Change {n}: capacity must be 1 or more")
            out["capacity"] = capacity
        cost_model = change.get("cost_model") or "free"
        if cost_model not in COST_MODELS:
            raise ScenarioError(f"Change {n}: unknown price model {cost_model!r}")
        out["cost_model"] = cost_model
        amount = _number(change, "cost_amount", "the price", n)
        out["cost_amount"] = 0.0 if cost_model == "free" else (amount or 0.0)
        if cost_model != "free" and not out["cost_amount"]:
            raise ScenarioError(f"Change {n}: give a price, or choose Free")
    else:
        try:
            sid = int(change.get("service_id", ""))  # missing: not a number
        except (TypeError, ValueError):
            raise ScenarioError(f"Change {n}: choose a service") from None
        if sid not in service_ids:
            raise ScenarioError(f"Change {n}: there is no service {sid} in this scenario")
        out["service_id"] = sid
        if kind == "extend_grant":
            out["until"] = _date(change, "until", "the new end date", n, required=True)
        if kind == "end_grant":
            on = _date(change, "on", "the end date", n)
            if on:
                out["on"] = on
    if kind != "close":
        cost = _number(change, "annual_cost", "the cost a year", n)
        if cost is not None:
            out["annual_cost"] = cost
    note = str(change.get("note") or "").strip()
    if note:
        out["note"] = note[:300]
    return out


def apply_changes(services: Iterable[Mapping[str, Any]], changes: Sequence[object] | None, *,
                  buildings: Mapping[int, Building] | None = None,
                  ) -> tuple[list[ServiceRecord], list[Change]]:
    """Apply ``changes`` in order to a deep copy of ``services``.

    ``services``: the live services (never modified).  ``changes``: see
    :mod:`.scenario_types`; each is checked by :func:`normalise_change`.
    ``buildings``: the council buildings by id, for proposed services at one.

    Returns the scenario's services (closed ones have ``status = "closed"``;
    proposed ones ``proposed = True`` and negative ids) and the cleaned
    changes, each with a ``label`` in plain English.
    """
    buildings = buildings or {}
    rows = [copy.deepcopy(dict(s)) for s in services]
    if len(changes or ()) > MAX_CHANGES:
        raise ScenarioError(f"A scenario can hold at most {MAX_CHANGES} changes")
    by_id = {int(r["id"]): r for r in rows}
    next_id = PROPOSED_ID_START
    cleaned: list[Change] = []
    for n, raw in enumerate(changes or (), start=1):
        c = normalise_change(raw, n, service_ids=by_id, buildings=buildings)
        kind = c["kind"]
        if kind == "add":
            where: dict[str, float | str | None]
            if "building_id" in c:
                b = buildings[c["building_id"]]
                where = {"x": float(b["x"]), "y": float(b["y"]), "venue_name": b.get("name")}
            else:
                where = {"x": c["x"], "y": c["y"], "venue_name": c.get("place")}
            row: ServiceRecord = {
                "id": next_id, "name": c["name"], "service_type": c["service_type"],
                "uniformed": c["service_type"] == "uniformed",
                "sessions_per_week": c["sessions_per_week"],
                "capacity": c.get("capacity"), "cost_model": c["cost_model"],
                "cost_amount": c["cost_amount"], "status": "active", "funding_end": None,
                "proposed": True, "building_id": c.get("building_id"),
                "sessions": c.get("sessions") or [], **where,
            }
            next_id -= 1
            rows.append(row)
            by_id[row["id"]] = row
            c["label"] = f"Add {c['name']} ({SERVICE_TYPES[c['service_type']].lower()})" + (
                f" at {where['venue_name']}" if where.get("venue_name") else "")
            c["new_id"] = row["id"]
        else:
            row = by_id[c["service_id"]]
            name = row.get("name") or f"service {c['service_id']}"
            if kind == "close":
                row["status"] = "closed"
                c["label"] = f"Close {name}"
            elif kind == "make_free":
                row["cost_model"], row["cost_amount"] = "free", 0.0
                row.pop("monthly_cost", None)
                c["label"] = f"Make {name} free"
            elif kind == "extend_grant":
                row["funding_end"] = c["until"]
                c["label"] = f"Extend the grant of {name} to {c['until']}"
            elif kind == "end_grant":
                row["status"] = "closed"
                row["funding_end"] = c.get("on") or row.get("funding_end")
                c["label"] = f"End the grant of {name}" + (f" on {c['on']}" if c.get("on") else "")
        cleaned.append(c)
    return rows, cleaned


def funding_cliff(services: ServiceRows, *, today: date | None = None,
                  months: int = 24) -> pd.DataFrame:
    """Active services whose funding ends within ``months`` (soonest first).

    Funding that has already ended is *lapsed* (:func:`.services.lapsed`), not
    part of the cliff: it is neither active provision nor at risk.
    """
    return funding_at_risk(services, today=today, months=(6, 12, months))


def cliff_changes(services: ServiceRows, *, today: date | None = None,
                  months: int = 24) -> list[Change]:
    """The ready-made scenario: every grant in the cliff ends on its end date."""
    cliff = funding_cliff(services, today=today, months=months)
    return [{"kind": "end_grant", "service_id": int(row.id),
             "on": pd.Timestamp(row.funding_end).date().isoformat()}
            for row in cliff.itertuples()]


@dataclass
class ProvisionLoss:
    """Areas whose young people lose their only reachable provision of a kind.

    ``rows``: one per (area, service type) that has at least one reachable
    service of that type before and none after: ``code``, ``name``,
    ``service_type``, ``young_people``, ``ending`` (names of the services of
    that type that stop), ``first_end`` (the earliest of their funding end
    dates, or ``None``).  ``areas`` and ``young_people``: each area counted
    once, however many kinds it loses (raw counts: publish with SDC).
    """

    rows: pd.DataFrame
    areas: int
    young_people: float


LOSS_COLUMNS = ["code", "name", "service_type", "young_people", "ending", "first_end"]


def loss_row(code: str, name: object, stype: str, young: float, gone: list[int],
             ends: dict[int, object], info: dict[int, dict[str, object]]) -> dict[str, object]:
    """One (area, kind) losing its only provision, with the services that stop.

    The first of their funding ends is read from ``ends`` (after the change), else
    from ``info`` (before).
    """
    dates = [pd.Timestamp(d) for d in (ends.get(i, info[i].get("funding_end")) for i in gone)
             if d is not None and not pd.isna(d)]
    return {"code": code, "name": name, "service_type": stype, "young_people": young,
            "ending": sorted({str(info[i].get("name") or i) for i in gone}),
            "first_end": min(dates).date() if dates else None}


def loss_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The rows, soonest funding end first, then most young people, then area code."""
    out = pd.DataFrame(rows, columns=LOSS_COLUMNS)
    if len(out):
        out["_order"] = [d or date.max for d in out["first_end"]]
        out = out.sort_values(["_order", "young_people", "code"],
                              ascending=[True, False, True]).drop(columns="_order")
    return out.reset_index(drop=True)


def _reachable_kinds(areas: pd.DataFrame, services: ServiceRows, *, threshold_min: float,
                     mode: str, matrix: pd.DataFrame | None,
                     today: date | None) -> pd.DataFrame:
    svc = located(active(services_frame(services), today)).reset_index(drop=True)
    if len(svc) == 0 or len(areas) == 0:
        return pd.DataFrame(columns=["area", "service_type", "id"])
    pairs = reachable_pairs(areas, svc, threshold_min=threshold_min, mode=mode, matrix=matrix)
    return pd.DataFrame({"area": pairs.i, "service_type": svc["service_type"].to_numpy()[pairs.j],
                         "id": svc["id"].to_numpy().astype(int)[pairs.j]})


def provision_lost(areas: pd.DataFrame, before: ServiceRows, after: ServiceRows, *,
                   threshold_min: float, mode: str = "bus", matrix: pd.DataFrame | None = None,
                   today: date | None = None) -> ProvisionLoss:
    """Who loses their only reachable provision of a kind, ``before`` to ``after``.

    ``after`` is a scenario's services, or today's with every grant in the
    funding cliff ended.  The one count both the funding-cliff page and a
    scenario's comparison show.  Reach is the pages' own (``mode``, ``matrix``).
    """
    then = _reachable_kinds(areas, before, threshold_min=threshold_min, mode=mode,
                            matrix=matrix, today=today)
    now = _reachable_kinds(areas, after, threshold_min=threshold_min, mode=mode,
                           matrix=matrix, today=today)
    kept = set(zip(now["area"], now["service_type"], strict=True))
    info = {int(r["id"]): r for r in services_frame(before).to_dict("records")}
    ends = {int(r["id"]): r.get("funding_end") for r in services_frame(after).to_dict("records")}
    people = pd.to_numeric(areas["young_people"], errors="coerce").fillna(0.0).to_numpy()
    names = areas["name"].to_numpy() if "name" in areas.columns else areas.index.astype(str)
    codes = list(areas.index)
    rows: list[dict[str, object]] = []
    for (i, stype), part in then.groupby(["area", "service_type"]):
        if (i, stype) in kept:
            continue
        rows.append(loss_row(str(codes[i]), names[i], stype, float(people[i]),
                             sorted(set(part["id"])), ends, info))
    out = loss_frame(rows)
    hit = sorted(set(out["code"]))
    pos = {str(c): k for k, c in enumerate(codes)}
    return ProvisionLoss(out, len(hit), float(sum(people[pos[c]] for c in hit)))


def cliff_loss(areas: pd.DataFrame, services: ServiceRows, *, threshold_min: float,
               today: date | None = None, months: int = 24, mode: str = "bus",
               matrix: pd.DataFrame | None = None) -> ProvisionLoss:
    """:func:`provision_lost` when every grant in the funding cliff ends.

    The funding-cliff page's figure, the same as the ready-made scenario's.
    """
    after, _ = apply_changes(services, cliff_changes(services, today=today, months=months))
    return provision_lost(areas, services, after, threshold_min=threshold_min, mode=mode,
                          matrix=matrix, today=today)


def only_provision_lost(areas: pd.DataFrame, services: ServiceRows, *, threshold_min: float,
                        today: date | None = None, months: int = 24, mode: str = "bus",
                        matrix: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of :func:`cliff_loss`.

    One per (area, service type) where every reachable active service of that
    type has funding ending within ``months``.
    """
    return cliff_loss(areas, services, threshold_min=threshold_min, today=today,
                      months=months, mode=mode, matrix=matrix).rows
