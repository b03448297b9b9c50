"""Councils as tenants on one deployment (issue 27; docs/TENANCY.md).

* :mod:`app.tenancy.scoping`: every ORM query and write scoped to the current
  council (no Flask: domain code and workers use it too);
* :mod:`app.tenancy.rls`: PostgreSQL row-level security, so the database enforces it;
* :mod:`app.tenancy.web`: the council of each request (path prefix or host name);
* :mod:`app.tenancy.service`: adding and listing councils.
"""

from flask import Blueprint

bp = Blueprint("tenancy", __name__)  # the national admin's page (app/tenancy/routes.py)
