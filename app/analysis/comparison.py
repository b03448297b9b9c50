"""Today against a planning scenario: who is newly reached, who is left, at what cost.

Pure code: no Flask, no database.  The comparison is between today and the
scenario "once every change has taken effect" (the scenario's services come
from :func:`app.analysis.scenario.apply_changes`).  An area is **reached**
when at least one active service is within the travel threshold of it, and a
**gap** when it has young people and nothing reaches it.  Reach itself comes
from :func:`app.analysis.reach.reach` (the same travel rule as the gap
analysis).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, SupportsInt, TypedDict

import numpy as np
import pandas as pd

from .journey_figures import JourneySource
from .person_loss import points_lost
from .person_reach import PointReach, point_reach
from .reach import reach
from .scenario import ProvisionLoss, ScenarioError, provision_lost
from .scenario_types import Change
from .services import ServiceRows, active, funding_at_risk, located, services_frame
from .siting import Decile


class GroupRow(TypedDict):
    """One group (a decile or urban/rural) of :attr:`Comparison.by_decile`/``by_rurality``."""

    group: str
    young_people: float
    newly_reached: float
    no_longer_reached: float
    areas: int


class AreaRow(TypedDict):
    """An area that stops being, or becomes, a gap."""

    code: str
    name: str
    young_people: float
    decile: str
    rurality: str


class GapChange(TypedDict):
    """An area whose gap score (0-100, higher = bigger gap) moves with the scenario."""

    code: str
    name: str
    before: float
    after: float
    rank_before: int | None
    rank_after: int | None
    change: float


def _decile_label(value: Decile) -> str:
    if value is None:
        return "Not known"
    try:
        d = int(value)
    except (TypeError, ValueError):
        return "Not known"
    return f"Decile {d}" + (" (most deprived)" if d == 1 else " (least deprived)" if d == 10 else "")


def _rurality_label(row: Mapping[str, Any]) -> str:  # a frame's record: pandas values
    rural = row.get("rural")
    if rural is None or (isinstance(rural, float) and np.isnan(rural)):
        share = row.get("rural_share")
        if share is None or (isinstance(share, float) and np.isnan(share)):
            return "Not known"
        rural = float(share) >= 0.5
    return "Rural" if bool(rural) else "Urban"


@dataclass
class Comparison:
    """Today against the scenario, per area and in summary (raw counts: publish with SDC)."""

    areas: pd.DataFrame                   # per area: reached/gap before and after
    newly_reached: float
    no_longer_reached: float
    newly_reached_free: float
    by_decile: list[GroupRow]
    by_rurality: list[GroupRow]
    stop_being_gaps: list[AreaRow]
    become_gaps: list[AreaRow]
    annual_cost: float | None
    cost_per_young_person: float | None
    at_risk_before: int
    at_risk_after: int
    changes: list[Change] = field(default_factory=list)
    # The gap analysis's score (0-100, higher = bigger gap) before and after, for
    # the areas whose score moves most; ``None`` when it was not asked for.
    gap_changes: list[GapChange] | None = None
    mean_gap_before: float | None = None
    mean_gap_after: float | None = None
    # Young people losing their only reachable provision of a kind: the same
    # count as the funding-cliff page's (:func:`.scenario.provision_lost`).
    loss: ProvisionLoss | None = None

    @property
    def net_reached(self) -> float:
        """Young people newly reached less those no longer reached."""
        return self.newly_reached - self.no_longer_reached


def area_reach(areas: pd.DataFrame, services: ServiceRows, *, threshold_min: float,
               mode: str = "bus", matrix: pd.DataFrame | None = None,
               today: date | None = None) -> pd.DataFrame:
    """Per area: ``all_services`` and ``free_services`` reachable (counts)."""
    svc = located(active(services_frame(services), today))
    if len(svc) == 0:
        zero = np.zeros(len(areas), dtype=int)
        return pd.DataFrame({"all_services": zero, "free_services": zero}, index=areas.index)
    r = reach(areas, svc, threshold_min=threshold_min, mode=mode, filters=("all", "free"),
              matrix=matrix, today=today)
    return r[["all_services", "free_services"]]


class _Sides(NamedTuple):
    """Per area today and with the scenario, and the young people newly reached free.

    ``before``/``after``: each young person's reach (``None`` when counted per area).
    """

    areas: pd.DataFrame
    gained_free: float
    before: PointReach | None
    after: PointReach | None


def _area_frame(areas: pd.DataFrame, before: ServiceRows, after: ServiceRows,
                threshold_min: float, mode: str, matrix: pd.DataFrame | None,
                today: date) -> _Sides:
    """Per area from one travel time per area and service.

    Imported times or straight-line estimates: an area is reached, or not, as a whole.
    """
    r0 = area_reach(areas, before, threshold_min=threshold_min, mode=mode, matrix=matrix,
                    today=today)
    r1 = area_reach(areas, after, threshold_min=threshold_min, mode=mode, matrix=matrix,
                    today=today)
    people = pd.to_numeric(areas["young_people"], errors="coerce").fillna(0.0)
    df = pd.DataFrame({
        "name": areas["name"] if "name" in areas.columns else areas.index.astype(str),
        "young_people": people,
        "services_before": r0["all_services"], "services_after": r1["all_services"],
        "free_before": r0["free_services"], "free_after": r1["free_services"],
    }, index=areas.index)
    df["reached_before"] = df["services_before"] > 0
    df["reached_after"] = df["services_after"] > 0
    gained_free = (df["free_after"] > 0) & ~(df["free_before"] > 0)
    return _Sides(df, float(people[gained_free].sum()), None, None)


def _person_frame(areas: pd.DataFrame, before: ServiceRows, after: ServiceRows,
                  points: pd.DataFrame, journeys: JourneySource, threshold_min: float,
                  mode: str, today: date) -> _Sides:
    """Per area from each young person's own journeys (:mod:`.person_reach`)."""
    p0 = point_reach(areas, points, before, journeys, threshold_min=threshold_min, mode=mode,
                     today=today)
    p1 = point_reach(areas, points, after, journeys, threshold_min=threshold_min, mode=mode,
                     today=today)
    hit0, hit1 = p0.reached(), p1.reached()
    free0, free1 = p0.reached(p0.filter("free")), p1.reached(p1.filter("free"))
    n = len(areas)
    per0 = np.zeros(n, int)
    per1 = np.zeros(n, int)
    for p, out in ((p0, per0), (p1, per1)):
        ok = p.group >= 0
        for col in range(p.reach.shape[1]):
            out[np.unique(p.group[ok & p.reach[:, col]])] += 1
    after_parts = p1.partition("all")
    df = pd.DataFrame({
        "name": areas["name"] if "name" in areas.columns else areas.index.astype(str),
        "young_people": p0.young_people(),
        "services_before": per0, "services_after": per1,
        "young_reached_before": p0.area_sum(hit0), "young_reached_after": p1.area_sum(hit1),
        "cannot_get_there_after": after_parts["cannot_get_there"],
        "cannot_get_home_after": after_parts["cannot_get_home"],
        "newly_reached": p0.area_sum(hit1 & ~hit0),
        "no_longer_reached": p0.area_sum(hit0 & ~hit1),
    }, index=areas.index)
    df["reached_before"] = df["young_reached_before"] > 0
    df["reached_after"] = df["young_reached_after"] > 0
    return _Sides(df, float(p0.area_sum(free1 & ~free0).sum()), p0, p1)


@dataclass(frozen=True)
class TodaySide:
    """What a comparison works out from today's services alone.

    Their gap scores and ranks (with ``gap_scores``) and the sessions at risk of losing
    funding.  The same for every scenario, so the planning pages keep it per data
    version and journey run (``cached`` in ``app/planning/service.py``) instead of
    working it out again for each scenario and each view of one.
    """

    gap_scores: pd.DataFrame | None
    at_risk: int


def today_side(areas: pd.DataFrame, before: ServiceRows, *, threshold_min: float,
               mode: str, matrix: pd.DataFrame | None, today: date, risk_months: int,
               gap_scores: bool, points: pd.DataFrame | None = None,
               journeys: JourneySource | None = None) -> TodaySide:
    """:class:`TodaySide` for ``before``.

    ``journeys`` may carry a scenario's proposals: they are not among today's
    services, so they change nothing here.
    """
    scores = (_gap_scores(areas, before, threshold_min, mode, matrix, today, points, journeys)
              if gap_scores else None)
    return TodaySide(scores, _at_risk(before, today, risk_months))


def compare(areas: pd.DataFrame, before: ServiceRows, after: ServiceRows, *,
            threshold_min: float, mode: str = "bus", matrix: pd.DataFrame | None = None,
            changes: Sequence[Change] = (), today: date | None = None,
            risk_months: int = 24, gap_scores: bool = False,
            top_gap_changes: int = 15, points: pd.DataFrame | None = None,
            journeys: JourneySource | None = None,
            before_side: TodaySide | None = None) -> Comparison:
    """Compare the services ``before`` (today) and ``after`` (the scenario).

    ``areas`` is indexed by area code with columns ``name``, ``young_people``,
    ``origin_x``/``origin_y`` (or a geometry), and optionally ``imd_decile``,
    ``rural`` (bool) or ``rural_share``.  With ``gap_scores``, the gap analysis
    (:func:`app.analysis.gaps.compute_gaps`, default weights, no survey voice:
    a scenario does not change what young people said) is run on both sides
    too; it uses ``imd_score``/``idaci``/``rural_share`` where present.

    With ``points`` (population points) and ``journeys`` (a current journey
    run, with the scenario's proposals: :class:`.proposal_journeys.WithProposals`)
    reach is counted per young person and per session exactly as on the gap
    pages (:mod:`.person_reach`): ``young_reached_before``/``young_reached_after``
    per area are young people (``reached_*``: any of them), newly reached are
    the young people reached after and not before, and the after side carries
    ``cannot_get_there_after`` and ``cannot_get_home_after`` (with
    ``young_reached_after`` they add up to the area's young people).  ``matrix``
    is then not used.  ``before_side``: :func:`today_side` for the same arguments,
    kept by the caller (worked out here when not given).
    """
    if "young_people" not in areas.columns:
        raise ScenarioError("the areas have no young-people figures")
    today = today or date.today()
    if points is not None and journeys is not None:
        df, gained_free, p0, p1 = _person_frame(areas, before, after, points, journeys,
                                                threshold_min, mode, today)
    else:
        df, gained_free, p0, p1 = _area_frame(areas, before, after, threshold_min, mode,
                                              matrix, today)
    per_person = p0 is not None
    people = df["young_people"]
    df["gap_before"] = ~df["reached_before"] & (people > 0)
    df["gap_after"] = ~df["reached_after"] & (people > 0)
    df["decile"] = [_decile_label(v) for v in (areas["imd_decile"] if "imd_decile" in areas
                                               else [None] * len(areas))]
    df["rurality"] = [_rurality_label(row) for row in areas.to_dict("records")]
    if not per_person:
        gained = df["reached_after"] & ~df["reached_before"]
        lost = df["reached_before"] & ~df["reached_after"]
        df["newly_reached"] = np.where(gained, people, 0.0)
        df["no_longer_reached"] = np.where(lost, people, 0.0)

    def breakdown(col: str,
                  order: Callable[[str], tuple[int, str]] | None = None) -> list[GroupRow]:
        g = df.groupby(col, sort=False)
        out: list[GroupRow] = []
        for key, part in g:
            out.append({"group": key, "young_people": float(part["young_people"].sum()),
                        "newly_reached": float(part["newly_reached"].sum()),
                        "no_longer_reached": float(part["no_longer_reached"].sum()),
                        "areas": len(part)})
        if order:
            out.sort(key=lambda r: order(r["group"]))
        return out

    def decile_order(label: str) -> tuple[int, str]:
        return (99, label) if label == "Not known" else (int(label.split()[1]), label)

    def area_rows(mask: pd.Series) -> list[AreaRow]:
        part = df[mask].sort_values("young_people", ascending=False)
        return [{"code": str(code), "name": row["name"], "young_people": float(row["young_people"]),
                 "decile": row["decile"], "rurality": row["rurality"]}
                for code, row in part.iterrows()]

    costs = [float(c["annual_cost"]) for c in changes if c.get("annual_cost") is not None]
    annual_cost = sum(costs) if costs else None
    newly = float(df["newly_reached"].sum())
    net = newly - float(df["no_longer_reached"].sum())
    cost_each = annual_cost / net if annual_cost is not None and net > 0 else None
    gap_changes: list[GapChange] | None = None
    mean_before: float | None = None
    mean_after: float | None = None
    if before_side is None or (gap_scores and before_side.gap_scores is None):
        before_side = today_side(areas, before, threshold_min=threshold_min, mode=mode,
                                 matrix=matrix, today=today, risk_months=risk_months,
                                 gap_scores=gap_scores, points=points, journeys=journeys)
    if gap_scores:
        g0 = before_side.gap_scores
        assert g0 is not None
        g1 = _gap_scores(areas, after, threshold_min, mode, matrix, today, points, journeys)
        df["gap_score_before"], df["gap_score_after"] = g0["gap_score"], g1["gap_score"]
        df["gap_rank_before"], df["gap_rank_after"] = g0["rank"], g1["rank"]
        moved = (df["gap_score_after"] - df["gap_score_before"]).fillna(0.0)
        order = moved.abs().sort_values(ascending=False, kind="stable")
        gap_changes = [
            {"code": str(code), "name": df.at[code, "name"],
             "before": float(df.at[code, "gap_score_before"]),
             "after": float(df.at[code, "gap_score_after"]),
             "rank_before": _int(df.at[code, "gap_rank_before"]),
             "rank_after": _int(df.at[code, "gap_rank_after"]),
             "change": float(moved[code])}
            for code in order.index[:top_gap_changes] if abs(moved[code]) >= 0.05]
        mean_before = float(df["gap_score_before"].mean())
        mean_after = float(df["gap_score_after"].mean())
    return Comparison(
        areas=df,
        newly_reached=newly,
        no_longer_reached=float(df["no_longer_reached"].sum()),
        newly_reached_free=float(gained_free),
        by_decile=breakdown("decile", decile_order),
        by_rurality=breakdown("rurality", lambda g: (g == "Not known", g)),
        stop_being_gaps=area_rows(df["gap_before"] & ~df["gap_after"]),
        become_gaps=area_rows(~df["gap_before"] & df["gap_after"]),
        annual_cost=annual_cost,
        cost_per_young_person=cost_each,
        at_risk_before=before_side.at_risk,
        at_risk_after=_at_risk(after, today, risk_months),
        changes=list(changes),
        gap_changes=gap_changes,
        mean_gap_before=mean_before,
        mean_gap_after=mean_after,
        loss=(points_lost(areas, before, after, p0, p1) if p0 is not None and p1 is not None else
              provision_lost(areas, before, after, threshold_min=threshold_min, mode=mode,
                             matrix=matrix, today=today)),
    )


def _int(value: SupportsInt | None) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _gap_scores(areas: pd.DataFrame, services: ServiceRows, threshold_min: float, mode: str,
                matrix: pd.DataFrame | None, today: date, points: pd.DataFrame | None = None,
                journeys: JourneySource | None = None) -> pd.DataFrame:
    from .gaps import compute_gaps

    a = areas.copy()
    if "rural_share" not in a.columns and "rural" in a.columns:
        a["rural_share"] = [np.nan if v is None or pd.isna(v) else float(bool(v))
                            for v in a["rural"]]
    if "share_most_deprived_20" not in a.columns and "imd_decile" in a.columns:
        a["share_most_deprived_20"] = [np.nan if v is None or pd.isna(v) else
                                       float(int(v) <= 2) for v in a["imd_decile"]]
    per_person = points is not None and journeys is not None
    out = compute_gaps(a, services, threshold_min=threshold_min, mode=mode,
                       matrix=None if per_person else matrix, today=today,
                       filters=["all", "free"], points=points if per_person else None,
                       journeys=journeys if per_person else None)
    return out[["gap_score", "rank"]]


def _at_risk(services: ServiceRows, today: date, months: int) -> int:
    if not len(services):
        return 0
    return int(len(funding_at_risk(services, today=today, months=(months,))))


# -- Funding cliff ---------------------------------------------------------
