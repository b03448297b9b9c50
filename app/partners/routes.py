"""Importing this module registers every partner view on :data:`app.partners.bp`
(the factory registers the blueprint from here; the package itself imports no
views, so there is no import cycle)."""

from __future__ import annotations

from . import bp, partner_routes, public_routes, staff_routes  # noqa: F401 - register the views

__all__ = ["bp", "init_app"]


def init_app(app) -> None:
    from ..directory.forms import REPORT_KINDS
    from ..models.directory import ORGANISATION_KINDS
    from ..models.partners import CHANGE_STATES
    from ..ratelimit import EXTENSION
    from .rows import session_summary

    app.jinja_env.globals.update(report_kinds=dict(REPORT_KINDS), change_states=CHANGE_STATES,
                                 organisation_kinds=ORGANISATION_KINDS,
                                 session_summary=session_summary)

    # Setting a password by invitation is throttled like signing in: per address, and
    # failures (a wrong, used or expired link; a refused password) per address.  (The
    # check-in link needs no throttle: its 256-bit token cannot be guessed, and an
    # organisation with many listings confirms them one click at a time.)
    limiter = app.extensions.get(EXTENSION)
    if limiter is not None:
        limiter.add_endpoint("login", "partners.accept_invite_page")
