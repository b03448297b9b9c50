"""gunicorn settings for Youth Voice Map:  gunicorn -c gunicorn.conf.py wsgi:app

Every value can be changed with an environment variable (named below) so one
file serves a laptop, a load test and production behind a reverse proxy.

Privacy: the access log records no client address (no ``%(h)s``), no user
agent (``%(a)s``), no referrer (``%(f)s``) and no query string (``%(U)s`` is
the path only: a query such as ``?postcode=HR1 2AB`` would otherwise be
logged).  The app keeps no state in the process: sessions are signed cookies
checked against a token in the database, rate limits live in Redis when
``RATELIMIT_STORAGE_URI`` is set, and cached analysis is keyed on the data
version in the database, so any number of workers and machines can serve.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# (2 x cores) + 1 is gunicorn's own advice for sync workers.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A request that takes longer than this is stuck: the worker is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then so a slow leak can never build up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 500))
# Load the app once in the master, so a killed worker is replaced in milliseconds.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")

# Requests are small: a survey is a few kilobytes.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Only the reverse proxy on this machine may set X-Forwarded-*; the app itself
# trusts them only when TRUSTED_PROXY_COUNT is set (see docs/DEPLOYMENT.md).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Time, method, path (no query string), status, bytes, duration in ms.  No IP.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# %(U)s is the route, not the path: /survey/<slug>/c/<code>, never the campaign
# code or any other value in a path (app/accesslog.py).
logger_class = "app.accesslog.RouteOnlyLogger"
proc_name = "youth-voice-map"
# gunicorn 27's control socket is one path per user (~/.gunicorn/gunicorn.ctl), shared by
# every gunicorn of that user on the machine, so two servers replace each other's; the
# app does not use it.  GUNICORN_CONTROL_SOCKET=/run/yvm/gunicorn.ctl turns it on at a
# path of its own.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]


def pre_fork(server, worker):
    """Freeze what the master has loaded (the app, pandas, geopandas...) before a worker
    is forked: the garbage collector of a worker then neither touches those objects (which
    would copy their memory pages into every worker) nor walks them all again when the
    worker exits (a stopping worker spent 15-19 s in that last collection, on a loaded
    machine; 2 s with them frozen).  Python's advice for pre-forking servers (gc.freeze).

    With the app loaded here, the hash that a sign-in to an unknown address is checked
    against (``dummy_hash``) is made here too, once, and every worker is forked with it.
    Made in each worker at its first such sign-in, it cost that worker one more argon2
    hash (about 0.3 s of CPU), and made that one answer slower than a wrong password's."""
    import gc
    import sys

    if "app.auth.passwords" in sys.modules:
        sys.modules["app.auth.passwords"].dummy_hash()
    gc.freeze()


def post_fork(server, worker):
    """Each worker opens its own database connections, never the master's."""
    import sys

    if "app.extensions" not in sys.modules:
        return  # the app was not loaded in the master: nothing was shared
    try:
        from app.extensions import db

        app = server.app.wsgi()
        with app.app_context():
            db.engine.dispose(close=False)
        from app import jobs

        jobs.start(app)  # this worker's own job heartbeat: takes up jobs a dead one left
    except Exception:  # noqa: BLE001 - some other WSGI app: nothing to dispose
        pass
