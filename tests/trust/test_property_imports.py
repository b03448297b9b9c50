"""Property test: an Open Referral service with any of its values swapped for a value
of another shape (text, a number, a huge number, a list, an object, null) is either
imported or refused with the importer's own problem list: never an exception, and
after a refusal every table is as it was (issue 30).

Derandomised like the other property tests (tests/conftest.py): the same examples on
every run; HYPOTHESIS_PROFILE=explore looks for new ones.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.directory.openreferral_import import import_openreferral
from tests.directory.helpers import make_geography

from .sweep import table_counts
from .test_upload_corpus import HSDS_SERVICE, hsds_with

EXAMPLES = 60 if settings.default.derandomize else 400


def _paths(value, prefix=()):
    """The path of every value inside ``value`` (objects' keys, lists' indexes)."""
    if prefix:
        yield prefix
    children = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _paths(child, (*prefix, key))


PATHS = sorted(_paths(HSDS_SERVICE), key=lambda p: [str(k) for k in p])
SCALAR = (st.none() | st.booleans() | st.text(max_size=12)
          | st.integers(min_value=-(10**40), max_value=10**40)
          | st.floats(allow_nan=False, allow_infinity=False)
          | st.sampled_from(["", "MO", "25:99", "javascript:alert(1)", "9" * 400, "1e999"]))
SHAPE = st.recursive(SCALAR, lambda kids: st.lists(kids, max_size=3)
                     | st.dictionaries(st.sampled_from(["name", "byday", "location", "0"]),
                                       kids, max_size=3), max_leaves=6)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), SHAPE), min_size=1, max_size=3))
def test_any_shape_anywhere_is_imported_or_refused_never_raised(db, changes):
    doc = HSDS_SERVICE
    for path, value in changes:
        try:
            doc = hsds_with(path, value) if doc is HSDS_SERVICE else _set(doc, path, value)
        except (KeyError, IndexError, TypeError):  # an earlier change removed the parent
            continue
    if not table_counts(db)["area"]:
        make_geography(db.session)
    before = table_counts(db)
    result = import_openreferral(db.session, json.dumps(doc))  # anything raised fails here
    assert result.ok or result.problems
    db.session.rollback()
    assert table_counts(db) == before


def _set(doc, path, value):
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return doc
