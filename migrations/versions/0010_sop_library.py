"""The SOP library: any SOP runs from data, positions and permissions are rows.

- Positions (roles) become data: any lower-case code, with an English name and the cases the
  position sees; cases and step runs name positions by code (foreign keys instead of a fixed
  list), and the kinds of instructions and reports are the SOPs' own codes.
- The permission matrix becomes rows (role_grants), seeded with the grants of today.
- SOPs get a library (sops) with a default SOP; each version has a state (draft, published,
  retired) and a published or retired version never changes (trigger).
- Stored definitions move to the new form of step behaviours: the step that named the JFU
  now says whose performer it names (names_performer_for) instead of two flags.
- cases.waiting_account_id: the account the case waits on when its step's performer is named.
- The portal SOP shipped in rules/sops is stored as version 1 when no SOP is stored yet.

Revision ID: 0010
Revises: 0009
"""

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SHIPPED_KEY = "pemeliharaan-portal"
# rules/sops/pemeliharaan_portal.toml as it stood for this revision, frozen here: a later edit
# of that file is a new version of the SOP, never a change of what this migration stores.
SHIPPED_SOP = {'key': 'pemeliharaan-portal',
 'name': 'Pemeliharaan Portal Website DJKI',
 'name_en': 'DJKI Website Portal Maintenance',
 'version': 1,
 'record_for_others': ['direktur', 'kasubdit', 'kasi', 'jfu'],
 'close_early_by': ['direktur', 'kasubdit', 'kasi'],
 'steps': [{'number': 1,
            'activity_id': 'Menemukan permasalahan dengan portal website DJKI dan menyampaikan '
                           'kepada Direktorat TI-KI',
            'activity_en': 'Finds a problem with the DJKI website portal and reports it to the '
                           'Direktorat TI-KI',
            'role': 'pengguna',
            'kelengkapan': ['telepon'],
            'standard_minutes': 3,
            'output_kind': 'case',
            'output_label': ''},
           {'number': 2,
            'activity_id': 'Membuat kebijakan mengenai pemeliharaan portal website DJKI',
            'activity_en': 'Sets the policy for maintaining the DJKI website portal',
            'role': 'direktur',
            'kelengkapan': [],
            'output_kind': 'instruction',
            'output_label': '',
            'record_kind': 'kebijakan',
            'sets_priority': True},
           {'number': 3,
            'activity_id': 'Memerintahkan Kasi Portal Web untuk melakukan pemeliharaan dan '
                           'perbaikan portal web DJKI',
            'activity_en': 'Orders the Kasi Portal Web to maintain and fix the DJKI web portal',
            'role': 'kasubdit',
            'kelengkapan': ['komputer', 'printer', 'internet'],
            'standard_minutes': 3,
            'output_kind': 'instruction',
            'output_label': '',
            'record_kind': 'perintah'},
           {'number': 4,
            'activity_id': 'Menganalisa keluhan pengguna terhadap portal website DJKI',
            'activity_en': "Analyses the user's complaint about the DJKI website portal",
            'role': 'kasi',
            'kelengkapan': [],
            'standard_minutes': 10,
            'output_kind': 'report',
            'output_label': 'hasil analisa',
            'record_kind': 'analisa'},
           {'number': 5,
            'activity_id': 'Menyiapkan solusi permasalahan pada portal website DJKI',
            'activity_en': 'Prepares a solution to the problem on the DJKI website portal',
            'role': 'kasi',
            'kelengkapan': [],
            'standard_minutes': 10,
            'output_kind': 'report',
            'output_label': 'solusi',
            'record_kind': 'solusi'},
           {'number': 6,
            'activity_id': 'Mengarahkan JFU dalam melakukan pemeliharaan dan perbaikan portal '
                           'web DJKI',
            'activity_en': 'Directs a JFU in maintaining and fixing the DJKI web portal',
            'role': 'kasi',
            'kelengkapan': ['komputer', 'printer', 'internet'],
            'standard_minutes': 5,
            'output_kind': 'instruction',
            'output_label': 'pengarahan',
            'record_kind': 'pengarahan',
            'names_performer_for': [7]},
           {'number': 7,
            'activity_id': 'Memperbaiki portal website DJKI kemudian melaporkan kepada Kasi '
                           'Portal Web',
            'activity_en': 'Fixes the DJKI website portal, then reports to the Kasi Portal Web',
            'role': 'jfu',
            'kelengkapan': ['komputer', 'printer', 'internet'],
            'standard_minutes': 20,
            'output_kind': 'report',
            'output_label': 'permasalahan portal web sudah diperbaiki',
            'record_kind': 'perbaikan'},
           {'number': 8,
            'activity_id': 'Menerima laporan dari JFU',
            'activity_en': 'Receives the report from the JFU',
            'role': 'kasi',
            'kelengkapan': ['laporan'],
            'standard_minutes': 3,
            'output_kind': 'report',
            'output_label': 'laporan',
            'record_kind': 'penerimaan',
            'may_return_to': 7},
           {'number': 9,
            'activity_id': 'Mencatat laporan kegiatan Pemeliharaan Portal Website DJKI '
                           'tersebut ke dalam log kegiatan harian',
            'activity_en': 'Records the DJKI website portal maintenance report in the daily '
                           'activity log',
            'role': 'kasi',
            'kelengkapan': ['laporan', 'log kegiatan'],
            'standard_minutes': 5,
            'output_kind': 'log_entry',
            'output_label': 'laporan didalam log kegiatan'}]}
CODE_FORMAT = "^[a-z0-9]+(-[a-z0-9]+)*$"
OLD_ROLES = ("pengguna", "direktur", "kasubdit", "kasi", "jfu", "superuser")
OLD_KINDS = {
    "instructions": ("instruction_kind", ("kebijakan", "perintah", "pengarahan")),
    "reports": (
        "report_kind",
        ("analisa", "solusi", "perbaikan", "penerimaan", "pengembalian"),
    ),
}
# code, name, English name, which cases it sees
POSITIONS = (
    ("pengguna", "Pengguna", "User", "own_reports"),
    ("direktur", "Direktur TI-KI", "Director of TI-KI", "all"),
    ("kasubdit", "Kasubdit Perencanaan", "Kasubdit for Planning", "all"),
    ("kasi", "Kasi Portal Web", "Kasi Portal Web", "all"),
    ("jfu", "JFU", "JFU", "assigned"),
    ("superuser", "Superuser", "Superuser", "all"),
)
_SOP = ("pengguna", "direktur", "kasubdit", "kasi", "jfu")
_MANAGERS = ("direktur", "kasubdit", "kasi")
# screen, perms, roles: the permission matrix as it stood in admin_app/permissions.py, plus
# the SOP library, the positions and editing the matrix itself (superusers).
GRANTS = (
    ("queue", "view", (*_SOP, "superuser")),
    ("cases", "view create act", ("pengguna", "jfu", *_MANAGERS)),
    ("cases", "export", _MANAGERS),
    ("cases", "view export", ("superuser",)),
    ("instructions", "view", (*_MANAGERS, "jfu", "superuser")),
    ("reports", "view", (*_MANAGERS, "jfu", "superuser")),
    ("daily_log", "view export", (*_MANAGERS, "superuser")),
    ("audit", "view export", ("direktur", "kasubdit", "superuser")),
    ("accounts", "view create edit", ("superuser",)),
    ("non_working_days", "view create delete", ("superuser",)),
    ("non_working_days", "view", _MANAGERS),
    ("permissions", "view edit", ("superuser",)),
    ("dashboard", "view export", (*_MANAGERS, "superuser")),
    ("notices", "view", (*_SOP, "superuser")),
    ("sops", "view create edit", ("superuser",)),
    ("sops", "view", _MANAGERS),
    ("positions", "view create edit", ("superuser",)),
)
PERMS = ("view", "create", "edit", "delete", "act", "export")

SOP_VERSION_GUARD = """
CREATE FUNCTION sop_version_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION 'SOP version % is %: only a draft may be deleted', OLD.id, OLD.state
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state <> 'draft' AND (NEW.definition IS DISTINCT FROM OLD.definition
            OR NEW.key <> OLD.key OR NEW.version <> OLD.version OR NEW.name <> OLD.name
            OR NEW.sop_id <> OLD.sop_id) THEN
        RAISE EXCEPTION 'SOP version % is %: it never changes', OLD.id, OLD.state
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Publish a new version instead.';
    END IF;
    IF NEW.state <> OLD.state AND NOT (
            (OLD.state = 'draft' AND NEW.state = 'published')
            OR (OLD.state = 'published' AND NEW.state = 'retired')) THEN
        RAISE EXCEPTION 'SOP version % cannot go from % to %', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$
"""


def _new_steps(steps):
    """Step behaviours in the new form: names_performer_for instead of two flags."""
    named = [step["number"] for step in steps if step.get("by_assignee")]
    converted = []
    for step in steps:
        new = {k: v for k, v in step.items() if k not in ("names_assignee", "by_assignee")}
        if step.get("names_assignee"):
            new["names_performer_for"] = [n for n in named if n > step["number"]]
        new.setdefault("names_performer_for", [])
        converted.append(new)
    return converted


def _old_steps(steps):
    """Back to the old flags, for a downgrade."""
    named = {n for step in steps for n in step.get("names_performer_for", [])}
    converted = []
    for step in steps:
        old = {k: v for k, v in step.items() if k != "names_performer_for"}
        old["names_assignee"] = bool(step.get("names_performer_for"))
        old["by_assignee"] = step["number"] in named
        converted.append(old)
    return converted


def _positions_and_kinds():
    for table, column, check in (
        ("cases", "waiting_role", "ck_cases_waiting_role"),
        ("step_runs", "role", "ck_step_runs_step_role"),
    ):
        op.drop_constraint(check, table)
        op.alter_column(table, column, type_=sa.String(50), existing_nullable=table == "cases")
    op.drop_constraint("ck_roles_role_code", "roles")
    op.alter_column("roles", "code", type_=sa.String(50), existing_nullable=False)
    op.create_check_constraint(op.f("ck_roles_code_format"), "roles", f"code ~ '{CODE_FORMAT}'")
    op.add_column("roles", sa.Column("name_en", sa.String(100), nullable=True))
    op.add_column(
        "roles", sa.Column("case_scope", sa.String(11), server_default="all", nullable=False)
    )
    op.add_column(
        "roles", sa.Column("built_in", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_check_constraint(
        op.f("ck_roles_case_scope_known"),
        "roles",
        "case_scope IN ('all', 'assigned', 'own_reports', 'none')",
    )
    op.create_check_constraint(op.f("ck_roles_name_present"), "roles", "length(trim(name)) > 0")
    for code, name, name_en, scope in POSITIONS:
        op.execute(
            sa.text(
                "UPDATE roles SET name = :name, name_en = :name_en, case_scope = :scope, "
                "built_in = true WHERE code = :code"
            ).bindparams(code=code, name=name, name_en=name_en, scope=scope)
        )
    op.create_foreign_key(
        op.f("fk_cases_waiting_role_roles"), "cases", "roles", ["waiting_role"], ["code"]
    )
    op.create_foreign_key(op.f("fk_step_runs_role_roles"), "step_runs", "roles", ["role"], ["code"])
    for table, (old_name, _values) in OLD_KINDS.items():
        op.drop_constraint(f"ck_{table}_{old_name}", table)
        op.alter_column(table, "kind", type_=sa.String(50), existing_nullable=False)
        op.create_check_constraint(
            op.f(f"ck_{table}_kind_format"), table, f"kind ~ '{CODE_FORMAT}'"
        )


def _grants():
    op.create_table(
        "role_grants",
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("screen", sa.String(30), nullable=False),
        sa.Column("perm", sa.String(10), nullable=False),
        sa.CheckConstraint(
            "perm IN (" + ", ".join(f"'{perm}'" for perm in PERMS) + ")",
            name=op.f("ck_role_grants_perm_known"),
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["roles.id"], name=op.f("fk_role_grants_role_id_roles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("role_id", "screen", "perm", name=op.f("pk_role_grants")),
    )
    for screen, perms, roles in GRANTS:
        for perm in perms.split():
            op.execute(
                sa.text(
                    "INSERT INTO role_grants (role_id, screen, perm) "
                    "SELECT id, :screen, :perm FROM roles WHERE code = ANY(:roles)"
                ).bindparams(screen=screen, perm=perm, roles=list(roles))
            )


def _library():
    op.create_table(
        "sops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("is_default", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(f"key ~ '{CODE_FORMAT}'", name=op.f("ck_sops_key_format")),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_sops_name_present")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sops")),
        sa.UniqueConstraint("key", name=op.f("uq_sops_key")),
    )
    op.create_index("uq_sops_name_lower", "sops", [sa.text("lower(name)")], unique=True)
    op.create_index(
        "uq_sops_one_default", "sops", ["is_default"], unique=True, postgresql_where="is_default"
    )
    op.add_column("sop_versions", sa.Column("sop_id", sa.Integer(), nullable=True))
    op.add_column(
        "sop_versions",
        sa.Column("state", sa.String(9), server_default="published", nullable=False),
    )
    op.add_column(
        "sop_versions", sa.Column("published_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("sop_versions", sa.Column("created_by_id", sa.Integer(), nullable=True))
    op.create_table(
        "sop_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(255), nullable=False),
        sa.Column("rows", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("choices", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["accounts.id"], name=op.f("fk_sop_imports_created_by_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_imports")),
    )
    op.add_column("sop_versions", sa.Column("import_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_sop_versions_import_id_sop_imports"),
        "sop_versions",
        "sop_imports",
        ["import_id"],
        ["id"],
    )
    op.create_check_constraint(
        op.f("ck_sop_versions_state_known"),
        "sop_versions",
        "state IN ('draft', 'published', 'retired')",
    )
    op.create_foreign_key(
        op.f("fk_sop_versions_sop_id_sops"), "sop_versions", "sops", ["sop_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("fk_sop_versions_created_by_id_accounts"),
        "sop_versions",
        "accounts",
        ["created_by_id"],
        ["id"],
    )


def _store_shipped(bind):
    """The portal SOP as shipped, version 1, when nothing is stored yet (a new database)."""
    shipped = SHIPPED_SOP
    bind.execute(
        sa.text(
            "INSERT INTO sop_versions (key, version, name, definition) "
            "VALUES (:key, :version, :name, CAST(:definition AS jsonb))"
        ),
        {
            "key": shipped["key"],
            "version": shipped["version"],
            "name": shipped["name"],
            "definition": json.dumps(shipped),
        },
    )


def _move_definitions(bind):
    """Every stored definition in the new form; the library rows; the default SOP."""
    rows = bind.execute(
        sa.text("SELECT id, key, version, name, definition FROM sop_versions ORDER BY key, version")
    ).all()
    if not rows:
        _store_shipped(bind)
        rows = bind.execute(
            sa.text("SELECT id, key, version, name, definition FROM sop_versions")
        ).all()
    latest = {}
    for row in rows:
        definition = dict(row.definition)
        definition["steps"] = _new_steps(definition["steps"])
        bind.execute(
            sa.text("UPDATE sop_versions SET definition = CAST(:d AS jsonb) WHERE id = :id"),
            {"d": json.dumps(definition), "id": row.id},
        )
        latest[row.key] = row
    default = SHIPPED_KEY if SHIPPED_KEY in latest else min(latest)
    for key, row in sorted(latest.items()):
        bind.execute(
            sa.text(
                "INSERT INTO sops (key, name, is_default, created_at) "
                "SELECT :key, :name, :default, min(created_at) FROM sop_versions WHERE key = :key"
            ),
            {"key": key, "name": row.name, "default": key == default},
        )
        bind.execute(
            sa.text(
                "UPDATE sop_versions v SET sop_id = s.id, published_at = v.created_at, "
                "state = CASE WHEN v.id = :latest THEN 'published' ELSE 'retired' END "
                "FROM sops s WHERE s.key = v.key AND v.key = :key"
            ),
            {"key": key, "latest": row.id},
        )


def _waiting_account(bind):
    op.add_column("cases", sa.Column("waiting_account_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_cases_waiting_account_id_accounts"),
        "cases",
        "accounts",
        ["waiting_account_id"],
        ["id"],
    )
    for row in bind.execute(sa.text("SELECT id, definition FROM sop_versions")).all():
        named = [n for step in row.definition["steps"] for n in step["names_performer_for"]]
        if named:
            bind.execute(
                sa.text(
                    "UPDATE cases SET waiting_account_id = assignee_id WHERE sop_version_id = :v "
                    "AND status = 'open' AND current_step = ANY(:named)"
                ),
                {"v": row.id, "named": named},
            )
    op.create_check_constraint(
        op.f("ck_cases_waiting_account_only_open"),
        "cases",
        "waiting_account_id IS NULL OR status = 'open'",
    )
    op.create_index(
        "ix_cases_open_by_waiting_account",
        "cases",
        ["waiting_account_id", "created_at"],
        postgresql_where=sa.text("status = 'open'"),
    )


def upgrade():
    bind = op.get_bind()
    _positions_and_kinds()
    _grants()
    _library()
    _move_definitions(bind)
    op.alter_column("sop_versions", "sop_id", nullable=False)
    op.alter_column("sop_versions", "state", server_default=None)
    op.create_check_constraint(
        op.f("ck_sop_versions_published_has_time"),
        "sop_versions",
        "(state = 'draft') = (published_at IS NULL)",
    )
    op.create_index(
        "uq_sop_versions_one_published",
        "sop_versions",
        ["sop_id"],
        unique=True,
        postgresql_where=sa.text("state = 'published'"),
    )
    _waiting_account(bind)
    op.execute(SOP_VERSION_GUARD)
    op.execute(
        "CREATE TRIGGER sop_versions_guard BEFORE UPDATE OR DELETE ON sop_versions "
        "FOR EACH ROW EXECUTE FUNCTION sop_version_guard()"
    )


def _refuse_new_data(bind):
    """Stop, changing nothing, when the data uses what 0009 cannot hold."""
    kinds = {kind for _name, values in OLD_KINDS.values() for kind in values}
    found = {
        "positions": bind.execute(
            sa.text("SELECT count(*) FROM roles WHERE code <> ALL(:codes)"),
            {"codes": list(OLD_ROLES)},
        ).scalar(),
        "SOPs": bind.execute(
            sa.text("SELECT count(*) FROM sops WHERE key <> :key"), {"key": SHIPPED_KEY}
        ).scalar(),
        "record kinds": bind.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM instructions WHERE kind <> ALL(:kinds)) "
                "+ (SELECT count(*) FROM reports WHERE kind <> ALL(:kinds))"
            ),
            {"kinds": sorted(kinds)},
        ).scalar(),
    }
    used = {name: count for name, count in found.items() if count}
    if used:
        listed = ", ".join(f"{count} {name}" for name, count in used.items())
        raise RuntimeError(
            f"Cannot downgrade below 0010: the data uses the SOP library ({listed}), which "
            "0009 cannot hold. Restore a backup taken before 0010 instead."
        )


def downgrade():
    bind = op.get_bind()
    _refuse_new_data(bind)
    op.execute("DROP TRIGGER sop_versions_guard ON sop_versions")
    op.execute("DROP FUNCTION sop_version_guard()")
    op.drop_index("ix_cases_open_by_waiting_account", table_name="cases")
    op.drop_constraint(op.f("ck_cases_waiting_account_only_open"), "cases")
    op.drop_constraint(op.f("fk_cases_waiting_account_id_accounts"), "cases")
    op.drop_column("cases", "waiting_account_id")
    bind.execute(sa.text("DELETE FROM sop_versions WHERE state = 'draft'"))
    for row in bind.execute(sa.text("SELECT id, definition FROM sop_versions")).all():
        definition = dict(row.definition)
        definition["steps"] = _old_steps(definition["steps"])
        bind.execute(
            sa.text("UPDATE sop_versions SET definition = CAST(:d AS jsonb) WHERE id = :id"),
            {"d": json.dumps(definition), "id": row.id},
        )
    op.drop_index("uq_sop_versions_one_published", table_name="sop_versions")
    for name in ("ck_sop_versions_published_has_time", "ck_sop_versions_state_known"):
        op.drop_constraint(op.f(name), "sop_versions")
    op.drop_constraint(op.f("fk_sop_versions_import_id_sop_imports"), "sop_versions")
    op.drop_constraint(op.f("fk_sop_versions_created_by_id_accounts"), "sop_versions")
    op.drop_constraint(op.f("fk_sop_versions_sop_id_sops"), "sop_versions")
    for column in ("import_id", "created_by_id", "published_at", "state", "sop_id"):
        op.drop_column("sop_versions", column)
    op.drop_table("sop_imports")
    op.drop_table("sops")
    op.drop_table("role_grants")
    for table, (old_name, values) in OLD_KINDS.items():
        op.drop_constraint(op.f(f"ck_{table}_kind_format"), table)
        length = max(len(value) for value in values)
        op.alter_column(table, "kind", type_=sa.String(length), existing_nullable=False)
        op.create_check_constraint(op.f(f"ck_{table}_{old_name}"), table, f"kind IN {values}")
    op.drop_constraint(op.f("fk_step_runs_role_roles"), "step_runs")
    op.drop_constraint(op.f("fk_cases_waiting_role_roles"), "cases")
    for name in ("ck_roles_name_present", "ck_roles_case_scope_known", "ck_roles_code_format"):
        op.drop_constraint(op.f(name), "roles")
    for column in ("built_in", "case_scope", "name_en"):
        op.drop_column("roles", column)
    length = max(len(code) for code in OLD_ROLES)
    for table, column, check in (
        ("roles", "code", "role_code"),
        ("cases", "waiting_role", "waiting_role"),
        ("step_runs", "role", "step_role"),
    ):
        op.alter_column(table, column, type_=sa.String(length), existing_nullable=table == "cases")
        op.create_check_constraint(op.f(f"ck_{table}_{check}"), table, f"{column} IN {OLD_ROLES}")
