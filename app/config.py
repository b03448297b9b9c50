"""Every setting of the app: its type, default and meaning, in one table.

Each :class:`Setting` below is read from the environment variable of the same
name (``DATABASE_URL`` is the one exception: it fills
``SQLALCHEMY_DATABASE_URI``).  Values are read once, when the application is
created, never at import time, and nothing else in ``app/`` reads the
environment (the ``flask users create`` command's ``YVM_PASSWORD`` aside).
``docs/CONFIGURATION.md`` is generated from this table
(``python -m app.config > docs/CONFIGURATION.md``; a test keeps it in step).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from .config_checks import ConfigError as ConfigError  # raised to callers of load_config
from .config_checks import check_links, public_base_url, secret_key, trusted_hosts
from .config_docs import settings_markdown
from .config_setting import Setting as Setting

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
DEFAULT_DATABASE_URL = f"sqlite:///{INSTANCE / 'youth_voice_map.sqlite'}"
DEFAULT_INDICATORS_FILE = ROOT / "surveys" / "safeguarding_indicators.yaml"
DEFAULT_SYNONYMS_FILE = ROOT / "surveys" / "search_synonyms.yaml"
DEFAULT_THEMES_FILE = ROOT / "surveys" / "themes.yaml"


def _outside_dev_and_tests(testing: bool, development: bool) -> bool:
    return not (testing or development)


def _recheck_default(testing: bool, development: bool) -> float:
    return 0.0 if testing else 5.0


def _keep_journeys_current_default(testing: bool, development: bool) -> bool:
    return not testing


def _base_url_default(testing: bool, development: bool) -> str:
    """The test client's host in tests, ``scripts/serve-demo.sh``'s address in
    development, nothing (so required) in production."""
    if testing:
        return "http://localhost"
    return "http://127.0.0.1:5000" if development else ""


S = Setting
SETTINGS: tuple[Setting, ...] = (
    S("APP_ENV", str, "production",
      "`development` and `testing` relax `SECRET_KEY` and the Secure cookie flag."),
    S("SECRET_KEY", str, "",
      "Signs sessions, CSRF and submission tokens, and keys the rate limiter's hashes. The same "
      "on every app server.", shown_default="(required in production)"),
    S("SQLALCHEMY_DATABASE_URI", str, DEFAULT_DATABASE_URL,
      "SQLAlchemy URL; `postgresql+psycopg://…` in production.", env="DATABASE_URL",
      shown_default="`sqlite:///instance/youth_voice_map.sqlite`"),
    S("PUBLIC_BASE_URL", str, _base_url_default,
      "The address people reach the service at, such as `https://youthvoice.example.gov.uk` "
      "(with a path if it is served under one). Every absolute link the app makes (partner "
      "invitations and check-in links, campaign QR codes, the PDFs' base address, background "
      "job keys) is built from it, never from the request's `Host` header.",
      shown_default="(required in production; `http://localhost` in tests, "
                    "`http://127.0.0.1:5000` in development)"),
    S("TRUSTED_HOSTS", str, "",
      "Host names the app answers to, separated by commas (a leading dot allows subdomains); "
      "a request for any other `Host` gets 400. Empty: the host of `PUBLIC_BASE_URL` in "
      "production, any host in development and tests. `*` allows any host (only behind a proxy "
      "that checks it).", shown_default="empty (the host of `PUBLIC_BASE_URL` in production)"),
    S("COUNCIL_NAME", str, "Herefordshire Council", "Shown in the header and notices."),
    S("DEFAULT_COUNCIL_CODE", str, "E06000019", "ONS code of the own council (docs/TENANCY.md)."),
    S("DEFAULT_COUNCIL_REGION", str, "E12000005", "ONS code of its region (docs/NATIONAL.md)."),
    S("COUNCIL_CACHE_SECONDS", float, 30.0,
      "How long each process keeps its copy of the council table (host names, path prefixes, "
      "names, colours) before reading it again; `0` reads it for every request. The process "
      "that adds a council drops its copy at once; other processes see the change within "
      "this time (docs/TENANCY.md)."),
    S("SUPPORTED_LANGUAGES", str, "en,pl,ro",
      "Languages the public pages and surveys are offered in, as codes separated by commas, "
      "first the default. Each one except `en` needs a catalogue in `app/translations/` "
      "(`pybabel init -l cy`; docs/SURVEYS.md, \"Add a language\"). A visitor's language is "
      "their own choice (the switcher at the foot of every page), else the best match for "
      "their browser's `Accept-Language`, else the first."),
    S("COUNCIL_FRONT_DOOR", str,
      "children's services front door at your council (its website gives the number)",
      "Signposted on every thank-you page and the help page, after \"contact the\": set your "
      "own, for example `Herefordshire Children's Services front door: 01432 260800`. The "
      "default names no council, so a demo or a new install never shows another council's "
      "number (`scripts/serve-demo.sh` sets the demo county's made-up one)."),
    S("MAP_TILES_URL", str, "",
      "A tile URL template such as `https://tile.openstreetmap.org/{z}/{x}/{y}.png`. Empty means "
      "no tiles: the maps draw their own light base layer from the app's data (area names, "
      "roads, council buildings) and no request leaves the app. Always empty in tests.",
      shown_default="empty (the app's own base layer)"),
    S("DIRECTIONS_URL", str, "https://www.google.com/maps/dir/?api=1&destination={destination}",
      "Where a service page's \"Directions\" link goes: a URL template whose `{destination}` "
      "becomes the venue's postcode (or its latitude,longitude when it has none), URL-encoded. "
      "It is only a link the reader follows (phones open their maps app); the app itself never "
      "calls it. Empty hides the link. For OpenStreetMap: "
      "`https://www.openstreetmap.org/directions?to={destination}`."),
    S("LOCAL_OFFER_URL", str, "",
      "The council's SEND Local Offer (support for children and young people with special "
      "educational needs and disabilities): every public service page links to it beside the "
      "service's own SEND notes. Must start with https:// (or http://). Empty hides the link.",
      shown_default="empty"),
    S("MAP_TILES_ATTRIBUTION", str, "",
      "Attribution text for the tiles; required when `MAP_TILES_URL` is set (the app refuses to "
      "start without it).", shown_default="empty"),
    S("TILES_DIR", str, "", "The national map's tiles folder; empty: `instance/tiles` (docs/TILES.md)."),
    S("DISCLOSURE_MIN", int, 1,
      "Counts from this to `DISCLOSURE_MAX_SUPPRESSED` are never published (NHS England "
      "small-area rule)."),
    S("DISCLOSURE_MAX_SUPPRESSED", int, 7, "The largest count that is never published."),
    S("DISCLOSURE_ROUND_TO", int, 5,
      "Every other published count is rounded to the nearest multiple of this."),
    S("CELL_KEY_MAX_PERTURBATION", int, 4,
      "The cell key method's largest change to a count before suppression and rounding "
      "([DISCLOSURE.md](DISCLOSURE.md)); not above `DISCLOSURE_MAX_SUPPRESSED`."),
    S("CELL_KEY_VARIANCE", float, 2.5, "Variance of the cell key method's change."),
    S("PUBLISH_HOUR", int, 2,
      "Hour of the day (UTC) when a scheduled snapshot of survey figures is due "
      "(`flask publish run --if-due` from an hourly cron)."),
    S("PUBLISH_EVERY_DAYS", int, 7,
      "Days between scheduled snapshots (a weekly batch by default; a council running the "
      "survey in termly waves can set more). A scheduled snapshot is always published, "
      "whatever has arrived ([DISCLOSURE.md](DISCLOSURE.md))."),
    S("PUBLISH_CELL_MIN_CHANGED", int, 10,
      "A published figure keeps its last value until at least this many independent "
      "people have joined or left it since then (the release model, "
      "[DISCLOSURE.md](DISCLOSURE.md))."),
    S("PUBLISH_CELL_MAX_OPEN", int, 5,
      "Answers through the open survey link count towards `PUBLISH_CELL_MIN_CHANGED` for "
      "at most this many per figure (below it), so open-link answers alone never change "
      "a published figure."),
    S("PUBLISH_BREAKDOWN_MIN", int, 50,
      "An area is broken down by age and answer only when its published number of answers "
      "is at least this; smaller areas show their total only."),
    S("DISCLOSURE_ZERO_MIN_MARGIN", int, 20,
      "A true 0 is published as 0 only when the group it belongs to (the page's or the "
      "area's answers) holds at least this many answers; otherwise it shows [c], like 1-7."),
    S("SURVEY_HOLD_OPEN_PER_AREA_DAY", int, 3,
      "More answers than this through the open survey link from one area on one day are "
      "held for review and left out of published figures until an admin releases them."),
    S("SURVEY_HOLD_IDENTICAL", int, 3,
      "This many answers through one link on one day that are identical (area, age and "
      "every tick-box answer) are held for review."),
    S("YOUTH_AGE_MIN", int, 13,
      "The young-people age band for population figures (s507B); `11` is a common "
      "alternative. Every gap page, download, API answer, report, job and planning page "
      "counts this band ([GAPS.md](GAPS.md#one-set-of-analysis-settings))."),
    S("YOUTH_AGE_MAX", int, 19,
      "Upper end of the young-people age band (`24` takes in the SEND extension)."),
    S("SERVICE_REVIEW_DAYS", int, 180, "Services unchecked for longer are listed for review."),
    S("OUTSIDE_SERVICE_MAX_KM", float, 15.0,
      "A service imported at a place outside the council's area (the union of its imported "
      "boundaries) but within this many km of it is listed and marked \"in a neighbouring "
      "area\": it counts for reach, never as the council's own provision. Farther away it is "
      "refused (docs/GEOGRAPHY.md, \"Across the boundary\")."),
    S("PARTNER_INVITE_DAYS", int, 14, "How long a partner's invitation link works."),
    S("PARTNER_IMPORT_MAX_ROWS", int, 200,
      "Most rows a partner's CSV import may have; a longer file is refused whole (the council "
      "imports large files itself)."),
    S("PARTNER_PENDING_MAX", int, 100,
      "Most changes one organisation may have waiting in the council's review queue; an edit "
      "or import that would pass it is refused whole."),
    S("RETENTION_FREE_TEXT_DAYS", int, 365, "Free-text answers are deleted after this many days."),
    S("RETENTION_SAFEGUARDING_NOTES_DAYS", int, 730,
      "Safeguarding notes are deleted after this many days."),
    S("RETENTION_REPORT_MESSAGES_DAYS", int, 365,
      "Messages typed in public \"this listing is out of date\" reports are blanked after this "
      "many days."),
    S("SAFEGUARDING_INDICATORS_FILE", str, str(DEFAULT_INDICATORS_FILE),
      "The list of phrases that flag a free-text answer for the safeguarding lead.",
      shown_default="`surveys/safeguarding_indicators.yaml`"),
    S("SEARCH_SYNONYMS_FILE", str, str(DEFAULT_SYNONYMS_FILE),
      "Groups of words the public directory search treats as one (\"football\" finds \"Town FC "
      "Juniors\", \"cubs\" finds Scouts). Copy the shipped file, add your own words and point "
      "this at the copy; it is re-read when it changes.",
      shown_default="`surveys/search_synonyms.yaml`"),
    S("THEMES_FILE", str, str(DEFAULT_THEMES_FILE),
      "The council's codebook of themes (id, label, keywords) that free-text answers are "
      "coded into; copy the shipped file and point this at the copy.",
      shown_default="`surveys/themes.yaml`"),
    S("THEMES_MIN_ANSWERS", int, 10,
      "A theme is shown only when its published number of answers (after the cell key "
      "method and rounding) is at least this, in every table of themes."),
    S("RATELIMIT_STORAGE_URI", str, "",
      "Rate-limit storage (Flask-Limiter); empty uses `REDIS_URL` when set, else one SQLite file "
      "in the instance folder shared by every worker on this machine. "
      "`redis://127.0.0.1:6379/0` shares limits between app servers.", shown_default="empty"),
    S("RATELIMIT_SQLITE_PATH", str, "",
      "Where the shared SQLite rate-limit file lives when no Redis is configured.",
      shown_default="`instance/ratelimit.sqlite`"),
    S("RATELIMIT_ENABLED", bool, True, "Turn rate limits off (tests do)."),
    S("RATELIMIT_KEY_PREFIX", str, "yvm", "Prefix of the rate limiter's keys in its storage."),
    S("RATELIMIT_SURVEY_PER_ADDRESS", str, "120 per minute;2500 per hour;6000 per day",
      "Accepted survey submissions per client address (a class in a minute, a school in a "
      "morning)."),
    S("RATELIMIT_SURVEY_REJECTED_PER_ADDRESS", str, "60 per minute;300 per hour",
      "Survey posts the view refused (4xx), per client address."),
    S("RATELIMIT_SURVEY_NO_TOKEN_PER_ADDRESS", str, "10 per minute;30 per hour",
      "Survey posts with no submission token, per client address."),
    S("RATELIMIT_SURVEY_PER_TOKEN", str, "10 per minute", "Survey posts with one submission token."),
    S("RATELIMIT_REPORT_PER_ADDRESS", str, "20 per minute;200 per hour",
      "Public \"listing out of date\" reports per client address."),
    S("RATELIMIT_REPORT_REJECTED_PER_ADDRESS", str, "10 per minute;50 per hour",
      "Refused public reports per client address."),
    S("RATELIMIT_LOGIN_PER_ADDRESS", str, "20 per minute;200 per hour",
      "Sign-in attempts per client address."),
    S("RATELIMIT_LOGIN_FAILED_PER_ADDRESS", str, "10 per minute;40 per hour",
      "Failed sign-ins per client address."),
    S("RATELIMIT_LOGIN_FAILED_PER_ACCOUNT_CLIENT", str,
      "3 per minute;6 per 15 minutes;10 per hour;20 per day",
      "Failed sign-ins to one account from one client: growing waits, never a lock."),
    S("RATELIMIT_LOGIN_FAILED_PER_ACCOUNT", str, "30 per hour;100 per day",
      "Failed sign-ins to one account from clients it never signed in from (its known browser "
      "is spared, so a stranger cannot lock it out)."),
    S("TRUSTED_PROXY_COUNT", int, 0,
      "How many reverse-proxy hops set `X-Forwarded-For`/`-Proto` (usually 1 behind a proxy), so "
      "the limiter sees the real client and links are https. 0 trusts none."),
    S("CACHE_ENABLED", bool, True, "Cache analysis results (keyed on the data version)."),
    S("CACHE_REDIS_URL", str, "",
      "Redis for the analysis cache, shared by every app server. Empty: Redis when "
      "`RATELIMIT_STORAGE_URI` is `redis://…`, else an in-process LRU.", shown_default="empty"),
    S("CACHE_TTL_SECONDS", int, 3600, "How long Redis keeps a cached result."),
    S("CACHE_MAX_ENTRIES", int, 32, "Size of the in-process LRU cache, in results."),
    S("TRAVEL_THRESHOLD_MIN", float, 30.0,
      "Default travel threshold in minutes for reach (a whole number, 5 to 120): the gap "
      "pages, downloads, API, ward report, evidence pack, dashboard and planning pages all "
      "start from it ([GAPS.md](GAPS.md#one-set-of-analysis-settings))."),
    S("TRAVEL_MODE", str, "bus",
      "Default way of travelling for reach on the gap and planning pages: `walk`, `cycle`, "
      "`bus` or `car`."),
    S("REACH_FILTER", str, "free",
      "Default kind of provision counted as within reach on the gap pages: `all`, `free`, "
      "`under` (under `REACH_MAX_MONTHLY` a month), `not_uniformed`, `open_access` or "
      "`evening_weekend`."),
    S("REACH_MAX_MONTHLY", float, 10.0,
      "Default monthly cost limit in £ for the `under` reach filter (0 to 500)."),
    S("JOURNEY_MIN_CHANGE_MIN", float, 3.0,
      "Least margin, in minutes, for a change between two buses in computed journeys: at the "
      "same stop at least this long, to another stop the walk plus this (docs/JOURNEYS.md). "
      "The default for the planning travel data page's compute form and the command line."),
    # Transport data (docs/JOURNEYS.md): bounds checked before a file is read.
    S("GTFS_MAX_UNCOMPRESSED_MB", int, 200,
      "Largest bus timetable: the GTFS zip file, each file in it and all of them together "
      "once uncompressed, in MB. A county's timetable (a Traveline region cut to the county) "
      "is tens of MB uncompressed; a whole region's is hundreds."),
    S("GTFS_MAX_MEMBERS", int, 40,
      "Most files a GTFS zip may hold (a feed has about 10 to 20), checked before its "
      "directory is read."),
    S("GTFS_MAX_COMPRESSION_RATIO", int, 100,
      "How many times a file over 1 MB in a GTFS zip may expand. Timetable text expands 5 to "
      "20 times; a zip bomb hundreds."),
    S("OSM_MAX_FILE_MB", int, 150,
      "Largest OpenStreetMap extract (`.osm.pbf`) for the road network, in MB. A county's "
      "Geofabrik extract is tens of MB."),
    S("OSM_MAX_NODES", int, 2_000_000,
      "Most road junctions and bends kept from an extract (a county has a few hundred "
      "thousand to a million; each costs about 330 bytes while reading); the import stops "
      "when a file passes it."),
    S("OSM_MAX_WAYS", int, 500_000,
      "Most roads and paths (OSM ways) kept from an extract; the import stops when a file "
      "passes it."),
    # Background jobs (app/jobs, docs/JOBS.md): RQ on Redis when REDIS_URL is set (run
    # `flask jobs worker`), else a thread pool in each app process.
    S("REDIS_URL", str, "",
      "Redis for the background job queue (RQ workers: `flask jobs worker`). Empty: jobs run "
      "in the app processes. Tests use it only when they pass it themselves.",
      shown_default="empty"),
    S("JOBS_QUEUE", str, "yvm", "Prefix of the RQ queues: one per council, <prefix>:jobs:<council>."),
    S("JOBS_THREADS", int, 2, "Background job threads in each app process (without Redis)."),
    S("JOBS_TIMEOUT_SECONDS", int, 900, "Longest one run of a job may take (RQ)."),
    S("JOBS_LEASE_SECONDS", float, 30.0,
      "A job whose worker has been silent this long (killed) is queued again."),
    S("JOBS_MAX_ATTEMPTS", int, 3, "Runs of a failing job before it is marked failed."),
    S("JOBS_RESULT_TTL_SECONDS", int, 24 * 3600,
      "How long a finished job's result (the evidence PDF, say) is kept and served."),
    S("JOBS_WAIT_SECONDS", float, 3.0,
      "How long a request waits for a quick job before it shows the job's progress."),
    S("JOBS_QUOTA_PER_USER", int, 3,
      "Jobs of one kind (PDFs, journey runs, imports, best-sites cases) one person may have "
      "queued or running at once; another is refused with a message (429) until one finishes. "
      "Asking again for the same work follows the same job and is never refused."),
    S("JOBS_QUOTA_PER_COUNCIL", int, 12,
      "Jobs of every kind and every person a council may have queued or running at once."),
    S("JOBS_QUOTA_JOURNEYS_PER_COUNCIL", int, 1,
      "Journey runs a council may have queued or running at once (each reads the whole road "
      "network and timetable, and each replaces the last)."),
    S("JOURNEYS_KEEP_CURRENT", bool, _keep_journeys_current_default,
      "After a change to anything journeys read (a service's place, a session's times, "
      "population, the road network or timetable), queue a background job that brings the "
      "stored journeys up to date; pages show the last complete run, saying it is being "
      "updated, until it finishes (docs/JOURNEYS.md). Tests turn it on where they need it.",
      shown_default="`true` (`false` in tests)"),
    S("JOURNEYS_SETTLE_SECONDS", float, 3.0, "The journeys update waits until the data have "
      "been unchanged this long, so a run of edits is computed once."),
    S("NATIONAL_KEEP_CURRENT", bool, _keep_journeys_current_default,
      "After a council publishes or its published data change (directory, geography, "
      "journeys, a new snapshot, its name or region), queue one background job that puts "
      "the national picture together again; /national and its downloads serve the last "
      "complete one, saying a newer one is being built, until it finishes "
      "(docs/NATIONAL.md). Off: only `flask national rebuild` renews it.",
      shown_default="`true` (`false` in tests)"),
    S("NATIONAL_SETTLE_SECONDS", float, 10.0, "The national rebuild waits until no "
      "council's data have changed for this long, so a run of edits is built once."),
    S("JOBS_SITES_CELLS", int, 100_000,
      "Best-sites cases of more areas x candidate sites than this run as a background job."),
    S("JOBS_IMPORT_BYTES", int, 1_000_000,
      "Directory files larger than this are imported as a background job."),
    S("GEODATA_UPLOAD_MAX_MB", int, 2048,
      "Largest upload on the admin page that imports a council's geography, in MB: the files "
      "sent together, and what a `.zip` among them expands to. A folder of files already cut "
      "to one council is a few MB; the national postcode directory alone is over 1,000 MB. "
      "A proxy in front of the app needs as large a body limit for that page."),
    S("SURVEY_RECHECK_SECONDS", float, _recheck_default,
      "How often each app process asks the database which survey version is current and whether "
      "areas or postcodes changed, when serving the public survey. An admin's change shows on "
      "every server within this many seconds; `0` asks on every request.",
      shown_default="`5` (`0` in tests)"),
    S("SESSION_IDLE_MINUTES", int, 30,
      "Staff sessions end after this long without a request (can only shorten the 30 minutes)."),
    S("SESSION_ABSOLUTE_HOURS", int, 12,
      "Staff sessions end this long after sign-in (can only shorten the 12 hours)."),
    S("SESSION_COOKIE_SECURE", bool, _outside_dev_and_tests,
      "Send the session cookie over HTTPS only.", shown_default="`true` outside development"),
    S("MAX_CONTENT_LENGTH", int, 16 * 1024 * 1024, "Largest request body (uploads), in bytes.",
      shown_default="`16777216` (16 MiB)"),
    S("LOG_LEVEL", str, "INFO", "Logs never contain IP addresses, user agents or answers."),
)
del S

# Fixed Flask settings, not read from the environment.
FIXED: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
}


def load_config(env: dict | None = None, overrides: dict | None = None) -> dict:
    """Return the Flask config mapping built from ``env`` (default ``os.environ``).

    ``overrides`` (used by tests) wins over the environment.
    """
    env = dict(os.environ if env is None else env)
    overrides = dict(overrides or {})
    app_env = (overrides.get("APP_ENV") or env.get("APP_ENV") or "production").lower()
    testing = bool(overrides.get("TESTING")) or app_env == "testing"
    development = app_env == "development"

    cfg: dict[str, Any] = {"TESTING": testing, **FIXED}
    for setting in SETTINGS:
        raw = env.get(setting.variable)
        cfg[setting.name] = (setting.parse(raw) if raw not in (None, "")
                             else setting.default_for(testing, development))
    cfg["APP_ENV"] = app_env
    if testing:
        cfg["REDIS_URL"] = ""  # the job queue: only a test that passes it uses Redis

    cfg["SECRET_KEY"] = secret_key(overrides.get("SECRET_KEY") or cfg["SECRET_KEY"],
                                   testing or development)
    cfg.update(overrides)
    check_links(cfg)
    if testing:
        cfg["MAP_TILES_URL"] = overrides.get("MAP_TILES_URL", "")
    cfg["PUBLIC_BASE_URL"] = public_base_url(cfg.get("PUBLIC_BASE_URL") or "")
    cfg["TRUSTED_HOSTS"] = trusted_hosts(cfg.get("TRUSTED_HOSTS"), cfg["PUBLIC_BASE_URL"],
                                         any_host=testing or development)
    return cfg


def markdown(settings: tuple[Setting, ...] = SETTINGS) -> str:
    """docs/CONFIGURATION.md, generated from :data:`SETTINGS` (:mod:`app.config_docs`)."""
    return settings_markdown(settings)


def main(argv: list[str] | None = None) -> int:
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
