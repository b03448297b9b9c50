"""Provision per 1,000 young people, capacity taken into account.

The two-step floating catchment area (2SFCA) method of Luo and Wang (2003).

Step 1: for every service *j*, its ratio
``R_j = places_j / sum(young_people_i for areas i within the threshold of j)``.
Step 2: for every area *i*, ``A_i = 1000 * sum(R_j for services j within the
threshold of i)``: places a week per 1,000 young people.

``places_j`` is capacity per session x sessions a week, so a club that opens
three evenings counts three times one that opens once.  This is the same
calculation as PySAL ``access``'s ``two_stage_fca`` with a step (0/1) weight;
our own vectorised form works on the sparse within-threshold pairs so it
scales to England (``tests/analysis`` checks it against PySAL on a small case).
"""

from __future__ import annotations

import numpy as np

from .travel import Pairs


def two_step_fca(pairs: Pairs, demand: np.ndarray, supply: np.ndarray,
                 per: float = 1000.0) -> np.ndarray:
    """Accessibility per area (length ``pairs.n_origins``).

    ``demand`` per area (young people), ``supply`` per service (places a
    week).  A service with no demand in reach gets ratio 0 (it serves no one).
    """
    demand = np.nan_to_num(np.asarray(demand, dtype=float))
    supply = np.nan_to_num(np.asarray(supply, dtype=float))
    catchment_demand = np.bincount(pairs.j, weights=demand[pairs.i],
                                   minlength=pairs.n_destinations)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(catchment_demand > 0, supply / catchment_demand, 0.0)
    return per * np.bincount(pairs.i, weights=ratio[pairs.j], minlength=pairs.n_origins)
