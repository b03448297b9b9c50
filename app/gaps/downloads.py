"""The gap figures as files and as the JSON API: the CSV download, the GeoJSON and
``/api/v1/gaps``.  Each function parses the parameters, loads the cached analysis
(:func:`app.gaps.service.load_view`) and shapes what the view sends; bad
parameters come back as errors, each naming its problem.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import date

from flask import url_for

from .. import csvsafe
from ..analysis import FIGURES, TABLE_COLUMNS, records
from ..analysis.figures import edition, labelled
from ..analysis.travel import SPEEDS_KMH
from ..extensions import db
from .map_data import geojson_payload
from .service import funding_risk_rows, load_view


@dataclass
class Download:
    """A file to send, or the errors that stopped it (``body`` empty then)."""

    errors: dict = field(default_factory=dict)
    body: str = ""
    filename: str = ""


def gaps_csv(args) -> Download:
    """The ranked table as CSV, each figure's column named with its edition."""
    view, errors = load_view(db.session, args)
    if errors:
        return Download(errors)
    out = io.StringIO()
    cols = ["code", *[c for c in TABLE_COLUMNS if c in view.published.columns]]
    writer = csvsafe.writer(out)
    writer.writerow([c if not edition(c, view.sources) else f"{c} ({edition(c, view.sources)})"
                     for c in cols])
    for row in records(view.published.sort_values(["rank", "name"]), cols[1:]):
        writer.writerow(["" if row[c] is None else row[c] for c in cols])
    return Download(body=out.getvalue(),
                    filename=f"gaps-{view.params.level}-{date.today().isoformat()}.csv")


def gaps_geojson(args) -> Download:
    """The areas with their figures and the map's legend, as compact GeoJSON."""
    view, errors = load_view(db.session, args)
    if errors:
        return Download(errors)
    return Download(body=json.dumps(geojson_payload(view), separators=(",", ":")),
                    filename=f"gaps-{view.params.level}.geojson")


def api_payload(args) -> tuple[dict | None, dict]:
    """``/api/v1/gaps``: the parameters used, data version, travel basis, disclosure
    method, figure sources, every area and the funding at risk; or the errors."""
    view, errors = load_view(db.session, args)
    if errors:
        return None, errors
    p = view.params
    cols = [c for c in TABLE_COLUMNS if c in view.published.columns]
    return {
        "level": p.level,
        "parameters": {"threshold_minutes": p.threshold, "mode": p.mode,
                       "speed_kmh": SPEEDS_KMH[p.mode], "circuity": 1.3,
                       "filter": p.filter, "max_monthly": p.max_monthly,
                       **p.band, "weights": p.weights},
        "data_version": list(view.version),
        "travel": {"basis": view.travel.get("basis"), "sentence": view.travel_basis,
                   "network": view.travel.get("network"),
                   "timetable": view.travel.get("timetable"),
                   "computed_at": view.travel.get("computed_at"),
                   # True while the figures are the last complete run's, being updated
                   "stale": bool(view.travel.get("stale"))},
        "disclosure": {**view.disclosure,
                       "applies_to": ["responses", "cites_*", "share_*", "c_voice",
                                      "gap_score", "rank"]},
        "figures": {k: {"label": labelled(k, view.sources), "source": v["source"]}
                    for k, v in FIGURES.items()},
        "sources": view.sources,
        "areas": records(view.published.sort_values(["rank", "name"]), cols),
        "funding_at_risk": funding_risk_rows(view),
        "links": {"csv": url_for("gaps.csv", **p.query()),
                  "geojson": url_for("gaps.geojson", **p.query())},
    }, {}
