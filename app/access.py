"""Who may see what.

Every view is marked either :func:`public` or with :func:`roles_required`.
``tests/foundation/test_access.py`` walks every URL rule and fails on a view
with neither mark, so a new page cannot ship unguarded.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from .models.users import ROLES, STAFF_ROLES


def public(view):
    """Mark a view as open to anyone, including anonymous young people."""
    view.access_roles = "public"
    return view


def roles_required(*roles: str):
    """Allow only signed-in staff holding one of ``roles``.

    Anonymous visitors are sent to the login page (JSON endpoints get 401);
    signed-in staff with another role get 403.
    """
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles {sorted(unknown)}; use some of {ROLES}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.access_roles = tuple(roles)
        return wrapped

    return decorator


STAFF = STAFF_ROLES  # council staff; partner accounts see only the partner pages
PARTNER = ("partner",)
PLANNERS = ("admin", "commissioner")
READERS = ("admin", "commissioner", "councillor")


def reader_signed_in() -> bool:
    """Is a reader of the gap figures (:data:`READERS`) signed in?  For public pages
    that add those figures for them (the national page's small-area map)."""
    return bool(current_user.is_authenticated and current_user.role in READERS)
