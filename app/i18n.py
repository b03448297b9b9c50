"""Languages: every string a young person or the public reads, through gettext.

Flask-Babel with gettext catalogues in ``app/translations/<code>/LC_MESSAGES/``
(``messages.po`` in the repository; the ``.mo`` files are compiled from them by
``scripts/setup.sh`` and again at app start whenever a ``.po`` is newer, see
:func:`compile_catalogues`).  Templates call ``_("text")`` (or ``gettext`` /
``ngettext``) and Python code ``from app.i18n import _`` (``lazy_gettext`` for text
fixed at import time).

The reader's language (:func:`select_language`): a ``lang`` in the query (the
switcher's links) or in a posted form (the survey carries it), else the one they
chose before (a cookie holding only the language code), else the best match for
their browser's ``Accept-Language`` among ``SUPPORTED_LANGUAGES``, else the first
of those.  Survey text in several languages lives in the survey definition
(:mod:`app.survey.definition`), not here.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Request, current_app, has_request_context, request, url_for
from flask_babel import Babel, get_locale, get_translations, refresh
from flask_babel import gettext as _babel_gettext
from flask_babel import lazy_gettext as _babel_lazy
from flask_babel import ngettext as _babel_ngettext
from werkzeug.exceptions import HTTPException
from wtforms.i18n import messages_path

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
COOKIE = "yvm_lang"  # the language code only: no personal data
COOKIE_AGE = 365 * 24 * 3600
# The query parameters the switcher's links carry over: the public pages' own (the
# directory's search, its page number; tests check the directory's are all here).
# Anything else in an address is left behind, as the directory's own links do.
KEPT_QUERY = frozenset({"q", "near", "type", "free", "not_uniformed", "max_cost", "day", "age",
                        "page"})


def gettext(text: str, **variables: object) -> str:
    """``text`` in the reader's language, ``%(name)s`` placeholders filled."""
    return _babel_gettext(text, **variables)


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """The singular or plural form for ``num`` in the reader's language (``%(num)s`` filled)."""
    return _babel_ngettext(singular, plural, num, **variables)


def lazy_gettext(text: str, **variables: object):
    """Like :func:`gettext`, translated when it is shown (for text fixed at import time)."""
    return _babel_lazy(text, **variables)


_ = gettext


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "mark only"
    """Mark ``text`` for the catalogue without translating it (translated where shown)."""
    return text


def tr(text):
    """Survey text (:class:`app.survey.definition.Text`) in the reader's language,
    English when it has no translation; plain text as it is."""
    pick = getattr(text, "in_language", None)
    return pick(current_language()) if pick is not None else text


def supported(app=None) -> list[str]:
    """The language codes offered (``SUPPORTED_LANGUAGES``), the default first."""
    raw = (app or current_app).config.get("SUPPORTED_LANGUAGES") or "en"
    codes = [c.strip().replace("-", "_") for c in str(raw).split(",") if c.strip()]
    return codes or ["en"]


def _asked() -> str | None:
    """A language the request names itself: ``?lang=`` or a posted form's ``lang``."""
    asked = request.args.get("lang")
    if not asked and request.method == "POST" and \
            request.mimetype == "application/x-www-form-urlencoded":
        try:
            asked = request.form.get("lang")
        except HTTPException:  # a body too large: the error page is shown in the default
            asked = None
    return asked.replace("-", "_") if asked else None


def select_language() -> str:
    """The reader's language: asked for, chosen before (cookie), browser, default."""
    codes = supported()
    if not has_request_context():
        return codes[0]
    for choice in (_asked(), request.cookies.get(COOKIE)):
        if choice in codes:
            return choice
    best = request.accept_languages.best_match([c.replace("_", "-") for c in codes])
    return best.replace("-", "_") if best else codes[0]


def current_language() -> str:
    """The language code this request is answered in (``en`` outside a request)."""
    if not has_request_context():
        return "en"
    locale = get_locale()
    return str(locale) if locale is not None else "en"


def html_lang() -> str:
    """The page's ``<html lang>``: British English for ``en``, else the code (``pl``)."""
    code = current_language()
    return "en-GB" if code == "en" else code.replace("_", "-")


@lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """A language's name in itself ("Polski", "Română", "Cymraeg"): Babel's locale data,
    which never changes while the process runs, so worked out once per code (every page's
    language switcher names every language)."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def language_links() -> list[dict]:
    """The switcher: each language with a link to this page (and query) in it."""
    here = current_language()
    # Only a public page links to itself: staff pages are in English, and a refusal
    # (403, 404) must not echo the address asked for, so that its page is the same
    # whichever record was asked for (tests/trust/test_object_access.py).
    view = current_app.view_functions.get(request.endpoint or "")
    own = getattr(view, "access_roles", None) == "public"
    path = request.path if own else url_for("main.home")
    args = [(k, v[:100]) for k, v in request.args.items(multi=True)
            if k in KEPT_QUERY] if own else []
    out = []
    for code in supported():
        query = urlencode([*args, ("lang", code)])
        out.append({"code": code, "tag": code.replace("_", "-"), "name": language_name(code),
                    "url": f"{path}?{query}", "current": code == here})
    return out


def compile_catalogues(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile each ``messages.po`` whose ``.mo`` is missing or older; the ``.mo``
    files compiled.  Fuzzy entries are left out (English shows instead).  Written to a
    temporary file and moved into place, so two processes starting at once are safe."""
    done = []
    for po in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.replace(tmp, mo)
        done.append(mo)
    return done


def _remember_choice(response):
    """Keep a language chosen with ``?lang=`` for the next pages (a cookie with the code)."""
    asked = _asked() if request.method == "GET" else None
    if asked in supported() and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_AGE, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


_CATALOGUE = "yvm.catalogue"  # request.environ: the request's catalogue, once chosen


def _catalogue():
    """The catalogue of the reader's language: Flask-Babel's, found once per request."""
    if not has_request_context():
        return get_translations()
    environ = request.environ
    found = environ.get(_CATALOGUE)
    if found is None:
        found = environ[_CATALOGUE] = get_translations()
    return found


def _choose_again() -> None:
    """Choose the request's language afresh (the locale Flask-Babel kept, and the
    catalogue :func:`_catalogue` kept, are forgotten)."""
    refresh()
    request.environ.pop(_CATALOGUE, None)


@lru_cache(maxsize=16)
def wtforms_catalogue(locale: str) -> Translations:
    """WTForms' own messages ("This field is required.") in ``locale``: its catalogue,
    read once per process and language (the ``.mo`` files do not change while it runs)."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


class I18nRequest(Request):
    """Flask's request, handing Flask-WTF WTForms' catalogue for the reader's language
    from :func:`wtforms_catalogue`: Flask-WTF looks for it on the request as
    ``wtforms_translations`` and, finding none, read and parsed the ``.mo`` file again
    for every request that made a form."""

    @property
    def wtforms_translations(self) -> Translations:
        return wtforms_catalogue(str(get_locale()))


def init_app(app) -> None:
    app.request_class = I18nRequest
    try:
        compile_catalogues()
    except OSError as exc:  # a read-only install: scripts/setup.sh compiled them
        app.logger.warning("translations not compiled at start (%s)", exc.strerror)
    Babel(app, locale_selector=select_language,
          default_translation_directories=str(TRANSLATIONS))
    # Flask-Babel keeps the locale on ``g``; a request that shares an app context with
    # the one before (the test client under a pushed context) must choose again.
    app.before_request(_choose_again)
    # Flask-Babel's own callables find the catalogue again for each of the thirty to
    # sixty strings a page translates; these find it once per request.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalogue().ugettext(s),
        ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n))
    app.after_request(_remember_choice)
    # Flask-Babel installed Jinja's i18n extension (``_``, ``gettext``, ``ngettext``;
    # new style: a translation is markup, its ``%(name)s`` values are escaped).
    app.jinja_env.filters["tr"] = tr
    app.jinja_env.globals.update(html_lang=html_lang, language_links=language_links,
                                 current_language=current_language)
