"""Query parameters of the gap pages and API, checked with plain-English errors.

Every view takes the same parameters, so a view can be bookmarked and shared:
``level``, ``figure``, ``filter``, ``max_monthly``, ``threshold``, ``mode``,
``scheme``, ``w_<component>`` weights, and for the table ``sort``/``desc``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..analysis.classify import SCHEMES
from ..analysis.figures import FIGURES, TABLE_COLUMNS
from ..analysis.gaps import DEFAULT_WEIGHTS
from ..analysis.services import FILTERS
from ..analysis.settings import AnalysisSettings
from ..analysis.travel import MODES
from ..models import AREA_LEVELS
from ..number_input import arg_float, arg_int

LEVEL_LABELS = {"lsoa": "LSOA (small areas)", "ward": "Ward", "parish": "Parish",
                "custom": "Custom areas"}
MODE_LABELS = {"walk": "Walking", "cycle": "Cycling", "bus": "Bus", "car": "Car"}


@dataclass
class GapParams:
    """One request's parameters.  The filter, monthly limit, threshold and mode
    start from the analysis settings (:func:`GapParams.defaults`), never from
    numbers here; the age band is the settings' and not a query parameter."""

    settings: AnalysisSettings
    filter: str
    max_monthly: float
    threshold: int
    mode: str
    level: str = "ward"
    figure: str = "gap_score"
    scheme: str = "quantiles"
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    sort: str = "rank"
    desc: bool = False
    capped_from: int | None = None  # the threshold asked for, when above the run's limit

    def cap_threshold(self, limit_min: float | None) -> None:
        """Never above the longest journey computed: a threshold over the run's limit
        would count people with no journey as reached."""
        if limit_min is not None and self.threshold > limit_min:
            self.capped_from = self.threshold
            self.threshold = int(limit_min)

    @property
    def cap_note(self) -> str:
        """'Threshold capped at 90 minutes, the longest journey computed.' or ''."""
        if self.capped_from is None:
            return ""
        return (f"Threshold capped at {self.threshold} minutes, the longest journey "
                f"computed (you asked for {self.capped_from}).")

    @classmethod
    def defaults(cls, settings: AnalysisSettings) -> GapParams:
        return cls(settings=settings, filter=settings.reach_filter,
                   max_monthly=settings.max_monthly, threshold=int(settings.threshold_min),
                   mode=settings.mode)

    @property
    def band(self) -> dict[str, int]:
        """The age band (``age_min``, ``age_max``) for :mod:`app.inputs.areas`."""
        return self.settings.band

    def analysis_key(self) -> dict:
        """The parameters the computation depends on (cache key)."""
        return {"level": self.level, "filter": self.filter, "max_monthly": self.max_monthly,
                "threshold": self.threshold, "mode": self.mode,
                "ages": [self.settings.age_min, self.settings.age_max],
                "weights": dict(sorted(self.weights.items()))}

    def query(self, **changes) -> dict:
        """Query-string dict for links (defaults left out)."""
        d = {k: v for k, v in asdict(self).items() if k != "settings"}
        d.update(changes)
        d.pop("capped_from", None)
        weights = d.pop("weights")
        base = asdict(GapParams.defaults(self.settings))
        out = {k: v for k, v in d.items() if v != base.get(k)}
        out["level"] = d["level"]
        for k, v in weights.items():
            if v != DEFAULT_WEIGHTS[k]:
                out[f"w_{k}"] = f"{v:g}"
        if out.get("desc") is False:
            out.pop("desc", None)
        return out


def parse(args, available_levels: list[str],
          settings: AnalysisSettings | None = None) -> tuple[GapParams, dict[str, str]]:
    """(params, errors): a bad value keeps its default (the analysis settings',
    :func:`app.settings.analysis_settings` unless given) and gets an error."""
    if settings is None:
        from ..settings import analysis_settings

        settings = analysis_settings()
    p = GapParams.defaults(settings)
    errors: dict[str, str] = {}
    if available_levels and p.level not in available_levels:
        p.level = available_levels[0]
    level = args.get("level")
    if level:
        if level not in AREA_LEVELS:
            errors["level"] = f"Choose a level: {', '.join(AREA_LEVELS)}."
        elif available_levels and level not in available_levels:
            errors["level"] = (f"There are no {LEVEL_LABELS[level].lower()} areas yet; "
                               f"choose {', '.join(available_levels)}.")
        else:
            p.level = level
    figure = args.get("figure")
    if figure:
        if figure in FIGURES:
            p.figure = figure
        else:
            errors["figure"] = "Choose a figure from the list."
    flt = args.get("filter")
    if flt:
        if flt in FILTERS:
            p.filter = flt
        else:
            errors["filter"] = f"Choose a filter: {', '.join(FILTERS)}."
    mode = args.get("mode")
    if mode:
        if mode in MODES:
            p.mode = mode
        else:
            errors["mode"] = f"Choose a way of travelling: {', '.join(MODES)}."
    scheme = args.get("scheme")
    if scheme:
        if scheme in SCHEMES:
            p.scheme = scheme
        else:
            errors["scheme"] = f"Choose a classification: {', '.join(SCHEMES)}."
    p.threshold = arg_int(args, "threshold", p.threshold, 5, 120, errors=errors,
                          message="Enter a travel time from 5 to 120 minutes.")
    p.max_monthly = arg_float(args, "max_monthly", p.max_monthly, 0, 500, errors=errors,
                              message="Enter a monthly cost from £0 to £500.")
    weights = {key: arg_float(args, f"w_{key}", value, 0, 10, errors=errors,
                              message="Enter a weight from 0 to 10.")
               for key, value in DEFAULT_WEIGHTS.items()}
    if sum(weights.values()) <= 0:
        errors["w_reach"] = "At least one weight must be above 0."
        weights = dict(DEFAULT_WEIGHTS)
    p.weights = weights
    sort = args.get("sort")
    if sort:
        if sort in TABLE_COLUMNS:
            p.sort = sort
        else:
            errors["sort"] = "That column cannot be sorted."
    p.desc = args.get("desc") in ("1", "true", "yes")
    if not sort and p.figure != "gap_score" and "figure" not in errors:
        # No column chosen: list the areas most in need by the mapped figure
        # first, as the map's "most in need" list does.
        p.sort = p.figure
        p.desc = FIGURES[p.figure]["worse"] == "high"
    return p, errors

