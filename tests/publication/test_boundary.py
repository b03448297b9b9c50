"""The publication boundary is a structure of the code: only the publication layer
(and survey storage, safeguarding, retention and the admin's record-level export)
reads response or answer rows.  A view or export that read them would fail here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"

# Modules allowed to touch the response and answer rows, and why.
ALLOWED = {
    "publication/microdata.py": "the publication layer's one reader",
    "survey/store.py": "stores a submission; the admin's record-level export",
    # The queue's views (survey/safeguarding_routes.py) only render; the reading moved here.
    "survey/review_service.py": "the safeguarding lead reads one flagged answer",
    # The coding page (safeguarding lead, admin: the roles that may read free text)
    # reads free-text answers to suggest and confirm themes; counts of themes leave
    # only through app/publication/themes.py.
    "survey/themes_service.py": "a person codes free-text answers into themes",
    "cli/retention.py": "deletes old free text",
    "cli/surveys.py": "operator's command line (server access), not a publication",
    "demo/responses.py": "writes the demo county's responses",
    "demo/__init__.py": "wipes the demo database",
}
MODELS = {"Response", "Answer"}
TABLES = re.compile(r"\b(from|join|into|update)\s+(response|answer)\b", re.I)


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("models"):
            found += [f"imports {a.name}" for a in node.names if a.name in MODELS]
        elif isinstance(node, ast.ImportFrom) and node.module and \
                node.module.endswith("models.survey"):
            found += [f"imports {a.name}" for a in node.names if a.name in MODELS]
        elif isinstance(node, ast.Attribute) and node.attr in ("Response", "Answer") and \
                isinstance(node.value, ast.Name) and node.value.id == "models":
            found.append(f"uses models.{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                TABLES.search(node.value):
            found.append(f"SQL on the response/answer tables: {node.value[:60]!r}")
        elif isinstance(node, ast.Attribute) and node.attr in ("answers", "response") and \
                isinstance(node.value, ast.Name) and node.value.id not in ("flag", "self", "picture", "release"):
            # (``picture.answers``: a NationalPicture's answer tables, already published;
            # ``release.answers``: a council's published release's answer counts)
            # relationship navigation, e.g. campaign.response / r.answers
            if node.attr == "answers":
                found.append(f"reads {node.value.id}.answers")
    return found


def test_only_the_publication_layer_reads_response_rows():
    problems = {}
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(APP).as_posix()
        if rel.startswith(("models/", "publication/")) or rel in ALLOWED:
            continue
        found = _offences(path)
        if found:
            problems[rel] = found
    assert not problems, problems


def test_the_check_catches_a_view_reading_responses(tmp_path):
    bad = tmp_path / "view.py"
    bad.write_text("from ..models import Area, Response\n"
                   "def v(s):\n    return s.execute('SELECT count(*) FROM response')\n")
    found = _offences(bad)
    assert "imports Response" in found
    assert any("SQL" in f for f in found)


def test_the_allowed_list_is_still_needed():
    """Every exception still reads the rows (a stale exception would hide a new reader)."""
    for rel in ALLOWED:
        path = APP / rel
        assert path.exists(), rel
        assert _offences(path), f"{rel} no longer reads responses: drop it from ALLOWED"
