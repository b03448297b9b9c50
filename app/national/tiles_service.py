"""The national map's vector tiles: build them from the council's LSOAs and read
what the map page needs.  Service layer (Flask app context, database session).

The tiles carry the council's LSOA boundaries and the gap figures the gap pages
publish (the same :func:`app.gaps.service.load_view` at LSOA level, whose voice
figures come from the published snapshot only): the gap score, places per
1,000 young people and the IMD score.  No count of people goes into a tile.
The archive is built by ``flask tiles build`` into ``TILES_DIR`` and served by
:mod:`app.national.tiles_routes` (docs/TILES.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, url_for
from pmtiles.reader import MmapSource, Reader

from ..analysis.classify import NO_DATA, YLORRD
from ..analysis.figures import FIGURES
from ..config import INSTANCE
from ..geodata.tiles import AREAS_LAYER, OVERVIEW_LAYER, TileOptions, TileReport, build_pmtiles
from ..i18n import _

ARCHIVE = "lsoa.pmtiles"
FILL = "gap_score"
PROPERTIES = ("places_per_1000", "imd_score")
ARCHIVE_NAME_OK = frozenset({ARCHIVE})


def tiles_dir() -> Path:
    """``TILES_DIR``, else ``instance/tiles``."""
    return Path(current_app.config.get("TILES_DIR") or INSTANCE / "tiles")


def archive_path(name: str = ARCHIVE) -> Path | None:
    """The archive ``name`` in the tiles folder, or ``None`` for a name we never
    write (no path from a request ever reaches the file system)."""
    return tiles_dir() / name if name in ARCHIVE_NAME_OK else None


def council_lsoas(session: Any) -> Any:
    """The council's LSOAs (EPSG:27700) with their published gap figures, or ``None``
    when no LSOAs are imported."""
    from ..gaps.service import load_view
    from ..inputs import areas as area_inputs

    if "lsoa" not in area_inputs.levels_with_areas(session):
        return None
    view, _errors = load_view(session, {"level": "lsoa"})
    areas = area_inputs.areas(session, "lsoa")[["name", "geometry"]]
    figures = view.published
    keep = [c for c in (FILL, *PROPERTIES) if c in figures.columns]
    frame = areas.join(figures[keep], how="left")
    for column in (FILL, *PROPERTIES):
        if column not in frame.columns:
            frame[column] = None
    frame.index.name = "code"
    return frame.reset_index()


def build_council_tiles(session: Any, options: TileOptions | None = None) -> TileReport | None:
    """Build ``lsoa.pmtiles`` from the council's LSOAs; ``None`` without LSOAs."""
    frame = council_lsoas(session)
    if frame is None or frame.empty:
        return None
    path = archive_path()
    assert path is not None
    return build_pmtiles(frame, path, fill=FILL, properties=PROPERTIES,
                         options=options or TileOptions(),
                         metadata={"attribution": _boundaries_attribution()})


def _boundaries_attribution() -> str:
    return ("Source: Office for National Statistics licensed under the Open Government "
            "Licence v.3.0. Contains OS data © Crown copyright and database right.")


def _legend(breaks: list[float]) -> list[dict[str, Any]]:
    colours = YLORRD.get(len(breaks) + 1) or YLORRD[5]
    fmt = FIGURES[FILL].get("fmt", "{}")
    rows = []
    edges = [None, *breaks, None]
    for i in range(len(breaks) + 1):
        low, high = edges[i], edges[i + 1]
        if low is None and high is None:
            label = _("All areas")
        elif low is None:
            label = _("Up to %(high)s", high=fmt.format(high))
        elif high is None:
            label = _("Over %(low)s", low=fmt.format(low))
        else:
            label = _("Over %(low)s to %(high)s", low=fmt.format(low), high=fmt.format(high))
        rows.append({"cls": i, "colour": colours[i % len(colours)], "label": label})
    rows.append({"cls": -1, "colour": NO_DATA, "label": _("No figure")})
    return rows


def map_page() -> dict[str, Any]:
    """What ``national/map.html`` shows: whether tiles exist, the legend and the
    map's configuration (handed to the page's script as JSON, never as code)."""
    path = archive_path()
    ctx: dict[str, Any] = {"available": False, "legend": [],
                           "fill_label": FIGURES[FILL]["label"],
                           "table_url": url_for("gaps.table", level="lsoa")}
    if path is None or not path.is_file():
        return ctx
    with path.open("rb") as f:
        reader = Reader(MmapSource(f))
        header = reader.header()
        meta = reader.metadata()
    breaks = [float(b) for b in meta.get("breaks", [])]
    legend = _legend(breaks)
    bounds = [header[k] / 1e7 for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7")]
    labels = {p: FIGURES[p]["label"] for p in (FILL, *PROPERTIES) if p in FIGURES}
    ctx.update(available=True, legend=legend, map_config={
        "url": url_for("national.tiles_archive", name=ARCHIVE, v=int(path.stat().st_mtime)),
        "worker": url_for("vendor.asset", name="maplibre-gl",
                          filename="dist/maplibre-gl-csp-worker.js"),
        "bounds": bounds, "minZoom": header["min_zoom"], "maxZoom": header["max_zoom"],
        "overview": OVERVIEW_LAYER, "areas": AREAS_LAYER, "fill": FILL,
        "colours": {str(row["cls"]): row["colour"] for row in legend},
        "labels": labels,
        "text": {"zoomIn": _("Zoom in to pick a small area."), "code": _("Code"),
                 "noFigure": _("No figure"),
                 "mapLabel": _("Map of small areas shaded by %(figure)s",
                               figure=FIGURES[FILL]["label"])},
        "attribution": meta.get("attribution", ""),
    })
    return ctx
