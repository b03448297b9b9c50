"""Councils as tenants on one deployment (issue 27; docs/TENANCY.md).

The current council is found once per request: a path prefix (``/herefordshire/...``,
moved into ``SCRIPT_NAME`` so every ``url_for`` keeps it) or the request's host
name; a request matching no council is the default council's
(``DEFAULT_COUNCIL_CODE``).  :mod:`app.tenancy.scoping` does the rest.  The
``council`` table is read from the process's copy (:mod:`app.tenancy.table`, at
most ``COUNCIL_CACHE_SECONDS`` old), so a request, static files included, costs
no query to find its council.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_app_context, has_request_context, request

from ..disclosure import follow_council
from ..models.tenancy import DEFAULT, Council, reset_current, set_current
from . import colours, logs, scoping  # noqa: F401 - scoping registers the listeners
from . import table as council_table

ENVIRON_KEY = "yvm.council_id"
TABLE_KEY = "yvm.councils"  # the council table the request was dispatched with


def _table(app: Flask | None = None) -> council_table.CouncilTable | None:
    """The council table as this request found it, else as this process has it
    (read again when older than ``COUNCIL_CACHE_SECONDS``)."""
    from ..extensions import db

    if app is None and has_request_context() and TABLE_KEY in request.environ:
        return request.environ[TABLE_KEY]
    app = app or current_app
    return council_table.councils(db.engine, float(app.config["COUNCIL_CACHE_SECONDS"]))


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
            councils = _table(self.app)
        environ[TABLE_KEY] = councils  # the same table for the rest of the request
        found, by_prefix = councils.for_request(first, host) if councils else (None, False)
        if by_prefix:
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + first
            environ["PATH_INFO"] = path[len(first) + 1:] or "/"
        elif found is None and councils is not None:
            found = councils.default()  # named, so its log lines carry its code
        if found is None:
            return self.wsgi_app(environ, start_response)
        environ[ENVIRON_KEY] = found.id
        token = set_current(found.id)  # for what runs around the Flask request too
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            try:
                reset_current(token)
            except ValueError:  # set in another context (a copied one): nothing to undo
                pass


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
    """The current council (a read-only :class:`~app.tenancy.table.CouncilInfo`;
    the default council's when none was set), from the process's council table:
    no query while that is fresh."""
    from ..extensions import db
    from ..models.tenancy import current_council_id, resolve_council_id

    council_id = current_council_id()
    councils = _table()
    if councils is not None and council_id is not None and councils.by_id(council_id) is None:
        councils = council_table.refresh(db.engine)  # a council added since, elsewhere
    if councils is not None:
        found = councils.default() if council_id is None else councils.by_id(council_id)
        if found is not None:
            return found
    # No table yet (before `flask db upgrade`): the default council, made on first use.
    council_id = resolve_council_id(db.session.connection())
    row = db.session.get(Council, council_id)
    return council_table.CouncilInfo.of(row) if row is not None else None


def council_palette() -> colours.Palette | None:
    """The current council's header colours, checked again (``None``: the app's own)."""
    council = current_council()
    if council is None:
        return None
    return colours.palette(council.colour_primary, council.colour_accent)


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


def _engine():
    """The database of the code that is logging (``None`` outside an app context)."""
    if not has_app_context():
        return None
    from ..extensions import db

    return db.engine


def init_app(app: Flask) -> None:
    logs.set_engine_source(_engine)
    app.jinja_env.globals["council_palette"] = council_palette
    DEFAULT["code"] = app.config.get("DEFAULT_COUNCIL_CODE") or DEFAULT["code"]
    DEFAULT["name"] = app.config.get("COUNCIL_NAME") or DEFAULT["name"]
    follow_council(council_settings_now)
    app.wsgi_app = CouncilDispatcher(app, app.wsgi_app)  # type: ignore[method-assign]
    # First, before anything reads the database for this request.
    app.before_request_funcs.setdefault(None, []).insert(0, _enter_council)
    app.teardown_request(_leave_council)
