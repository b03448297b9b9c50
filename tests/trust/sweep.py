"""Helpers for the URL-map sweeps: example URLs for rules, and a generic seed
that puts two rows in every table so that ids 1 and 2 name real records."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
)

FLASK_BUILTIN = {"static"}
SESSION_ENDING = {"auth.logout"}
MISSING_ID = 987654


def url_for_rule(rule, int_value: int = 1, text_value: str = "x") -> str:
    url = rule.rule
    for conv, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule):
        value = str(int_value) if conv in ("int", "float") else text_value
        url = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?" + name + ">", value, url, count=1)
    return url


def int_args(rule) -> list[str]:
    return [name for conv, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule)
            if conv == "int"]


def rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in FLASK_BUILTIN:
            continue
        yield rule


def access_of(app, rule):
    return getattr(app.view_functions[rule.endpoint], "access_roles", None)


def methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _value(column, i: int):
    t = column.type
    if column.foreign_keys:
        return i
    if isinstance(t, Boolean):
        return False
    if isinstance(t, (Integer, Numeric, Float)):
        return i
    if isinstance(t, DateTime):
        return datetime.now(UTC)
    if isinstance(t, Date):
        return date.today()
    if isinstance(t, JSON):
        return {}
    if isinstance(t, LargeBinary):
        return b"\x00"
    if isinstance(t, (String, Text)):
        length = getattr(t, "length", None) or 40
        return f"s{i}x"[:length]
    return None


def seed_every_table(db, rows: int = 2) -> dict[str, int]:
    """Insert ``rows`` placeholder rows with ids 1..rows into every table it can."""
    from app.models import Base

    seeded = {}
    for table in Base.metadata.sorted_tables:
        done = 0
        for i in range(1, rows + 1):
            values = {}
            for column in table.columns:
                if column.primary_key and not column.foreign_keys:
                    values[column.name] = i
                    continue
                if column.nullable and not column.foreign_keys:
                    continue
                values[column.name] = _value(column, i)
            try:
                with db.session.begin_nested():
                    db.session.execute(table.insert().values(**values))
                done += 1
            except Exception:  # noqa: BLE001 - a table this generic seed cannot fill
                pass
        seeded[table.name] = done
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import text

        for table in Base.metadata.sorted_tables:
            pk = [c for c in table.primary_key.columns if isinstance(c.type, Integer)]
            if len(pk) == 1 and seeded.get(table.name):
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk[0].name}'), "
                    f"(SELECT MAX(\"{pk[0].name}\") FROM \"{table.name}\"))"))
        db.session.commit()
    return seeded


_COUNTS: dict[str, object] = {}


def table_counts(db) -> dict[str, int]:
    """Row count of every table, in one query.  The query is written once, as SQL
    text: the property tests ask before and after each of about two thousand
    requests, and SQLAlchemy worked out the cache key of a 34-subquery SELECT built
    afresh each time for longer than the database took to count."""
    from sqlalchemy import text

    from app.models import Base

    db.session.rollback()
    tables = Base.metadata.sorted_tables
    if "sql" not in _COUNTS:
        _COUNTS["sql"] = text("SELECT " + ", ".join(
            f'(SELECT count(*) FROM "{t.name}") AS c{i}' for i, t in enumerate(tables)))
    row = db.session.execute(_COUNTS["sql"]).one()
    return {t.name: n for t, n in zip(tables, row, strict=True)}
