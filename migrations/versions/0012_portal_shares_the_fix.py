"""The portal SOP's version 2: the reporter sees the fix report, and four eyes at steps 7 and 8.

Steps now say whether their output is shared with the reporter (`shared_with_reporter`; a
version without it shows a reporter progress and times only) and which earlier steps' performers
may not perform them (`separate_from`). The shipped version 1 is retired (running cases keep it)
and version 2 published: the same steps, step 7's fix report shared, the JFU named at 6 not the
kasi who named them, and who fixed at 7 not the one who accepts at 8 — unless a superuser has
already published a version of their own.

Revision ID: 0012
Revises: 0011
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KEY = "pemeliharaan-portal"
SHARED_STEP = 7  # "Memperbaiki portal website DJKI kemudian melaporkan kepada Kasi Portal Web"
SEPARATE = {7: [6], 8: [7]}  # 8: "Menerima laporan dari JFU"


def upgrade():
    bind = op.get_bind()
    shipped = bind.execute(
        sa.text(
            "SELECT id, sop_id, name, definition FROM sop_versions "
            "WHERE key = :key AND version = 1 AND state = 'published' "
            "AND NOT EXISTS (SELECT 1 FROM sop_versions WHERE key = :key AND version > 1)"
        ),
        {"key": KEY},
    ).first()
    if shipped is None:
        return  # the library's own versions of the portal SOP stand as they are
    definition = dict(shipped.definition, version=2)
    definition["steps"] = [
        dict(
            step,
            shared_with_reporter=step["number"] == SHARED_STEP,
            separate_from=SEPARATE.get(step["number"], []),
        )
        for step in shipped.definition["steps"]
    ]
    bind.execute(
        sa.text("UPDATE sop_versions SET state = 'retired' WHERE id = :id"), {"id": shipped.id}
    )
    bind.execute(
        sa.text(
            "INSERT INTO sop_versions (sop_id, key, version, name, definition, state, "
            "published_at) VALUES (:sop_id, :key, 2, :name, CAST(:definition AS jsonb), "
            "'published', now())"
        ),
        {
            "sop_id": shipped.sop_id,
            "key": KEY,
            "name": shipped.name,
            "definition": json.dumps(definition),
        },
    )


def downgrade():
    bind = op.get_bind()
    mine = bind.execute(
        sa.text(
            "SELECT v.id, (SELECT count(*) FROM cases c WHERE c.sop_version_id = v.id) AS cases "
            "FROM sop_versions v WHERE v.key = :key AND v.version = 2 AND v.created_by_id IS NULL "
            "AND v.import_id IS NULL"
        ),
        {"key": KEY},
    ).first()
    if mine is None:
        return
    if mine.cases:
        raise RuntimeError(
            f"Cannot downgrade below 0012: {mine.cases} cases run on the portal SOP's version 2."
        )
    # Versions never change once published; taking back this migration's own is the exception.
    op.execute("ALTER TABLE sop_versions DISABLE TRIGGER sop_versions_guard")
    bind.execute(sa.text("DELETE FROM sop_versions WHERE id = :id"), {"id": mine.id})
    bind.execute(
        sa.text("UPDATE sop_versions SET state = 'published' WHERE key = :key AND version = 1"),
        {"key": KEY},
    )
    op.execute("ALTER TABLE sop_versions ENABLE TRIGGER sop_versions_guard")
