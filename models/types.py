"""Column types shared by the models."""

from enum import StrEnum

import sqlalchemy as sa

CODE_FORMAT = "^[a-z0-9]+(-[a-z0-9]+)*$"
"""A code (position, SOP key, record kind) in SQL: the rules' slug, lower-case and hyphens."""


def str_enum(enum_cls: type[StrEnum], name: str) -> sa.Enum:
    """A VARCHAR column limited to the enum's values by a CHECK constraint (easy to migrate)."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
