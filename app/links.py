"""Absolute links come from configuration, never from the request.

A link the app hands out to be used elsewhere (a partner's invitation or
check-in link, a campaign's QR code, the base address a PDF is laid out for)
is built on ``PUBLIC_BASE_URL``.  The request's ``Host`` (or
``X-Forwarded-Host``) header is whatever the client sent: a link built from it
would let anyone make the app print a link to their own site.

:class:`App` is the Flask class the factory makes: its ``url_for`` builds every
``_external=True`` link (in Python and in templates) on ``PUBLIC_BASE_URL``,
so no code path can build one from the request.  Relative links are Flask's own.
``TRUSTED_HOSTS`` (from ``app/config.py``) makes Flask answer 400 to a request
for a host it does not serve.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Flask, current_app, has_request_context, request
from flask.globals import request_ctx
from werkzeug.routing import BuildError

ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # as Flask quotes an anchor


def base_url() -> str:
    """``PUBLIC_BASE_URL`` with a trailing slash (what a PDF is laid out for)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/"


class App(Flask):
    """Flask, with every external URL built on ``PUBLIC_BASE_URL``."""

    def url_for(self, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values) -> str:
        refused_host = has_request_context() and request_ctx.url_adapter is None
        if not _external and not refused_host:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                                   _external=_external, **values)
        # An external link, or any link on the 400 page of a request whose Host is
        # not trusted (Flask made no URL adapter for it): built on PUBLIC_BASE_URL.
        if endpoint.startswith(".") and has_request_context() and request.blueprint:
            endpoint = request.blueprint + endpoint
        base = urlsplit(self.config["PUBLIC_BASE_URL"])
        adapter = self.url_map.bind(base.netloc, script_name=base.path or "/",
                                    url_scheme=base.scheme)
        self.inject_url_defaults(endpoint, values)
        try:
            rv = adapter.build(endpoint, values, method=_method, url_scheme=_scheme,
                               force_external=bool(_external))
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is not None:
            rv = f"{rv}#{quote(_anchor, safe=ANCHOR_SAFE)}"
        return rv
