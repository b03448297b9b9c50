"""Councils as tenants on one deployment (issue 27; docs/TENANCY.md).

The current council is found once per request: a path prefix (``/herefordshire/...``,
moved into ``SCRIPT_NAME`` so every ``url_for`` keeps it) or the request's host
name; a request matching no council is the default council's
(``DEFAULT_COUNCIL_CODE``).  :mod:`app.tenancy.scoping` does the rest.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_app_context, request
from sqlalchemy import or_, select
from sqlalchemy.exc import DBAPIError

from ..disclosure import follow_council
from ..models.tenancy import DEFAULT, Council, reset_current, set_current
from . import scoping  # noqa: F401 - registers the listeners

ENVIRON_KEY = "yvm.council_id"


class CouncilDispatcher:
    """WSGI middleware: find the council from the path prefix or the host name."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        first = path.lstrip("/").split("/", 1)[0].lower()
        host = (environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "").lower()
        with self.app.app_context():
            from ..extensions import db

            try:
                with db.engine.connect() as conn:
                    rows = conn.execute(select(Council.id, Council.path_prefix, Council.host)
                                        .where(or_(Council.path_prefix == first,
                                                   Council.host == host,
                                                   Council.host == host.split(":")[0]))).all()
            except DBAPIError:  # no schema yet (before `flask db upgrade`): the default
                rows = []
        by_prefix = [r for r in rows if first and r.path_prefix == first]
        if by_prefix:
            environ[ENVIRON_KEY] = by_prefix[0].id
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + first
            environ["PATH_INFO"] = path[len(first) + 1:] or "/"
        elif rows:
            environ[ENVIRON_KEY] = rows[0].id
        return self.wsgi_app(environ, start_response)


def _enter_council() -> None:
    g.yvm_council_token = set_current(request.environ.get(ENVIRON_KEY))


def _leave_council(exc=None) -> None:
    token = g.pop("yvm_council_token", None)
    if token is not None:
        try:
            reset_current(token)
        except ValueError:  # set in another context (a copied one): nothing to undo
            pass


def current_council():
    """The current council's row (the default council's when none was set), looked
    up once per request."""
    from flask import has_request_context

    from ..extensions import db
    from ..models.tenancy import resolve_council_id

    council_id = resolve_council_id(db.session.connection())
    cached = g.get("yvm_council") if has_request_context() else None
    if cached is not None and cached[0] == council_id:
        return cached[1]
    council = db.session.get(Council, council_id)
    if has_request_context():
        g.yvm_council = (council_id, council)
    return council


def council_setting(name: str, council: Council | None = None):
    """A setting as a council has it (``council``, default the current council): its
    override, its own name for a council that is not the deployment's own, else the
    app's config."""
    council = council if council is not None else current_council()
    if council is not None and name in (council.settings or {}):
        return council.settings[name]
    if name == "COUNCIL_NAME" and council is not None and council.code != DEFAULT["code"]:
        return council.name
    return current_app.config[name]


def council_settings_now() -> dict:
    """The current council's own settings ({} outside an app context): the
    disclosure rule (app.disclosure) follows its raised threshold."""
    if not has_app_context():
        return {}
    council = current_council()
    return dict(council.settings or {}) if council is not None else {}


def init_app(app: Flask) -> None:
    DEFAULT["code"] = app.config.get("DEFAULT_COUNCIL_CODE") or DEFAULT["code"]
    DEFAULT["name"] = app.config.get("COUNCIL_NAME") or DEFAULT["name"]
    follow_council(council_settings_now)
    app.wsgi_app = CouncilDispatcher(app, app.wsgi_app)  # type: ignore[method-assign]
    # First, before anything reads the database for this request.
    app.before_request_funcs.setdefault(None, []).insert(0, _enter_council)
    app.teardown_request(_leave_council)
