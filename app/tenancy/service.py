"""Adding and listing councils (the ``council`` table is the one global table)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select

from ..config_values import setting_value
from ..models.tenancy import RAISE_ONLY, Council, validate_council, validate_settings
from .colours import contrast_problem, is_colour


class CouncilError(ValueError):
    """A council that cannot be added; the message says why."""


def add_council(session, code: str, name: str, *, host: str | None = None,
                path_prefix: str | None = None, colour_primary: str | None = None,
                colour_accent: str | None = None, settings: dict | None = None,
                region: str | None = None,
                deployment: Mapping[str, Any] | None = None) -> Council:
    """Add a council.  ``deployment``: the app's settings, whose disclosure
    thresholds are the least a council's settings may ask for."""
    code = (code or "").strip().upper()
    host = (host or "").strip().lower() or None
    path_prefix = (path_prefix or "").strip().strip("/").lower() or None
    region = (region or "").strip().upper() or None
    colour_primary, colour_accent = _colour(colour_primary), _colour(colour_accent)
    problems = validate_council(code, name, host, path_prefix, (colour_primary, colour_accent),
                                settings, region, floors(deployment or {}))
    problems += colour_problems(colour_primary, colour_accent)
    if problems:
        raise CouncilError(" ".join(problems))
    clash = session.scalar(select(Council).where(or_(
        Council.code == code,
        Council.host == host if host else False,
        Council.path_prefix == path_prefix if path_prefix else False)))
    if clash is not None:
        raise CouncilError(f"{clash.code} ({clash.name}) already has that code, host or path.")
    council = Council(code=code, name=name.strip(), host=host, path_prefix=path_prefix,
                      region=region,
                      colour_primary=colour_primary, colour_accent=colour_accent,
                      settings=dict(settings or {}))
    session.add(council)
    session.commit()
    return council


def _colour(value: str | None) -> str | None:
    return (value or "").strip().lower() or None


def colour_problems(*colours: str | None) -> list[str]:
    """Council colours (well-formed ones: :func:`validate_council` names the others)
    that no text can be read on: neither white nor near-black reaches 4.5:1."""
    found = (contrast_problem(c) for c in colours if c and is_colour(c))
    return [problem for problem in found if problem]


def set_colours(session, code: str, colour_primary: str | None,
                colour_accent: str | None) -> Council:
    """Give council ``code`` these colours (``None``: none, the app's own)."""
    council = council_by_code(session, code)
    if council is None:
        raise CouncilError(f"There is no council {code!r} (flask councils list).")
    colour_primary, colour_accent = _colour(colour_primary), _colour(colour_accent)
    problems = [f"{c!r} is not a colour like #1d70b8." for c in (colour_primary, colour_accent)
                if c and not is_colour(c)]
    problems += colour_problems(colour_primary, colour_accent)
    if problems:
        raise CouncilError(" ".join(problems))
    council.colour_primary, council.colour_accent = colour_primary, colour_accent
    session.commit()
    return council


def list_councils(session) -> list[Council]:
    return list(session.scalars(select(Council).order_by(Council.code)))


def council_by_code(session, code: str) -> Council | None:
    return session.scalar(select(Council).where(Council.code == (code or "").strip().upper()))


def floors(deployment: Mapping[str, Any]) -> dict[str, int]:
    """The deployment's own value of each threshold a council may only raise."""
    return {name: int(setting_value(deployment, name)) for name in RAISE_ONLY}


def change_settings(session, code: str, settings: dict,
                    deployment: Mapping[str, Any] | None = None) -> tuple[Council, list[str]]:
    """Replace council ``code``'s settings with ``settings`` (validated: a threshold
    may only go up, never below the deployment's).  Returns the council and the
    names of the disclosure thresholds that changed (the caller then publishes a
    new snapshot for it, so no figure keeps a value the new threshold hides)."""
    council = council_by_code(session, code)
    if council is None:
        raise CouncilError(f"No council {code!r} (see flask councils list).")
    before = dict(council.settings or {})
    problems = validate_settings(settings, floors(deployment or {}), before)
    if problems:
        raise CouncilError(" ".join(problems))
    council.settings = dict(settings)
    session.commit()
    return council, [k for k in RAISE_ONLY if before.get(k) != settings.get(k)]
