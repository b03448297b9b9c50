"""One CRS constant: British National Grid and WGS 84 are named only in
``app/geodata/crs.py`` (``BNG``, ``WGS84``, ``BNG_EPSG``, ``WGS84_EPSG``).

The check reads the code, not the prose: docstrings and comments may say
"EPSG:27700"; a string or number the code passes to pyproj or geopandas may not.
"""

from __future__ import annotations

import ast
import re

from ..conftest import ROOT

APP = ROOT / "app"
CONSTANTS = APP / "geodata" / "crs.py"
CODES = (27700, 4326)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings or bare string statements."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)}


def crs_literals(source: str, filename: str = "<string>") -> list[tuple[int, str]]:
    """(line, literal) for each CRS code written in the code of ``source``."""
    tree = ast.parse(source, filename=filename)
    prose = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in prose:
            continue
        value = node.value
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and value in CODES:
            found.append((node.lineno, repr(value)))
        elif isinstance(value, str) and (value.strip() in {str(c) for c in CODES}
                                         or "EPSG:27700" in value or "EPSG:4326" in value
                                         or re.search(r"\bEPSG:?\s*(27700|4326)", value)):
            found.append((node.lineno, repr(value)))
    return found


def test_crs_codes_are_written_only_in_the_constants_module():
    found = []
    for path in sorted(APP.rglob("*.py")):
        if path == CONSTANTS:
            continue
        rel = path.relative_to(ROOT).as_posix()
        for line, literal in crs_literals(path.read_text(encoding="utf-8"), rel):
            found.append(f"{rel}:{line}: {literal}")
    assert found == [], ("use BNG / WGS84 (or BNG_EPSG / WGS84_EPSG) from app.geodata.crs:\n"
                         + "\n".join(found))


def test_the_check_finds_strings_and_numbers_but_not_prose():
    source = '''"""Kept in EPSG:27700."""
import pyproj
def f(frame):
    """Reprojects to EPSG:4326."""
    t = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326")  # EPSG:27700 in a comment
    u = frame.to_crs(4326)
    v = frame.crs.to_epsg() != 27700
    w = str(frame.crs).endswith("27700")
    return f"reprojected to EPSG:27700 {t}", u, v, w, 4327, "EPSG:2770"
'''
    assert [line for line, _ in crs_literals(source)] == [5, 5, 6, 7, 8, 9]


def test_the_constants_say_what_the_literals_said():
    from app.geodata import crs

    assert (crs.BNG, crs.WGS84, crs.BNG_EPSG, crs.WGS84_EPSG) == (
        "EPSG:27700", "EPSG:4326", 27700, 4326)
    import pyproj

    assert pyproj.CRS(crs.BNG).name == "OSGB36 / British National Grid"
    assert pyproj.CRS(crs.WGS84).name == "WGS 84"
