"""``app.models.watch``: act once after a commit that changed a watched model, never
after one that did not, and never lose a change to a savepoint rolled back after it."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, String, create_engine, delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base

from app.models.watch import watch

Base = declarative_base()


class Watched(Base):
    __tablename__ = "watched"
    id = Column(Integer, primary_key=True)
    name = Column(String)


class Other(Base):
    __tablename__ = "other"
    id = Column(Integer, primary_key=True)


SEEN: list[int] = []
watch((Watched,), lambda session: SEEN.append(id(session)), name="test_watch")


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    SEEN.clear()
    with Session(engine) as s:
        yield s
    engine.dispose()


def test_a_committed_change_acts_once_and_other_models_never(session):
    session.add(Other(id=1))
    session.commit()
    assert SEEN == []
    session.add(Watched(id=1, name="a"))
    session.flush()
    session.add(Watched(id=2, name="b"))
    session.commit()
    assert SEEN == [id(session)]  # once, however many flushes
    session.commit()
    assert len(SEEN) == 1  # an empty commit is no change
    session.get(Watched, 1).name = "c"
    session.commit()
    session.delete(session.get(Watched, 2))
    session.commit()
    assert len(SEEN) == 3


@pytest.mark.parametrize("statement", [
    insert(Watched).values(id=9, name="bulk"),
    update(Watched).values(name="bulk"),
    delete(Watched),
])
def test_bulk_statements_count(session, statement):
    session.execute(statement)
    session.commit()
    assert SEEN == [id(session)]


def test_a_rolled_back_change_does_not_act(session):
    session.add(Watched(id=1, name="a"))
    session.flush()
    session.rollback()
    session.commit()
    assert SEEN == []


def test_a_savepoint_rolled_back_after_a_change_keeps_it(session):
    session.add(Watched(id=1, name="a"))
    session.flush()
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(Watched(id=1, name="again"))
            session.flush()
    session.commit()
    assert session.get(Watched, 1).name == "a"
    assert SEEN == [id(session)]  # the change before the savepoint was committed
