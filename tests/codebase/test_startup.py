"""A process that starts the app (a web worker, an RQ worker, every `flask` command)
does not load libraries only a few pages or commands use.

Importing them made each start cost several seconds of CPU: mapclassify brings SciPy's
statistics, scikit-learn and matplotlib; pyxform brings openpyxl and xlrd.  They are
imported where they are used (a choropleth's classes, an XLSForm read or written).
Nor does it hash the dummy password an unknown address is checked against (argon2,
64 MiB) before a sign-in needs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

HEAVY = ("mapclassify", "sklearn", "matplotlib", "scipy.stats", "pyxform", "openpyxl", "xlrd")


def _loaded_after_start() -> dict:
    code = (
        "import json, sys\n"
        "from app import create_app\n"
        "create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "from app.auth.passwords import dummy_hash\n"
        "hashed = ['argon2 dummy hash'] if dummy_hash.cache_info().currsize else []\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules] + hashed))\n"
    )
    env = {**os.environ, "APP_ENV": "testing"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_starting_the_app_loads_no_library_only_some_pages_need():
    assert _loaded_after_start() == []


def test_the_libraries_still_load_where_they_are_used():
    from app.analysis.classify import classify

    found = classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], k=5)
    assert len(found.bins) == 5 and "mapclassify" in sys.modules
