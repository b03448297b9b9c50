"""Run in a fresh interpreter: import every module of the packages named on the
command line and print, as JSON, each one after whose import a web module
(Flask, its extensions, WTForms, Werkzeug) had been imported, with the chain of
``app`` files that imported it.  Used by ``test_flask_free.py``."""

from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import sys
import traceback

WEB = ("flask", "flask_", "wtforms", "werkzeug")


def _web(name: str) -> bool:
    return any(name == w or name.startswith(w if w.endswith("_") else w + ".") or
               (w.endswith("_") and name.startswith(w)) for w in WEB)


def _ours(filename: str) -> bool:
    """Whether a frame is project code (not the probe, importlib or a library)."""
    return not (filename.startswith("<") or filename == __file__ or "site-packages" in filename
                or filename.startswith(sys.base_prefix))


class _Watch:
    """A meta path finder that only notes who asked for a web module first."""

    first: list[str] | None = None

    def find_spec(self, name, path=None, target=None):  # noqa: D102
        if _web(name) and _Watch.first is None:
            _Watch.first = [f"{f.filename}:{f.lineno}" for f in traceback.extract_stack()
                            if _ours(f.filename)]
        return None


def names(packages: list[str]) -> list[str]:
    """Every module of ``packages`` (a plain module stands for itself)."""
    out = []
    for name in packages:  # found without importing them (only their parents)
        spec = importlib.util.find_spec(name)
        out.append(name)
        if spec is not None and spec.submodule_search_locations is not None:
            out += [info.name for info in
                    pkgutil.walk_packages(spec.submodule_search_locations, name + ".")]
    return out


def main(packages: list[str]) -> dict[str, list[str]]:
    """{module: import chain} for each module that brought a web module in."""
    sys.meta_path.insert(0, _Watch())
    found: dict[str, list[str]] = {}
    for name in names(packages):
        importlib.import_module(name)
        if any(_web(m) for m in sys.modules):
            found[name] = _Watch.first or ["(already imported)"]
            break  # the rest would only repeat it
    return found


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
