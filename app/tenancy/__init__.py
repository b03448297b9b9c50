"""Councils as tenants on one deployment (issue 27; docs/TENANCY.md).

* :mod:`app.tenancy.scoping`: every ORM query and write scoped to the current
  council (no Flask: domain code and workers use it too);
* :mod:`app.tenancy.rls`: PostgreSQL row-level security, so the database enforces it;
* :mod:`app.tenancy.web`: the council of each request (path prefix or host name);
* :mod:`app.tenancy.service`: adding and listing councils (the national admin's page is
  :mod:`app.national_admin`).

Nothing here but :mod:`app.tenancy.web` imports Flask.
"""
