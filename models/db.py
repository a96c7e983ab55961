"""The SQLAlchemy handle shared by the models, the services and the web layer."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations get stable constraint names."""

    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: sa.DateTime(timezone=True)},
    )


class BindableSession(FlaskSession):
    """Flask-SQLAlchemy session that honours an explicit ``bind`` (tests join one transaction)."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kw: Any) -> Any:
        """Prefer the connection the session was bound to, else pick the engine as usual."""
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kw)


db = SQLAlchemy(model_class=Base, session_options={"class_": BindableSession})

SNAPSHOT = {"isolation_level": "REPEATABLE READ"}
"""A page reads one moment: every statement of the transaction sees the same committed state."""


def begin_snapshot(session: Any) -> None:
    """End the session's transaction and start the next as one REPEATABLE READ snapshot.

    A session joined to an outer transaction (the test suite's) keeps that one.
    """
    if session.bind is None:
        session.rollback()
        session.connection(execution_options=SNAPSHOT)


@contextmanager
def side_unit(session: Any) -> Iterator[Any]:
    """A short unit of work of its own beside a page's snapshot, committed when the block ends."""
    side = session.session_factory()
    try:
        yield side
        side.commit()
    except BaseException:
        side.rollback()
        raise
    finally:
        side.close()
