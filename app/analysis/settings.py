"""The analysis settings every page, download, API answer and job shares.

The young-people age band, the travel threshold and way of travelling, and the
reach filter with its monthly cost limit: one object, built from the app's configuration in one place
(:func:`app.settings.analysis_settings`), so the gap map, the ranked table, the
downloads, the API, the ward report, the evidence pack, the dashboard and the
planning pages count the same young people within the same travel time.  The
defaults live in ``app/config.py`` only (``YOUTH_AGE_MIN``, ``YOUTH_AGE_MAX``,
``TRAVEL_THRESHOLD_MIN``, ``TRAVEL_MODE``, ``REACH_FILTER``,
``REACH_MAX_MONTHLY``); this module holds none.  No Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .services import FILTERS
from .travel import MODES

KEYS = {  # field: the setting it is read from
    "age_min": "YOUTH_AGE_MIN",
    "age_max": "YOUTH_AGE_MAX",
    "threshold_min": "TRAVEL_THRESHOLD_MIN",
    "mode": "TRAVEL_MODE",
    "reach_filter": "REACH_FILTER",
    "max_monthly": "REACH_MAX_MONTHLY",
}


class SettingsError(ValueError):
    """A setting the analysis cannot use; the message names it."""


@dataclass(frozen=True)
class AnalysisSettings:
    """Who counts as a young person and what counts as within reach, by default."""

    age_min: int          # youngest age counted as a young person (Census single years)
    age_max: int          # oldest age counted
    threshold_min: float  # default travel threshold, minutes
    mode: str             # default way of travelling (``app.analysis.travel.MODES``)
    reach_filter: str     # default reach filter (``app.analysis.services.FILTERS``)
    max_monthly: float    # £ a month: the ``under`` filter's limit

    def __post_init__(self) -> None:
        """Refuse values no page could use, naming the setting."""
        if not 0 <= self.age_min <= self.age_max <= 120:
            raise SettingsError(f"YOUTH_AGE_MIN ({self.age_min}) and YOUTH_AGE_MAX "
                                f"({self.age_max}) must be ages with the first not above "
                                "the second.")
        if not (5 <= self.threshold_min <= 120 and float(self.threshold_min).is_integer()):
            raise SettingsError("TRAVEL_THRESHOLD_MIN must be a whole number of minutes from "
                                f"5 to 120 (the pages' choices), not {self.threshold_min:g}.")
        if self.mode not in MODES:
            raise SettingsError(f"TRAVEL_MODE must be one of {', '.join(MODES)}, "
                                f"not {self.mode!r}.")
        if self.reach_filter not in FILTERS:
            raise SettingsError(f"REACH_FILTER must be one of {', '.join(FILTERS)}, "
                                f"not {self.reach_filter!r}.")
        if not 0 <= self.max_monthly <= 500:
            raise SettingsError("REACH_MAX_MONTHLY must be from £0 to £500, "
                                f"not {self.max_monthly:g}.")

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> AnalysisSettings:
        """From the app's configuration.

        Every key is required: the defaults are ``app/config.py``'s, never this module's.
        """
        missing = [key for key in KEYS.values() if key not in config]
        if missing:
            raise SettingsError(f"Missing settings: {', '.join(missing)}.")
        return cls(age_min=int(config["YOUTH_AGE_MIN"]), age_max=int(config["YOUTH_AGE_MAX"]),
                   threshold_min=float(config["TRAVEL_THRESHOLD_MIN"]),
                   mode=str(config["TRAVEL_MODE"]), reach_filter=str(config["REACH_FILTER"]),
                   max_monthly=float(config["REACH_MAX_MONTHLY"]))

    @property
    def band(self) -> dict[str, int]:
        """``{"age_min": .., "age_max": ..}``: keyword arguments for :mod:`app.inputs.areas`."""
        return {"age_min": self.age_min, "age_max": self.age_max}

    @property
    def band_text(self) -> str:
        """'13 to 19': the band in words, for pages."""
        return f"{self.age_min} to {self.age_max}"

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for a job's parameters and cache keys."""
        return asdict(self)
