"""The site navigation.  A link shows only when its page exists and the viewer may open it."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from .i18n import N_

# (endpoint, label); order is the order shown.  Pages that later issues add
# appear automatically once their endpoint is registered.
NAV = (
    ("survey.start", N_("Have your say")),  # public links: translated where shown (base.html)
    ("directory.index", N_("Find activities")),
    ("gaps.map_page", "Gap map"),
    ("gaps.table", "Ranked areas"),
    ("gaps.evidence", "Evidence pack"),
    ("survey.results_index", "Survey results"),
    ("directory.manage", "Manage directory"),
    ("partners.overview", "Partners"),
    ("partners.dashboard", "Your listings"),
    ("planning.index", "Planning"),
    ("survey.safeguarding_queue", "Safeguarding queue"),
    ("admin.users", "Accounts"),
    ("admin.audit", "Audit trail"),
    ("admin.publish", "Publish figures"),
    ("admin.geodata_import", "Import geography"),
    ("national_admin.councils", "Councils"),
)


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def _roles(endpoint: str):
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_roles", None)


def nav_links(staff_only: bool = False):
    out = []
    for endpoint, label in NAV:
        roles = _roles(endpoint)
        if roles is None:
            continue
        if roles == "public":
            if staff_only:
                continue
            # Staff see staff links; the public survey link stays for everyone.
            out.append((endpoint, label, roles))
        elif current_user.is_authenticated and current_user.role in roles:
            out.append((endpoint, label, roles))
    return out


def init_app(app) -> None:
    app.jinja_env.globals["nav_links"] = nav_links
    app.jinja_env.globals["has_endpoint"] = has_endpoint
