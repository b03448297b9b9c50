"""Security headers and the per-request CSP nonce."""

from __future__ import annotations

import secrets

from flask import abort, g, has_request_context, request


def csp_nonce() -> str:
    """This request's CSP nonce (a fresh one per request, kept on the request)."""
    if has_request_context():
        store = request.environ
        if "yvm.csp_nonce" not in store:
            store["yvm.csp_nonce"] = secrets.token_urlsafe(16)
        return store["yvm.csp_nonce"]
    if "csp_nonce" not in g:  # rendering outside a request (CLI, tests)
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str, tiles_url: str = "") -> str:
    img = ["'self'", "data:"]
    if tiles_url:
        # Allow only the configured tile host.
        from urllib.parse import urlsplit

        parts = urlsplit(tiles_url.replace("{s}", "a"))
        if parts.scheme and parts.netloc:
            host = parts.netloc
            if "{s}" in tiles_url:
                host = "*." + host.split(".", 1)[1] if "." in host else host
            img.append(f"{parts.scheme}://{host}")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {' '.join(img)}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


NUL_MESSAGE = ("What you sent contains a hidden character (NUL) that cannot be saved. "
               "Go back, retype that answer, and send it again.")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def refuse_nul_characters():
    """Refuse input carrying NUL characters with a clear 400, before any view.

    PostgreSQL cannot store NUL in text, so such input would otherwise end as a
    500 half-way through a view; no real keyboard types it.
    """
    if any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        abort(400, description=NUL_MESSAGE)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.is_json:
            if _has_nul(request.get_json(silent=True)):
                abort(400, description=NUL_MESSAGE)
        elif any("\x00" in k or "\x00" in v for k, v in request.form.items(multi=True)):
            abort(400, description=NUL_MESSAGE)
    return None


def init_app(app) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    # Behind a reverse proxy, trust exactly that many X-Forwarded-* hops, so
    # the rate limiter sees the real client (only ever as a keyed hash) and
    # url_for builds https:// links.  0 (the default) trusts none.
    hops = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    app.before_request(refuse_nul_characters)

    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault(
            "Content-Security-Policy",
            content_security_policy(csp_nonce(), app.config["MAP_TILES_URL"]),
        )
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not request.path.startswith(("/vendor/", "/static/")):
            # Pages may carry personal or unpublished data; never cache them.
            h.setdefault("Cache-Control", "no-store")
        return response
