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
