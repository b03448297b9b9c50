"""The application factory."""

from __future__ import annotations

import importlib
import logging
import re
from datetime import timedelta
from pathlib import Path

from flask import Flask

from .config import INSTANCE, ROOT, load_config
from .extensions import csrf, db, login_manager, migrate
from .links import App

# Each module exposes ``bp``; order matters only for URL clashes (none).
BLUEPRINTS = (
    "app.partners.routes",
    "app.main.routes",
    "app.auth.routes",
    "app.vendor.routes",
    "app.admin.routes",
    "app.survey.routes",
    "app.directory.routes",
    "app.gaps.routes",
    "app.planning.routes",
    "app.api.routes",
    "app.jobs.routes",
    "app.national.routes",  # with .tiles_routes on the same blueprint
    "app.national_admin.routes",
)

# Modules with an ``init_app(app)`` hook (security headers, navigation, rate
# limits, caches).  Every one must exist: a renamed module fails the app's start
# (a missing ``app.security`` would otherwise serve pages with no security headers).
INIT_MODULES = (
    "app.url_converters",  # first: the <int:...> converter must exist before any route
    "app.tenancy.web",  # the council of each request, before anything reads the database
    "app.i18n",
    "app.security",
    "app.navigation",
    "app.ratelimit",
    "app.cache",
    "app.jobs",
)

CLI_MODULES = (
    "app.cli.users",
    "app.cli.demo",
    "app.cli.geodata",
    "app.cli.services",
    "app.cli.surveys",
    "app.cli.retention",
    "app.cli.jobs",
    "app.cli.publish",
    "app.cli.tiles",
    "app.cli.councils",
)


def create_app(config: dict | None = None) -> Flask:
    """Create the app.  ``config`` overrides the environment (tests use it)."""
    app = App(  # Flask, with external links built on PUBLIC_BASE_URL (app/links.py)
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
        instance_path=str(INSTANCE),
    )
    app.config.update(load_config(overrides=config))
    app.permanent_session_lifetime = timedelta(hours=12)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _configure_logging(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."

    from . import dataversion, sqlite_wal  # noqa: F401 - flush listener; SQLite in WAL mode

    for name in INIT_MODULES:
        importlib.import_module(name).init_app(app)

    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
        if hasattr(module, "init_app"):
            module.init_app(app)
    for name in CLI_MODULES:
        module = importlib.import_module(name)
        app.cli.add_command(module.cli)

    from .main.routes import register_error_pages

    register_error_pages(app)
    _template_helpers(app)
    return app


# Every line names its council: the ONS code of the request's or job's council, `-`
# for none (app/tenancy/logs.py puts ``council`` on every record of the process).
LOG_FORMAT = "[%(asctime)s] %(levelname)s %(council)s %(name)s: %(message)s"


def _configure_logging(app: Flask) -> None:
    """Logs never carry personal data: no IP addresses, no user agents.  The app's
    records (the ``app`` loggers, Flask's own among them) are written in
    ``LOG_FORMAT`` to the request's error stream, else standard error."""
    from flask.logging import wsgi_errors_stream

    from .tenancy import logs

    logs.install()
    package = logging.getLogger("app")
    if not any(getattr(h, "yvm_council", False) for h in package.handlers):
        handler = logging.StreamHandler(wsgi_errors_stream)  # type: ignore[arg-type]
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.yvm_council = True  # type: ignore[attr-defined]
        package.addHandler(handler)  # before app.logger: Flask then adds no handler of its own
    level = getattr(logging, str(app.config["LOG_LEVEL"]).upper(), logging.INFO)
    app.logger.setLevel(level)
    # Werkzeug's development server logs the client address with every request.
    logging.getLogger("werkzeug").addFilter(_StripClientAddress())


class _StripClientAddress(logging.Filter):
    """Drop the client address werkzeug puts at the start of each request line."""

    _LEADING_ADDRESS = re.compile(r"^\S+ - - \[")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self._LEADING_ADDRESS.sub("- - [", record.msg, count=1)
        return True


def _template_helpers(app: Flask) -> None:
    from .disclosure import DisclosureRule
    from .models.users import ROLE_LABELS
    from .tenancy.web import council_setting

    @app.context_processor
    def _globals():
        return {  # the current council's own (app/tenancy), else the config's
            "council_name": council_setting("COUNCIL_NAME"),
            "council_front_door": council_setting("COUNCIL_FRONT_DOOR"),
            "role_labels": ROLE_LABELS,
        }

    rule = DisclosureRule.from_config(app.config)
    app.jinja_env.filters["sdc"] = rule.label
