"""The README stays short and every relative link in it and in docs/ leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..conftest import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _prose(text: str) -> str:
    return INLINE_CODE.sub("", FENCE.sub("", text))


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading)
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for line in FENCE.sub("", path.read_text(encoding="utf-8")).splitlines():
        m = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = github_anchor(m.group(1))
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def relative_links(path: Path) -> list[str]:
    targets = LINK.findall(_prose(path.read_text(encoding="utf-8")))
    return [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:", t, re.I)]


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in relative_links(path):
        file_part, _, fragment = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists():
            broken.append(f"{target} (no such file)")
        elif fragment and dest.suffix == ".md" and fragment not in anchors(dest):
            broken.append(f"{target} (no heading #{fragment} in {dest.name})")
    return broken


def test_readme_is_under_12_kb():
    size = len(README.read_bytes())
    assert size < 12 * 1024, f"README.md is {size} bytes; move detail into docs/"


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: p.name)
def test_every_relative_link_resolves(path):
    assert relative_links(path) or path != README
    assert broken_links(path) == []


def test_readme_starts_with_the_two_commands_and_links_every_method_doc():
    text = README.read_text(encoding="utf-8")
    first_block = FENCE.search(text).group(0)
    assert "bash scripts/serve-demo.sh" in first_block
    assert "bash scripts/test.sh" in first_block
    linked = {Path(t.partition("#")[0]).name for t in relative_links(README)}
    for name in ("SURVEYS.md", "GEOGRAPHY.md", "DIRECTORY.md", "GAPS.md", "PLANNING.md",
                 "TRUST.md", "DEPLOYMENT.md", "DEVELOPING.md", "BENCHMARKS.md",
                 "CONFIGURATION.md", "gap-map.png"):
        assert name in linked, f"README.md does not link {name}"


def test_no_build_markers_left():
    for path in [README, *DOCS]:
        assert "<!-- section:" not in path.read_text(encoding="utf-8"), path.name


def test_the_link_checker_catches_a_broken_file_and_a_broken_anchor(tmp_path):
    (tmp_path / "a.md").write_text("# Top\n\n## Abuse limits (`app/x.py`)\n")
    page = tmp_path / "b.md"
    page.write_text("[ok](a.md#abuse-limits-appxpy) [gone](missing.md) [bad](a.md#nowhere) "
                    "`[code](ignored.md)` [web](https://example.org/x)\n")
    assert broken_links(page) == ["missing.md (no such file)",
                                  "a.md#nowhere (no heading #nowhere in a.md)"]


# -- what the docs name exists (issue 28) ------------------------------------------------

CODE_PATH = re.compile(r"(?<![\w/.-])((?:[\w-]+/)+[\w-]+\.(?:py|html|yaml|yml|json|sh|css|js))\b")
ENV_NAME = re.compile(r"^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=.*)?$")
CODE_FILES = [p for pattern in ("app/**/*.py", "tests/**/*.py", "bench/*.py", "scripts/*.sh",
                                "gunicorn.conf.py", "wsgi.py", ".ci/run")
              for p in ROOT.glob(pattern)]


def _code_spans(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return INLINE_CODE.findall(text) + FENCE.findall(text)


def named_paths(path: Path) -> list[str]:
    """Files of the project a page names in code spans (``app/x.py``, ``planning/x.py``)."""
    return [p for span in _code_spans(path) for p in CODE_PATH.findall(span)
            if not p.split("/")[0].isupper()]  # DIR/manifest.yaml: a placeholder


def missing_paths(path: Path) -> list[str]:
    return [p for p in named_paths(path)
            if not any((base / p).exists() for base in (ROOT, ROOT / "app", ROOT / "tests"))]


def unknown_variables(path: Path, code: str) -> list[str]:
    """UPPER_SNAKE names a page gives in code spans that are neither a setting in
    ``app/config.py`` nor a name the code, tests or scripts use."""
    from app.config import SETTINGS

    settings = {s.variable for s in SETTINGS} | {s.name for s in SETTINGS}
    names = {m.group(1) for span in INLINE_CODE.findall(path.read_text(encoding="utf-8"))
             if (m := ENV_NAME.match(span.strip("`").strip()))}
    return sorted(n for n in names if n not in settings and n not in code)


# (not in quotes: 'app.council_id' is PostgreSQL's setting, not a module)
DOTTED = re.compile(r"(?<![\w./'-])(app(?:\.\w+)+)")
BARE_FILE = re.compile(r"(?<![\w/.*-])([\w-]+\.(?:py|html|yaml|yml|json|sh|css|js))\b")
SKIP_DIRS = {"__pycache__", "instance", "node_modules"}


def project_file_names() -> set[str]:
    """The name of every file in the project (not the virtual environment or caches)."""
    import os

    names = set()
    for _folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS]
        names.update(files)
    return names


def missing_file_names(path: Path, names: set[str]) -> list[str]:
    """Bare file names a page gives in code spans (``partner_routes.py``) that no
    file in the project has."""
    return sorted({n for span in _code_spans(path) for n in BARE_FILE.findall(span)
                   if n not in names})


def _resolves(dotted: str) -> bool:
    """``app.x.y``: the longest prefix that is a module of app/, and the next name
    defined or imported in it (a word of its source); or an attribute of a Flask app
    (``app.url_map``, ``app.config``), which is what ``app`` means in some examples."""
    parts = dotted.split(".")
    for i in range(len(parts), 1, -1):
        base = ROOT.joinpath(*parts[:i])
        for module in (base.with_suffix(".py"), base / "__init__.py"):
            if module.exists():
                rest = parts[i:]
                return not rest or re.search(rf"\b{re.escape(rest[0])}\b",
                                             module.read_text(encoding="utf-8")) is not None
    from flask import Flask

    return hasattr(Flask("docs_check"), parts[1])


def unknown_modules(path: Path) -> list[str]:
    """Dotted names of app code a page gives in code spans (``app.inputs.areas.areas``)
    that name no module, or a name its module does not have."""
    return sorted({m for span in _code_spans(path) for m in DOTTED.findall(span)
                   if not _resolves(m)})


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: p.name)
def test_every_file_and_setting_the_docs_name_exists(path):
    code = "\n".join(p.read_text(encoding="utf-8") for p in CODE_FILES)
    assert missing_paths(path) == []
    assert unknown_variables(path, code) == []
    assert missing_file_names(path, project_file_names()) == []
    assert unknown_modules(path) == []


PROSE_PATH = re.compile(r"(?<![\w/.-])((?:app|tests|bench|scripts|templates)/(?:[\w-]+/)*"
                        r"[\w-]+\.(?:py|html|yaml|yml|json|sh|css|js))\b")


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: p.name)
def test_every_path_named_outside_code_spans_exists(path):
    """A path written in plain prose (not in backticks) is checked too."""
    prose = _prose(path.read_text(encoding="utf-8"))
    assert [p for p in PROSE_PATH.findall(prose) if not (ROOT / p).exists()] == []


def test_the_readme_settings_table_gives_each_settings_real_default():
    from app.config import SETTINGS

    by_name = {s.variable: s for s in SETTINGS}
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Main settings"):]
    table = table[:table.index("\n## ", 3)]
    rows = re.findall(r"^\| *(`[^|]+`) *\| *([^|]+?) *\|", table, re.M)
    assert len(rows) >= 8
    for names, default in rows:
        names = re.findall(r"`([A-Z_]+)`", names)
        shown = re.findall(r"`([^`]*)`", default) or [default.strip()]
        for name, value in zip(names, shown * len(names) if len(shown) == 1 else shown,
                               strict=True):
            s = by_name[name]
            real = s.shown_default if s.shown_default is not None else s.default
            if callable(real):
                continue  # depends on APP_ENV: the table says so in words
            real = str(real).strip("`")
            assert re.match(re.escape(value) + r"($| \()", real) or value.startswith("(") \
                or (real == "" and value == "empty"), (name, value, real)


def test_the_docs_check_finds_a_missing_file_and_an_unknown_setting(tmp_path):
    page = tmp_path / "x.md"
    page.write_text("See `app/survey/sdc.py`, `planning/data.py` and `app/config.py`; "
                    "set `NO_SUCH_SETTING=1` or `SECRET_KEY`.\n")
    assert missing_paths(page) == ["app/survey/sdc.py", "planning/data.py"]
    assert unknown_variables(page, "") == ["NO_SUCH_SETTING"]


def test_the_docs_check_finds_a_stale_module_and_file_name(tmp_path):
    page = tmp_path / "x.md"
    page.write_text("See `app.loaders.context_near`, `app.inputs.map_context.context_near`, "
                    "`app.inputs.areas.no_such_function`, `app.url_map`, `partner_views.py`, "
                    "`partner_routes.py` and route modules named `*_routes.py`.\n")
    assert unknown_modules(page) == ["app.inputs.areas.no_such_function", "app.loaders.context_near"]
    assert missing_file_names(page, project_file_names()) == ["partner_views.py"]
