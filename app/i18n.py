"""Translation hooks for every string a young person or the public reads.

Templates call ``_("text")`` (or ``gettext``) and Python code
``from app.i18n import _``.  Until the catalogues land (issue 25, Flask-Babel),
these return the English text, with ``%(name)s`` placeholders filled, so pages
can mark their strings now and be translated without another edit.
"""

from __future__ import annotations


def gettext(text: str, **variables: object) -> str:
    """``text`` in the reader's language (English for now), placeholders filled."""
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """The singular or plural form for ``num`` (``%(num)s`` is filled too)."""
    return gettext(singular if num == 1 else plural, num=num, **variables)


_ = gettext


def init_app(app) -> None:
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
