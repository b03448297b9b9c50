"""The evidence pack as a PDF, made with WeasyPrint from the evidence page's HTML.

WeasyPrint lays the page out with its print media rules (``@media print`` in
``gaps.css``) plus ``css/evidence-pdf.css`` (A4 page, margins, running footer).
It fetches nothing from the network: :class:`StaticOnlyFetcher` serves the
app's own static files from disk and refuses every other address, recording
what it refused (WeasyPrint's own network opener is never called).
WeasyPrint and its system libraries (pango, harfbuzz) are imported lazily: when they are missing :func:`pdf_available` says so and the
route answers 503 while the HTML page and the browser's print still work.
"""

from __future__ import annotations

import mimetypes
import os
from functools import cache
from urllib.parse import unquote, urlsplit

from flask import current_app


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs cannot be loaded."""


@cache
def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango/harfbuzz not found
        return None, f"{type(exc).__name__}: {exc}"
    return weasyprint, ""


def pdf_available() -> bool:
    return _weasyprint()[0] is not None


def unavailable_reason() -> str:
    return _weasyprint()[1]


class StaticOnlyFetcher:
    """Which URLs the PDF may read: only files under the app's static folder.

    ``base_url`` is the address the HTML was rendered for (``PUBLIC_BASE_URL``,
    e.g. ``http://localhost/``); a URL is allowed only when it is on that same host
    and under the static URL path (below the base address's path), and the file resolves inside the static
    folder.  :meth:`open` returns ``(bytes, mime type)`` or raises
    :class:`ValueError` (WeasyPrint then leaves the resource out); every URL
    asked for is listed in ``served`` or ``refused``.
    """

    def __init__(self, base_url: str, static_folder: str, static_url_path: str):
        base = urlsplit(base_url)
        self.scheme, self.host = base.scheme, base.netloc
        self.folder = os.path.realpath(static_folder)
        # Under the base address's own path (PUBLIC_BASE_URL may have one).
        self.prefix = base.path.rstrip("/") + static_url_path.rstrip("/") + "/"
        self.served: list[str] = []
        self.refused: list[str] = []

    def _path_for(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme != self.scheme or parts.netloc != self.host:
            return None
        path = unquote(parts.path)
        if not path.startswith(self.prefix):
            return None
        target = os.path.realpath(os.path.join(self.folder, path[len(self.prefix):]))
        if not target.startswith(self.folder + os.sep) or not os.path.isfile(target):
            return None
        return target

    def open(self, url: str) -> tuple[bytes, str]:
        target = self._path_for(url)
        if target is None:
            self.refused.append(url)
            raise ValueError(f"The PDF may use only the app's own static files, not {url}")
        self.served.append(url)
        with open(target, "rb") as fh:
            body = fh.read()
        return body, mimetypes.guess_type(target)[0] or "application/octet-stream"


def _weasy_fetcher(weasyprint, policy: StaticOnlyFetcher):
    """A WeasyPrint URL fetcher that asks ``policy`` and never opens a network connection."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            body, mime = policy.open(url)
            content_type = f"{mime}; charset=utf-8" if mime.startswith("text/") else mime
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return _Fetcher(allowed_protocols=())


def render_pdf(html: str, base_url: str) -> tuple[bytes, StaticOnlyFetcher]:
    """Render ``html`` (laid out for print) to PDF bytes; also return the fetcher used."""
    weasyprint, reason = _weasyprint()
    if weasyprint is None:
        raise PdfUnavailable(reason)
    app = current_app
    fetcher = StaticOnlyFetcher(base_url, app.static_folder, app.static_url_path)
    document = weasyprint.HTML(string=html, base_url=base_url,
                               url_fetcher=_weasy_fetcher(weasyprint, fetcher),
                               media_type="print")
    return document.write_pdf(), fetcher
