"""Partner organisations keep their own listings.

* ``partner_routes``: a partner's own listings, buildings, check-ins, reports,
  import and export (role ``partner``, scoped to its organisation);
* ``staff_routes``: organisations, contacts, invitations and the review queue
  (commissioners), and the partners page (commissioners and councillors);
* ``public_routes``: the invitation link and the per-organisation check-in link.

Views call one function of ``service`` (the session, commits and 404s); the logic
lives in the Flask-free modules beside them (``changes``,
``listings``, ``invites``, ``organisations``, ``overview``, ``rows``).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners", __name__)
