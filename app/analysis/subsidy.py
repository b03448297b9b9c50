"""What it would cost a year to make provision free, or capped, for deprived areas.

For young people in the most deprived areas.  Pure: no Flask, no database.

The method, with every assumption a parameter shown on the page:

1. **Price.** Each chosen service's price is turned into pounds a month for one
   young person going to every session (:func:`app.analysis.services.monthly_cost`:
   per-session prices x sessions a week x 52/12 weeks a month, or 39 weeks a
   year for term-time-only sessions; termly x 3 / 12; yearly / 12).
2. **Eligible young people.** Young people living in the chosen areas whose
   IMD decile is in ``deciles`` (default 1-2, the most deprived 20% of
   England), and who can reach the service within the travel threshold.
   A young person with several chosen services in reach is shared equally
   among them, so nobody is counted twice.
3. **Take-up.** Only a share of eligible young people would use the place
   (``take_up``, default 25%); no service takes more users than its
   capacity (places a session; a service without a capacity counts 20).
4. **Subsidy per user.** Free: the whole price.  Capped: the price above the
   cap (``cap_monthly`` pounds a month); a service already at or under the
   cap costs nothing.

``annual cost = sum over services of users x subsidy a month x 12``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .reach import reachable_pairs
from .services import DEFAULT_CAPACITY, ServiceRows, active, located, services_frame

if TYPE_CHECKING:
    from .person_reach import PointReach


class SubsidyError(ValueError):
    """Assumptions that make no sense; the message says which."""


@dataclass(frozen=True)
class SubsidyAssumptions:
    """Every assumption of the subsidy model, each shown on the page."""

    deciles: tuple[int, ...] = (1, 2)
    mode: str = "free"              # "free" or "cap"
    cap_monthly: float = 5.0        # pounds a month a young person pays at most ("cap")
    take_up: float = 0.25           # share of eligible young people in reach who would use it
    threshold_min: float = 30.0
    travel_mode: str = "bus"

    def check(self) -> SubsidyAssumptions:
        """Return these assumptions, or raise :class:`SubsidyError` naming the bad one."""
        if self.mode not in ("free", "cap"):
            raise SubsidyError("choose free or capped")
        if not self.deciles or any(int(d) != d or not 1 <= d <= 10 for d in self.deciles):
            raise SubsidyError("choose at least one deprivation decile from 1 to 10")
        if not 0 < self.take_up <= 1:
            raise SubsidyError("take-up must be more than 0% and at most 100%")
        if self.mode == "cap" and not (np.isfinite(self.cap_monthly) and self.cap_monthly >= 0):
            raise SubsidyError("the cap must be 0 pounds or more")
        if not self.threshold_min > 0:
            raise SubsidyError("the travel threshold must be more than 0 minutes")
        return self

    def as_dict(self) -> dict[str, Any]:
        """The assumptions as a plain dict (for the page and its links)."""
        return asdict(self)


@dataclass
class SubsidyResult:
    """The cost a year, per service and in total (raw counts: publish with SDC)."""

    services: pd.DataFrame      # per service: price, eligible, users, subsidy, cost
    annual_cost: float
    users: float
    eligible: float
    assumptions: SubsidyAssumptions

    @property
    def cost_per_user(self) -> float | None:
        """Pounds a year per young person using a subsidised place, or ``None``."""
        return self.annual_cost / self.users if self.users > 0 else None


def subsidy_cost(areas: pd.DataFrame, services: ServiceRows, assumptions: SubsidyAssumptions,
                 *, service_ids: Iterable[int] | None = None,
                 area_codes: Iterable[str] | None = None,
                 matrix: pd.DataFrame | None = None,
                 reach: PointReach | None = None) -> SubsidyResult:
    """Yearly cost of the subsidy for the chosen services and areas.

    ``areas`` indexed by code with ``young_people``, ``imd_decile`` and
    ``origin_x``/``origin_y`` (or a geometry).  ``service_ids``/``area_codes``
    restrict the choice (``None`` = all).  ``reach``: a
    :class:`~.person_reach.PointReach` of the same services and areas (the
    gap pages' per-person method): eligible young people are then those at
    the population points of the chosen areas who reach the service
    themselves, each shared among the chosen services they reach
    (``matrix`` is not used); without it, each area as a whole.
    """
    a = assumptions.check()
    svc = located(active(services_frame(services))).reset_index(drop=True)
    if service_ids is not None:
        wanted = {int(s) for s in service_ids}
        svc = svc[svc["id"].astype(int).isin(wanted)].reset_index(drop=True)
    cols = ["id", "name", "monthly_cost", "subsidy_monthly", "eligible", "users", "capacity",
            "annual_cost"]
    if len(svc) == 0 or len(areas) == 0:
        return SubsidyResult(pd.DataFrame(columns=cols), 0.0, 0.0, 0.0, a)
    people = pd.to_numeric(areas["young_people"], errors="coerce").fillna(0.0).to_numpy()
    deciles = pd.to_numeric(areas.get("imd_decile", pd.Series(np.nan, index=areas.index)),
                            errors="coerce").to_numpy()
    eligible_area = np.isin(deciles, list(a.deciles))
    if area_codes is not None:
        eligible_area &= np.isin(np.asarray(areas.index.astype(str)), [str(c) for c in area_codes])
    if reach is not None:
        col = pd.Index(reach.services["id"].astype(int)).get_indexer(svc["id"].astype(int))
        block = reach.reach[:, np.maximum(col, 0)] & (col >= 0)[None, :]
        ok = reach.group >= 0
        block &= (ok & eligible_area[np.maximum(reach.group, 0)])[:, None]
        i, j = np.nonzero(block)
        people = reach.young
    else:
        pairs = reachable_pairs(areas, svc, threshold_min=a.threshold_min,
                                mode=a.travel_mode, matrix=matrix)
        keep = eligible_area[pairs.i]
        i, j = pairs.i[keep], pairs.j[keep]
    # Share each area's (or point's) young people equally among the chosen services
    # it reaches.
    per_area = np.bincount(i, minlength=len(people)).astype(float)
    share = np.divide(people[i], per_area[i], out=np.zeros(len(i)), where=per_area[i] > 0)
    eligible = np.bincount(j, weights=share, minlength=len(svc))
    capacity = svc["capacity"].fillna(DEFAULT_CAPACITY).to_numpy(dtype=float)
    users = np.minimum(eligible * a.take_up, capacity)
    price = svc["monthly_cost"].fillna(0.0).to_numpy(dtype=float)
    subsidy = price if a.mode == "free" else np.clip(price - a.cap_monthly, 0, None)
    cost = users * subsidy * 12
    table = pd.DataFrame({
        "id": svc["id"].astype(int), "name": svc["name"], "monthly_cost": price,
        "subsidy_monthly": subsidy, "eligible": eligible, "users": users,
        "capacity": capacity, "annual_cost": cost,
    }).sort_values("annual_cost", ascending=False).reset_index(drop=True)
    return SubsidyResult(table, float(cost.sum()), float(users.sum()), float(eligible.sum()), a)
