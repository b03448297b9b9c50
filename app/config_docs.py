"""docs/CONFIGURATION.md, written from the settings table in :mod:`app.config`.

Kept apart from the table so that ``app/config.py`` holds the settings and how they are
read, and this module only how they are shown (``python -m app.config`` prints it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config_setting import Setting


def _shown(setting: Setting) -> str:
    if setting.shown_default is not None:
        return setting.shown_default
    value = setting.default
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`" if value != "" else "empty"


def settings_markdown(settings: tuple[Setting, ...]) -> str:
    """docs/CONFIGURATION.md: the table of every setting in ``settings``."""
    rows = [
        "# Configuration",
        "",
        "Every setting is an environment variable, read once when the app starts, in "
        "`app/config.py` (which this page is generated from: "
        "`python -m app.config > docs/CONFIGURATION.md`). A value that is not of the setting's "
        "type stops the app with a message naming the variable.",
        "",
        "| Variable | Type | Default | Meaning |",
        "|---|---|---|---|",
    ]
    kinds = {str: "text", int: "whole number", float: "number", bool: "true/false"}
    for s in settings:
        rows.append(f"| `{s.variable}` | {kinds[s.type]} | {_shown(s)} | {s.doc} |")
    rows += [
        "",
        "Rate limits are written as the `limits` package parses them: `N per minute|hour|day`, "
        "several separated by `;`.",
        "",
        "The `flask --app wsgi users create` command reads the new account's password from "
        "`YVM_PASSWORD` when set (for scripts), instead of asking.",
    ]
    return "\n".join(rows) + "\n"
