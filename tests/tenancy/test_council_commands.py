"""Commands work as a council (docs/TENANCY.md, "Commands").

The scheduled ones (``retention run``, ``publish run``) do every council: a nightly
retention run that only did the deployment's own council left every other
council's due free text in the database.  Every other command that reads or
changes a council's data takes ``--council CODE``.
"""

from __future__ import annotations

from datetime import timedelta

import click
from sqlalchemy import func, select

from app.models import Answer, PublishedSnapshot, User
from app.models.tenancy import default_council_id, use_council
from tests.county import County

OTHER = "E06000001"

# Commands that read no council's data: files only, the deployment, or every council.
NOT_A_COUNCILS = {
    "councils", "db", "jobs", "tiles", "national",
    "services validate", "surveys check",
}


def _add_other_council(runner):
    done = runner.invoke(args=["councils", "add", OTHER, "Alder Council"])
    assert done.exit_code == 0, done.output


def _council_id(db, code):
    from app.models import Council

    return db.session.scalar(select(Council.id).where(Council.code == code))


def _county(db, council_id, prefix):
    with use_council(council_id):
        db.session.rollback()
        county = County(db.session, token_prefix=prefix)
        county.survey("have-your-say", title="Have your say")
        db.session.commit()
    return county


def _due_free_text(db, council_id, county, words):
    """One response 40 days old with a free-text answer, in council ``council_id``."""
    with use_council(council_id):
        db.session.rollback()
        county.response("have-your-say", None, age_band="13-15",
                        submitted_on=county.today - timedelta(days=40),
                        answers={"activities": "sport"}, free_text={"anything_else": words})
        db.session.commit()


def _free_text_left(db, council_id) -> int:
    with use_council(council_id):
        db.session.rollback()
        n = db.session.scalar(select(func.count()).select_from(Answer)
                              .where(Answer.is_free_text.is_(True)))
        db.session.rollback()
        return n


def test_retention_run_deletes_every_councils_due_free_text(app, db, runner):
    app.config.update(RETENTION_FREE_TEXT_DAYS=30)
    _add_other_council(runner)
    mine, other = default_council_id(db.session.connection()), _council_id(db, OTHER)
    ours, theirs = _county(db, mine, "m"), _county(db, other, "o")
    _due_free_text(db, mine, ours, "ours")
    _due_free_text(db, other, theirs, "theirs")
    assert (_free_text_left(db, mine), _free_text_left(db, other)) == (1, 1)

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{OTHER}: Would delete 1 free-text answers" in dry.output
    assert (_free_text_left(db, mine), _free_text_left(db, other)) == (1, 1)

    only = runner.invoke(args=["retention", "run", "--council", OTHER.lower()])
    assert only.exit_code == 0, only.output
    assert only.output.startswith("Deleted 1 free-text answers")  # one council: no prefix
    assert (_free_text_left(db, mine), _free_text_left(db, other)) == (1, 0)

    _due_free_text(db, other, County(db.session, token_prefix="o2-"), "theirs again")
    done = runner.invoke(args=["retention", "run"])
    assert done.exit_code == 0, done.output
    assert f"{OTHER}: Deleted 1 free-text answers" in done.output
    assert (_free_text_left(db, mine), _free_text_left(db, other)) == (0, 0)


def test_publish_run_publishes_each_council_as_itself(app, db, runner):
    _add_other_council(runner)
    mine, other = default_council_id(db.session.connection()), _council_id(db, OTHER)

    def snapshots(council_id):
        with use_council(council_id):
            db.session.rollback()
            n = db.session.scalar(select(func.count()).select_from(PublishedSnapshot))
            db.session.rollback()
            return n

    before = snapshots(mine), snapshots(other)
    done = runner.invoke(args=["publish", "run"])
    assert done.exit_code == 0, done.output
    assert f"{OTHER}: Published snapshot of" in done.output
    assert (snapshots(mine), snapshots(other)) == (before[0] + 1, before[1] + 1)


def test_a_command_with_council_works_as_that_council(app, db, runner):
    _add_other_council(runner)
    made = runner.invoke(args=["users", "create", "lead@alder.example", "--role", "admin",
                               "--council", OTHER], input="a long enough pass phrase\n" * 2)
    assert made.exit_code == 0, made.output
    other = _council_id(db, OTHER)
    db.session.rollback()
    with use_council(other):
        assert db.session.scalar(select(User.council_id)
                                 .where(User.email == "lead@alder.example")) == other
        db.session.rollback()
    # The deployment's own council does not have the account ...
    assert db.session.scalar(select(User).where(User.email == "lead@alder.example")) is None
    # ... and each council lists its own.
    assert "lead@alder.example" in runner.invoke(
        args=["users", "list", "--council", OTHER]).output
    assert "lead@alder.example" not in runner.invoke(args=["users", "list"]).output


def test_an_unknown_council_is_refused_by_name(runner):
    result = runner.invoke(args=["users", "list", "--council", "E06999999"])
    assert result.exit_code == 2
    assert "no council 'E06999999'" in result.output and "--council" in result.output
    result = runner.invoke(args=["retention", "run", "--council", "E06999999"])
    assert result.exit_code == 2 and "no council 'E06999999'" in result.output


def test_every_command_on_a_councils_data_takes_council(app):
    """A new command on a council's data cannot forget ``--council`` (or the nightly
    ones, every council)."""
    missing = []

    def walk(command, path):
        name = " ".join(path)
        if path and (path[0] in NOT_A_COUNCILS or name in NOT_A_COUNCILS):
            return
        if isinstance(command, click.Group):
            for sub, child in command.commands.items():
                walk(child, [*path, sub])
            return
        if "council_code" not in {p.name for p in command.params}:
            missing.append(name)

    for name, command in app.cli.commands.items():
        walk(command, [name])
    assert missing == []
