"""Analysis results are cached per data version and never served stale."""

from __future__ import annotations

from app.cache import LRUCache, RedisCache, backend_for, cached
from tests.county import County
from tests.publication.support import publish_now


def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_changes_invalidate_and_responses_only_where_read(db):
    gaps_calls, gaps = counter()
    area_calls, areas = counter()
    for _ in range(2):
        cached("gaps", db.session, {"level": "ward"}, gaps)
        cached("areas", db.session, {"level": "ward"}, areas, responses=False)
    assert len(gaps_calls) == 1 and len(area_calls) == 1
    # Other parameters: another entry.
    cached("gaps", db.session, {"level": "lsoa"}, gaps)
    assert len(gaps_calls) == 2
    # A new survey response changes nothing until the next published snapshot ...
    county = County(db.session)
    county.response("s", None)
    county.commit()
    cached("gaps", db.session, {"level": "ward"}, gaps)
    assert len(gaps_calls) == 2
    # ... then results reading published figures are recomputed, others kept.
    publish_now(db)
    cached("gaps", db.session, {"level": "ward"}, gaps)
    cached("areas", db.session, {"level": "ward"}, areas, responses=False)
    assert len(gaps_calls) == 3 and len(area_calls) == 1
    # A directory change: everything is recomputed.
    county.service("New club", 1, 1, service_type="sport")
    county.commit()
    cached("gaps", db.session, {"level": "ward"}, gaps)
    cached("areas", db.session, {"level": "ward"}, areas, responses=False)
    assert len(gaps_calls) == 4 and len(area_calls) == 2


def test_backend_choice_and_redis_faults_do_not_break_pages():
    assert isinstance(backend_for({}), LRUCache)
    assert isinstance(backend_for({"RATELIMIT_STORAGE_URI": "memory://"}), LRUCache)
    redis_backend = backend_for({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    assert isinstance(redis_backend, RedisCache)
    assert redis_backend.get("k") == (False, None)  # nothing listens on port 1
    redis_backend.set("k", 1)  # logged, not raised
    lru = LRUCache(max_entries=2)
    for k in "abc":
        lru.set(k, k)
    assert lru.get("a") == (False, None) and lru.get("c") == (True, "c")
