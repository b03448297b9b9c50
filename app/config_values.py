"""A setting's value from a config mapping, with its default from :mod:`app.config` only.

Code that takes a config mapping (``from_config(config)`` of the publication
rules and the disclosure rule, the cache backend, the retention command) is also
called with part of one (tests, the demo build), so it cannot index it.  It calls
:func:`setting_value`, which falls back to the :class:`app.config.Setting`'s own
default instead of a number written again beside the call
(``tests/codebase/test_config.py`` finds ``.get("SETTING", default)`` anywhere else).
The Flask app's config holds every setting (:func:`app.config.load_config`), so
web code indexes it: ``current_app.config["MAP_TILES_URL"]``.  No Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .config import SETTINGS

__all__ = ["setting_value"]

_BY_NAME = {s.name: s for s in SETTINGS}


def setting_value(config: Mapping[str, Any], name: str) -> Any:
    """``config[name]``, else the setting's default (for the environment ``config``
    says, production when it says none).  A name that is no setting is a ``KeyError``."""
    if name in config:
        return config[name]
    testing = bool(config.get("TESTING")) or config.get("APP_ENV") == "testing"
    return _BY_NAME[name].default_for(testing, config.get("APP_ENV") == "development")
