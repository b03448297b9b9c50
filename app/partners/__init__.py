"""Partner organisations keep their own listings.

* ``partner_views``: a partner's own listings, buildings, check-ins, reports,
  import and export (role ``partner``, scoped to its organisation);
* ``staff_views``: organisations, contacts, invitations and the review queue
  (commissioners), and the partners page (commissioners and councillors);
* ``public_views``: the invitation link and the per-organisation check-in link.

Views call one function of ``service`` (the session, commits and 404s); the logic
lives in the Flask-free modules beside them (``changes``,
``listings``, ``invites``, ``organisations``, ``overview``, ``rows``).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners", __name__)


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


from . import partner_views, public_views, staff_views  # noqa: E402,F401 - register the views
