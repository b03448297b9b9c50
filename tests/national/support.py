"""Feeding fabricated councils to the national page (as a deployment with many
councils would), with services from the test database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from app.models import Service
from app.models.tenancy import default_council_id
from app.national.service import Feed
from tests.directory.helpers import make_service

from .fabricated import three

HOSTILE = '<script>alert("x")</script> & "Council"'
FORMULA = '=HYPERLINK("http://evil.example","Click")'


def hostile_three():
    """The three councils, Gamma with a name that is markup and Beta with one that is
    a spreadsheet formula."""
    gamma, beta, alpha = three()
    return [replace(gamma, name=HOSTILE, attribution=f"Contains data from {HOSTILE}."),
            replace(beta, name=FORMULA), alpha]


def feed(monkeypatch, db, councils=None):
    """Serve ``councils`` (default: :func:`hostile_three`) on the national page; each
    gets services of its own from the database."""
    councils = councils or hostile_three()
    made: list[list[Service]] = []
    for n, release in enumerate(councils):
        made.append([make_service(db.session, name=f"Club {n} {release.name}",
                                  funding_end=date(2030, 1, 1),
                                  sessions=[(n % 7, time(18), time(20), False)])])
    ids = [[s.id for s in group] for group in made]

    def feeds(progress=None):
        own = default_council_id(db.session.connection())  # the services were made there
        return [Feed(r, own, lambda group=group: [db.session.get(Service, i) for i in group])
                for r, group in zip(councils, ids, strict=True)]

    monkeypatch.setattr("app.national.service.council_feeds", feeds)
    return councils
