"""A ``limits`` storage in one SQLite file: counts shared by every worker on a machine.

Why our own code: ``limits`` (the engine under Flask-Limiter) stores counts in
memory (one count per process: three gunicorn workers would allow three times
the limit), Redis/Valkey, Memcached or MongoDB, and nothing else.  A council
that runs one machine without Redis still needs every worker to share one
count, so the default store is this file in the instance folder.  Several
machines need a shared server: set ``RATELIMIT_STORAGE_URI`` (or ``REDIS_URL``)
to Redis and this module is not used.

Only what the fixed-window strategy needs is implemented (``incr``, ``get``,
``get_expiry``, ``clear``, ``reset``, ``check``), plus ``decr`` for
:func:`give_back`.  Each ``incr`` is one short ``BEGIN IMMEDIATE`` transaction
in WAL mode, so workers never lose a count; its answer is the count with this
hit in it, so "take a slot, refuse if over" is one atomic step.
URI: ``sqlite:///absolute/path/ratelimit.sqlite``.

:func:`give_back` undoes one hit in whichever store is in use (this file,
Redis, or ``memory://`` in tests), atomically, never below zero and never
starting a new window: the sign-in limits take a slot before the password is
checked and hand it back when the attempt turned out not to be a failure.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from urllib.parse import urlsplit

from limits.storage import Storage

_SCHEMA = ("CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, value INTEGER NOT NULL, "
           "expires REAL NOT NULL)")


class SQLiteStorage(Storage):
    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        path = urlsplit(uri).path
        self.path = path[1:] if path.startswith("//") else path
        self._local = threading.local()
        with self._conn() as conn:
            conn.execute(_SCHEMA)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM counter WHERE key = ? AND expires <= ?", (key, now))
            conn.execute("INSERT INTO counter (key, value, expires) VALUES (?, ?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
                         (key, amount, now + expiry))
            value = conn.execute("SELECT value FROM counter WHERE key = ?", (key,)).fetchone()[0]
            if int(now) % 64 == 0:  # now and then, forget long-expired counters
                conn.execute("DELETE FROM counter WHERE expires <= ?", (now - 60,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return int(value)

    def decr(self, key: str, amount: int = 1) -> int:
        """Take ``amount`` off a live counter (one statement: atomic), never below 0."""
        conn = self._conn()
        conn.execute("UPDATE counter SET value = MAX(value - ?, 0) WHERE key = ? AND expires > ?",
                     (amount, key, time.time()))
        return self.get(key)

    def get(self, key: str) -> int:
        row = self._conn().execute("SELECT value FROM counter WHERE key = ? AND expires > ?",
                                   (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._conn().execute("SELECT expires FROM counter WHERE key = ? AND expires > ?",
                                   (key, time.time())).fetchone()
        return float(row[0]) if row else time.time()

    def clear(self, key: str) -> None:
        self._conn().execute("DELETE FROM counter WHERE key = ?", (key,))

    def reset(self) -> int | None:
        return self._conn().execute("DELETE FROM counter").rowcount

    def check(self) -> bool:
        try:
            self._conn().execute("SELECT 1")
            return True
        except sqlite3.Error:
            return False

    def keys(self) -> list[str]:
        """Every live key (tests check no client address is kept)."""
        return [k for (k,) in self._conn().execute("SELECT key FROM counter")]


# Redis: decrement only a live counter above zero, in one script (atomic); a
# plain DECRBY on an expired key would start a window at -1, a free extra try.
_REDIS_GIVE_BACK = """
local value = tonumber(redis.call('get', KEYS[1]) or '0')
if value > 0 then
    return redis.call('decrby', KEYS[1], math.min(value, tonumber(ARGV[1])))
end
return 0
"""


def give_back(storage: Storage, key: str, amount: int = 1) -> int:
    """Undo ``amount`` hits of ``key`` (a fixed-window counter) in ``storage``."""
    from limits.storage import RedisStorage

    if isinstance(storage, RedisStorage):
        script = getattr(storage, "_yvm_give_back", None)
        if script is None:
            script = storage.get_connection().register_script(_REDIS_GIVE_BACK)
            storage._yvm_give_back = script
        return int(script([storage.prefixed_key(key)], [amount]))
    decr = getattr(storage, "decr", None)  # this module's store and memory://
    if decr is None:
        raise TypeError(f"{type(storage).__name__} cannot give a rate-limit slot back")
    return int(decr(key, amount))
