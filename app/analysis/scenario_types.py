"""What a planning scenario passes around: a change, a council building, a service record.

Types only, no behaviour: :mod:`.scenario` checks and applies changes,
:mod:`.comparison` compares today with the result.

A change is a dict (a scenario keeps its changes as JSON in
``Scenario.changes``) with a ``kind``:

==================  =========================================================
``add``             a proposed service: ``name``, ``service_type``, either a
                    ``building_id`` (a council building) or ``x``/``y``
                    (EPSG:27700) with an optional ``place`` (how it was
                    given, in words: "ZZ1 2AB, near Brook"),
                    ``sessions_per_week``, ``capacity`` (places a
                    session), ``annual_cost`` (pounds a year to run it,
                    optional), ``cost_model``/``cost_amount`` (the price to
                    young people, free by default)
``close``           ``service_id``: the service stops
``make_free``       ``service_id``; optional ``annual_cost`` (what paying the
                    fees would cost the council)
``extend_grant``    ``service_id``, ``until`` (ISO date); optional
                    ``annual_cost``: the service keeps running past its cliff
``end_grant``       ``service_id``, optional ``on`` (ISO date): the grant ends
                    and the service is taken to stop
==================  =========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Required, TypedDict

#: A change as sent (a form, a saved scenario's JSON) before
#: :func:`.scenario.normalise_change` checks it: its values can be anything, hence ``Any``.
RawChange = Mapping[str, Any]

#: One service as a record: the columns of :func:`.services.services_frame`, mixed
#: values read from the database (as in :data:`.services.ServiceRows`).
ServiceRecord = dict[str, Any]

#: A proposed service's session: ``[weekday 0-6, "HH:MM", "HH:MM"]`` (a list, as in JSON).
Session = list[int | str]

ChangeKind = Literal["add", "close", "make_free", "extend_grant", "end_grant"]


class Building(TypedDict):
    """A council building a proposed service can be placed at (EPSG:27700)."""

    name: str | None
    x: float
    y: float


class Change(TypedDict, total=False):
    """A checked change (:func:`.scenario.normalise_change`); the fields per kind are above.

    :func:`.scenario.apply_changes` adds ``label`` (the change in plain English) and, to an
    ``add``, ``new_id`` (the proposed service's negative id).
    """

    kind: Required[ChangeKind]
    name: str
    service_type: str
    building_id: int
    x: float
    y: float
    place: str
    sessions: list[Session]
    sessions_per_week: float
    capacity: int
    cost_model: str
    cost_amount: float
    service_id: int
    until: str
    on: str
    annual_cost: float
    note: str
    label: str
    new_id: int
