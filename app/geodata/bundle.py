"""Import a whole folder of official files in one transaction.

With no manifest (the usual case) every file is recognised by its columns and
the council by its code: :func:`app.geodata.council_import.import_council`.
A manifest (YAML, ``DIR/manifest.yaml`` or ``--manifest``) lists steps in
order instead; each names a file in the folder and the import it goes through
(``geodata/herefordshire.yaml`` is an example).  See ``geodata/README.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from .boundaries import import_areas
from .errors import FilePath, GeodataError, ImportReport
from .indicators import import_deprivation, import_lsoa_lookup, import_rurality
from .population import import_population
from .postcodes import import_postcodes

REPO_MANIFEST = Path(__file__).resolve().parents[2] / "geodata" / "herefordshire.yaml"

#: Step kind -> (the import function, the manifest settings it takes).
STEPS: dict[str, tuple[Callable[..., ImportReport], set[str]]] = {
    "areas": (import_areas, {"level", "code_field", "name_field", "layer", "parent_level",
                             "edition"}),
    "lsoa_lookup": (import_lsoa_lookup, {"encoding"}),
    "deprivation": (import_deprivation, {"year", "encoding", "only_imported", "source"}),
    "rurality": (import_rurality, {"year", "encoding", "only_imported", "source"}),
    "population": (import_population, {"year", "encoding", "only_imported", "source"}),
    "postcodes": (import_postcodes, {"encoding", "source"}),
}


# A manifest as read from YAML: ``steps``, each checked for ``kind`` and ``file``, its
# other settings passed on to the step's import function as keyword arguments.
Manifest = dict[str, Any]


def load_manifest(path: FilePath) -> Manifest:
    """Read and check a bundle's ``manifest.yaml`` (a :class:`GeodataError` names the problem)."""
    path = Path(path)
    if not path.is_file():
        raise GeodataError(path, "manifest not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise GeodataError(path, f"is not a readable YAML manifest ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        raise GeodataError(path, "the manifest needs a non-empty list 'steps'")
    for number, step in enumerate(data["steps"], start=1):
        if not isinstance(step, dict) or step.get("kind") not in STEPS or not step.get("file"):
            raise GeodataError(path, f"step {number} needs 'kind' (one of {', '.join(STEPS)}) "
                               "and 'file'")
        unknown = set(step) - STEPS[step["kind"]][1] - {"kind", "file", "optional"}
        if unknown:
            raise GeodataError(path, f"step {number} ({step['kind']}) has unknown settings: "
                               f"{', '.join(sorted(unknown))}")
    return data


def import_bundle(session: Session, directory: FilePath, *, manifest: FilePath | None = None,
                  derive: bool = True,
                  age_min: int = 13, age_max: int = 19,
                  code: str | None = None) -> list[ImportReport]:
    """Import the folder inside the caller's transaction: by its manifest, else by content.

    The caller commits on success and rolls back on :class:`GeodataError`, so
    a failing step leaves the database as it was before the bundle.
    ``code``: the council's ONS code (without a manifest; else inferred).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise GeodataError(directory, "is not a folder")
    if manifest is None:
        manifest = directory / "manifest.yaml"
        if not manifest.is_file():
            from .council_import import import_council

            return import_council(session, directory, code, derive=derive,
                                  age_min=age_min, age_max=age_max)
    data = load_manifest(manifest)
    reports: list[ImportReport] = []
    for step in data["steps"]:
        function, allowed = STEPS[step["kind"]]
        path = directory / step["file"]
        if not path.exists():
            if step.get("optional"):
                continue
            raise GeodataError(path, f"the manifest {Path(manifest).name} names this file but "
                               f"it is not in {directory}")
        kwargs = {k: v for k, v in step.items() if k in allowed}
        if "edition" in kwargs:
            kwargs["edition"] = str(kwargs["edition"])
        reports.append(function(session, path, **kwargs))
    if derive:
        from .derived import store_derived_figures

        reports.extend(store_derived_figures(session, age_min=age_min, age_max=age_max))
    return reports
