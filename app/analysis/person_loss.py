"""Who loses their only reachable provision of a kind, counted per young person.

Pure.  The per-person form of :func:`.scenario.provision_lost`, used whenever a
current journey run gives every population point its own journeys (the gap
pages' method, :mod:`.person_reach`): a young person loses provision of a kind
when some service of that type is within reach of them before and none after.
An area is listed (per service type) with the young people in it who lose that
kind; the headline counts each young person and each area once.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .journey_figures import JourneySource
from .person_reach import PointReach, point_reach
from .scenario import ProvisionLoss, apply_changes, cliff_changes, loss_frame, loss_row
from .services import ServiceRows, services_frame


def points_lost(areas: pd.DataFrame, before: ServiceRows, after: ServiceRows, p0: PointReach,
                p1: PointReach) -> ProvisionLoss:
    """:class:`.scenario.ProvisionLoss` from the points' reach.

    ``p0`` before, ``p1`` after.
    """
    info = {int(r["id"]): r for r in services_frame(before).to_dict("records")}
    ends = {int(r["id"]): r.get("funding_end") for r in services_frame(after).to_dict("records")}
    names = areas["name"].to_numpy() if "name" in areas.columns else areas.index.astype(str)
    codes = [str(c) for c in areas.index]
    types0 = p0.services["service_type"].to_numpy()
    types1 = p1.services["service_type"].to_numpy()
    ids0 = p0.services["id"].to_numpy().astype(int)
    ok = p0.group >= 0
    any_lost = np.zeros(len(p0.young), dtype=bool)
    rows = []
    for stype in sorted(set(types0)):
        had = p0.reached(types0 == stype)
        lost = had & ~p1.reached(types1 == stype) & ok
        if not lost.any():
            continue
        any_lost |= lost
        for g in np.unique(p0.group[lost]):
            here = lost & (p0.group == g)
            cols = (types0 == stype) & p0.reach[here].any(axis=0)
            gone = sorted({int(i) for i in ids0[cols]})
            rows.append(loss_row(codes[g], names[g], stype, float(p0.young[here].sum()),
                                 gone, ends, info))
    out = loss_frame(rows)
    return ProvisionLoss(out, len(set(out["code"])), float(p0.young[any_lost].sum()))


def cliff_loss_points(areas: pd.DataFrame, services: ServiceRows, points: pd.DataFrame,
                      journeys: JourneySource, *,
                      threshold_min: float, today: date | None = None, months: int = 24,
                      mode: str = "bus") -> ProvisionLoss:
    """The funding cliff's loss per young person.

    :func:`.scenario.cliff_loss` by the gap pages' method (every grant in the cliff ends).
    """
    after, _ = apply_changes(services, cliff_changes(services, today=today, months=months))
    p0 = point_reach(areas, points, services, journeys, threshold_min=threshold_min,
                     mode=mode, today=today)
    p1 = point_reach(areas, points, after, journeys, threshold_min=threshold_min,
                     mode=mode, today=today)
    return points_lost(areas, services, after, p0, p1)
