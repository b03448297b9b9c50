"""The app's URL converters: ``<int:...>`` in a path takes only an id a table can hold.

:class:`BoundedIntConverter` replaces werkzeug's ``int`` converter, so a path with
an id past :data:`app.number_input.MAX_ID` (past a PostgreSQL integer column)
does not match and answers 404, instead of reaching the database, where SQLite
and PostgreSQL both fail on integers past 64 bits.  The factory calls
:func:`init_app` before any blueprint is registered.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

from .number_input import MAX_ID

__all__ = ["BoundedIntConverter", "init_app"]


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in a URL: a path with an id past ``MAX_ID`` does not match (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
