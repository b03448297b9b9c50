"""Council-editable YAML files (search synonyms, safeguarding indicators, the themes
codebook): read once, re-read when the file changes, every problem naming the file.

Pure (no Flask).  One loader for the three, so that a fourth file gets the same
caching and the same messages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")


@lru_cache(maxsize=32)
def _read(path: str, mtime: float, compile_: Callable[[Any], Any], error: type[Exception],
          what: str) -> Any:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read {what} ({exc})") from None
    try:
        return compile_(data)
    except error as exc:
        message = str(exc)
        raise error(message if message.startswith(f"{path}:")
                    else f"{path}: {message}") from None


def load_yaml(path: Path | str, compile_: Callable[[Any], T], error: type[Exception],
              what: str) -> T:
    """``compile_`` of the YAML at ``path``, cached until the file's mtime changes
    (``compile_`` must be a module-level function: the cache keys on it).

    A file that cannot be read raises ``error`` ("PATH: cannot read WHAT (why)"); a
    problem ``compile_`` raises as ``error`` is given the path in front.
    """
    path = Path(path)
    result: T = _read(str(path), path.stat().st_mtime if path.exists() else 0.0,
                      compile_, error, what)
    return result
