"""The youth voice survey: the public form, staff results, campaigns, survey dates
and the safeguarding queue.

Views live in the ``*routes`` modules (:mod:`.routes` for young people,
:mod:`.results_routes` and :mod:`.admin_routes` for staff), which share the
blueprint ``bp`` (``from . import bp``, as in every feature).  It is made in
:mod:`.blueprint` and handed out by ``__getattr__`` below on first use, so
importing this package loads no Flask: the
Flask-free parts (:mod:`.definition`, :mod:`.definition_schema`, :mod:`.store`,
:mod:`.safeguarding`), which the publication layer reads, stay Flask-free
(``tests/codebase/test_flask_free.py``).
"""

from __future__ import annotations


def __getattr__(name: str) -> object:
    """``bp``, the survey blueprint (imported from :mod:`.blueprint` when first asked for)."""
    if name == "bp":
        from .blueprint import bp

        return bp
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
