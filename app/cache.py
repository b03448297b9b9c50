"""A cache for heavy analysis results, safe with several app servers.

Every key carries :func:`app.dataversion.current` (the data version, bumped
by any directory, geography or travel-time change, and the token of the
published snapshot of survey figures), so a change anywhere makes every server
miss and recompute: no process can serve a stale result, and nothing needs to
be deleted.

Backends:

* **Redis** when ``CACHE_REDIS_URL`` is set, or when ``RATELIMIT_STORAGE_URI``
  is a ``redis://``/``rediss://`` URL: shared by all servers; values are pickled
  and expire after ``CACHE_TTL_SECONDS`` (default 1 hour).  If Redis cannot be
  reached the value is computed and the error logged: a cache fault never
  breaks a page.
* otherwise an **in-process LRU** of ``CACHE_MAX_ENTRIES`` (default 32) results.

Config ``CACHE_ENABLED = False`` turns caching off (each call computes).
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import threading
from collections.abc import Callable

import cachetools

from .config_values import setting_value

log = logging.getLogger(__name__)
EXTENSION = "yvm_cache"


class LRUCache:
    """In-process least-recently-used results: ``cachetools.LRUCache`` behind a lock
    (a gunicorn worker's threads share it), counting hits and misses."""

    def __init__(self, max_entries: int = 32):
        self.max_entries = max_entries
        self._data: cachetools.LRUCache = cachetools.LRUCache(maxsize=max_entries)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str):
        with self._lock:
            try:
                value = self._data[key]
            except KeyError:
                self.misses += 1
                return False, None
            self.hits += 1
            return True, value

    def set(self, key: str, value) -> None:
        with self._lock:
            self._data[key] = value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class RedisCache:
    def __init__(self, url: str, ttl: int = 3600, prefix: str = "yvm:analysis:"):
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        self.ttl = ttl
        self.prefix = prefix
        self.hits = self.misses = 0

    def get(self, key: str):
        try:
            raw = self.client.get(self.prefix + key)
        except Exception as exc:  # noqa: BLE001 - a cache fault must not break a page
            log.warning("analysis cache: Redis read failed (%s); computing", type(exc).__name__)
            return False, None
        if raw is None:
            self.misses += 1
            return False, None
        self.hits += 1
        return True, pickle.loads(raw)  # noqa: S301 - our own values, in our own Redis

    def set(self, key: str, value) -> None:
        try:
            self.client.set(self.prefix + key, pickle.dumps(value), ex=self.ttl)
        except Exception as exc:  # noqa: BLE001
            log.warning("analysis cache: Redis write failed (%s)", type(exc).__name__)

    def clear(self) -> None:
        try:
            for k in self.client.scan_iter(self.prefix + "*"):
                self.client.delete(k)
        except Exception:  # noqa: BLE001
            pass


def make_key(name: str, version, params: dict) -> str:
    """A stable key from the result name, the data version and the parameters."""
    blob = json.dumps({"n": name, "v": list(version) if isinstance(version, tuple) else version,
                       "p": params}, sort_keys=True, default=str)
    return f"{name}:{hashlib.sha256(blob.encode()).hexdigest()[:32]}"


def backend_for(config):
    url = config.get("CACHE_REDIS_URL") or ""
    limiter = config.get("RATELIMIT_STORAGE_URI") or ""
    if not url and limiter.startswith(("redis://", "rediss://")):
        url = limiter
    if url:
        return RedisCache(url, int(setting_value(config, "CACHE_TTL_SECONDS")))
    return LRUCache(int(setting_value(config, "CACHE_MAX_ENTRIES")))


def init_app(app) -> None:
    app.extensions[EXTENSION] = backend_for(app.config)
    app.before_request(_read_data_version_once)
    app.teardown_request(_end_data_version_scope)


_SCOPE_TOKEN = "yvm.data_version_scope"  # request.environ: the token to reset the scope with


def _read_data_version_once() -> None:
    """Each request reads the data version once per council (app/dataversion.py): the
    entries a page reads are keyed on the same version, and a page makes no more
    queries for the version however many cached results it shows."""
    from flask import request

    from .dataversion import read_once_within

    request.environ[_SCOPE_TOKEN] = read_once_within(object())


def _end_data_version_scope(exc=None) -> None:
    from flask import request

    from .dataversion import end_scope

    token = request.environ.pop(_SCOPE_TOKEN, None)
    if token is not None:
        try:
            end_scope(token)
        except ValueError:  # set in another context (a copied one): nothing to undo
            pass


def cached(name: str, session, params: dict, compute: Callable[[], object], *,
           responses: bool = True):
    """``compute()``'s result, from the cache when the data and params match.

    ``responses=False`` for results that do not read published survey figures
    (area figures, the directory, display geometry): the key then leaves out the
    snapshot token, so publishing a new snapshot does not throw them away.
    """
    from flask import current_app

    from .dataversion import current
    from .models.tenancy import resolve_council_id

    backend = current_app.extensions.get(EXTENSION)
    if backend is None or not current_app.config["CACHE_ENABLED"]:
        return compute()
    version = current(session)
    # Each council's own entry (app/tenancy): data versions count from 1 in every council.
    council = resolve_council_id(session.connection())
    key = make_key(name, version if responses else version[0], {**params, "council": council})
    found, value = backend.get(key)
    if found:
        return value
    value = compute()
    backend.set(key, value)
    return value
