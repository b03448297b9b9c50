"""Councils as tenants on one deployment (issue 27; docs/TENANCY.md).

* :mod:`app.tenancy.scoping`: every ORM query and write scoped to the current
  council (no Flask: domain code and workers use it too);
* :mod:`app.tenancy.rls`: PostgreSQL row-level security, so the database enforces it;
* :mod:`app.tenancy.web`: the council of each request (path prefix or host name);
* :mod:`app.tenancy.service`: adding and listing councils (the national admin's page is
  :mod:`app.national_admin`);
* :mod:`app.tenancy.table`: the ``council`` table, kept per process for
  ``COUNCIL_CACHE_SECONDS``;
* :mod:`app.tenancy.colours`: a council's header colours, with readable text on them;
* :mod:`app.tenancy.logs`: the council's code on every log record.

Nothing here but :mod:`app.tenancy.web` imports Flask.
"""
