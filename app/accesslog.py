"""An access log that names the route, never the values in its path.

``/survey/youth-voice/c/7KQ2`` is logged as ``/survey/<slug>/c/<code>``: a
campaign code names one school or youth group, and beside a time to the second
it could link a pupil to an answer.  Paths that match no route (404s, scans)
are logged as ``/<unmatched>``.  gunicorn loads :class:`RouteOnlyLogger` through
``logger_class`` in gunicorn.conf.py; :func:`route_template` is the pure part.
"""

from __future__ import annotations

from werkzeug.exceptions import HTTPException

try:  # gunicorn is the production server; the pure helper works without it
    from gunicorn.glogging import Logger
except ImportError:  # pragma: no cover
    Logger = object

UNMATCHED = "/<unmatched>"


def route_template(url_map, path: str, method: str = "GET") -> str:
    """The rule that ``path`` matches (``/survey/<slug>/c/<code>``), or ``/<unmatched>``."""
    try:
        rule, _args = url_map.bind("localhost").match(path, method=method, return_rule=True)
    except HTTPException as exc:
        # A redirect or a wrong method still names its route; anything else does not.
        if getattr(exc, "new_url", None) is None:
            try:
                rule, _args = url_map.bind("localhost").match(path, return_rule=True)
            except HTTPException:
                return UNMATCHED
        else:
            return UNMATCHED
    template = rule.rule
    for converter in ("int:", "float:", "path:", "string:", "uuid:"):
        template = template.replace("<" + converter, "<")
    return template


class RouteOnlyLogger(Logger):
    """gunicorn's logger with ``%(U)s`` replaced by the route template."""

    _url_map = None

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = route_template(self._map(), environ.get("PATH_INFO", "/"),
                                    environ.get("REQUEST_METHOD", "GET"))
        return atoms

    @classmethod
    def _map(cls):
        if cls._url_map is None:
            from wsgi import app

            cls._url_map = app.url_map
        return cls._url_map
