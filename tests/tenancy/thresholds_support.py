"""Two councils with the same small county and different disclosure thresholds
(tests/tenancy/test_thresholds_*.py): the deployment hides 1-4, council A has raised
its threshold to 10 (``flask councils add --settings``), council B keeps the
deployment's.  Each has an area (LSOA 1) where exactly 7 young people answered,
their record keys chosen so the cell key is 128."""

from __future__ import annotations

from types import SimpleNamespace

from flask import current_app

from app.models import use_council
from tests.conftest import make_user
from tests.county import County
from tests.tenancy.leak_support import sign_in, survey_definition

DEPLOYMENT = {"DISCLOSURE_MAX_SUPPRESSED": 4, "CELL_KEY_MAX_PERTURBATION": 4}
A_THRESHOLD = 10
LSOAS = ["E01000001", "E01000002", "E01000003", "E01000004"]
WARD1, WARD2 = "E05000001", "E05000002"  # LSOA 1; LSOAs 2 to 4
# Each LSOA's answers: (how many, their record keys: the sum mod 256 is the cell key).
# LSOA 1: the count of 7 (cell key 128: no change); LSOA 3: 9 (cell key 253: +4, so 13);
# LSOA 4: 12 (cell key 160: +1, so 13 too).  Only LSOA 1's tick "It costs too much".
PEOPLE = {"E01000001": (7, [128] + [0] * 6),
          "E01000002": (40, [(n * 37) % 256 for n in range(40)]),
          "E01000003": (9, [253] + [0] * 8),
          "E01000004": (12, [160] + [0] * 11)}
SEVEN = "E01000001"


# ---- the independent calculation ------------------------------------------------------
# The p-table's last row as docs/DISCLOSURE.md prints it (counts of 4 or more): how many
# of the 256 cell keys give each change, cell keys in order of the change.
ROW_4_PLUS = [(-4, 3), (-3, 11), (-2, 30), (-1, 52), (0, 64), (1, 52), (2, 30), (3, 11), (4, 3)]


def change_for(ckey: int) -> int:
    start = 0
    for change, keys in ROW_4_PLUS:
        if ckey < start + keys:
            return change
        start += keys
    raise AssertionError(ckey)


def expected_in(code: str, threshold: int) -> int | None:
    """LSOA ``code``'s published number of answers, worked out by hand."""
    return expected(*PEOPLE[code], threshold)


def expected(count: int, keys: list[int], threshold: int) -> int | None:
    """The published value, worked out by hand: perturb, hide 1..threshold (true or
    perturbed, or shown as a number in that range), round half up to 5."""
    assert count >= 4  # the p-table's last row
    perturbed = count + change_for(sum(keys) % 256)
    if count <= threshold:
        return None
    return rounded(perturbed, threshold)


def rounded(count: int, threshold: int) -> int | None:
    """A count with no change (census counts): hidden from 1 to ``threshold``, else
    rounded half up to 5, and hidden if that is still from 1 to ``threshold``."""
    if 1 <= count <= threshold:
        return None
    five = (count * 2 + 5) // 10 * 5
    return None if 1 <= five <= threshold else five


def build(session, token: str) -> None:
    county = County(session, token_prefix=token)
    for n, code in enumerate(LSOAS, start=1):
        county.lsoa(code, f"Middle LSOA {n}", centre=(350_000 + 3_000 * n, 250_000),
                    size=3_000, indicators={"population_total": 3000,
                                            "population_age_13_19": 240, "imd_score": 30.0,
                                            "idaci_score": 0.25, "rural": 0.0})
    county.ward(WARD1, "Middle Ward One", centre=(353_000, 250_000), size=(3_000, 3_000))
    county.ward(WARD2, "Middle Ward Two", centre=(359_000, 250_000), size=(9_000, 3_000))
    county.organisation("Middle Trust", kind="charity")
    county.service("Middle Youth Hub", 353_000, 250_000, organisation="Middle Trust",
                   sessions=[(2, "18:00", "20:00")])
    county.survey("youth", title="Middle youth survey",
                  definition=survey_definition("Middle youth survey"))
    for code, (n, keys) in PEOPLE.items():
        barrier = "cost" if code == SEVEN else "transport"
        county.responses("youth", code, n, answers={"barriers": barrier}, record_keys=keys)
    county.commit()


def publish_as(db, council_id: int):
    """Publish a snapshot as the nightly job does, with the app's settings."""
    from app.publication import CellKeyMethod, Schedule, publish

    with use_council(council_id):
        db.session.rollback()
        snap = publish(db.session, CellKeyMethod.from_config(current_app.config),
                       Schedule.from_config(current_app.config), trigger="test")
        db.session.rollback()
    return snap


def two_councils(db, runner) -> SimpleNamespace:
    """A (threshold 10, a.example) and B (the deployment's, b.example): same county,
    same answers, each published and with an admin signed in on its own host."""
    from app.models import Council
    from app.models.tenancy import default_council_id

    b_id = default_council_id(db.session.connection())
    b = db.session.get(Council, b_id)
    b.host = "b.example"
    db.session.commit()
    done = runner.invoke(args=["councils", "add", "E06000001", "Alder Council",
                               "--host", "a.example", "--settings",
                               f'{{"DISCLOSURE_MAX_SUPPRESSED": {A_THRESHOLD}}}'])
    assert done.exit_code == 0, done.output
    a_id = db.session.scalar(db.select(Council.id).where(Council.code == "E06000001"))
    out = SimpleNamespace(a=a_id, b=b_id, users={})
    for name, cid in (("a", a_id), ("b", b_id)):
        with use_council(cid):
            db.session.rollback()
            build(db.session, f"{name}-")
            out.users[name] = make_user(db, "admin", email=f"admin@{name}.example")
            db.session.rollback()
        publish_as(db, cid)
    return out


def client_for(app, users, name: str):
    client = app.test_client()
    with use_council(None):
        return sign_in(client, users[name], f"http://{name}.example")


def reset_default_council(db) -> None:
    """The default council outlives each test (tests/conftest.py empties every other
    table): give it back its empty settings and no host, so no later test inherits
    a raised threshold."""
    from app.models import Council
    from app.models.tenancy import DEFAULT

    db.session.rollback()
    with use_council(None):
        council = db.session.scalar(db.select(Council).where(Council.code == DEFAULT["code"]))
        if council is not None:
            council.settings, council.host = {}, None
            db.session.commit()
