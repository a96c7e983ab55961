"""Initial schema: accounts and roles, SOP versions, cases and step runs, outputs, audit.

Also seeds the six roles and makes the history tables append-only in PostgreSQL itself.

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 01:24:07.443163

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

ROLES = [
    ("pengguna", "Pengguna (Pegawai/Non Pegawai DJKI)"),
    ("direktur", "Direktur TI-KI"),
    ("kasubdit", "Kasubdit Perencanaan"),
    ("kasi", "Kasi Portal Web"),
    ("jfu", "JFU (Jabatan Fungsional Umum)"),
    ("superuser", "Superuser"),
]

# History is never rewritten: corrections are new rows that point at what they correct.
APPEND_ONLY_TABLES = ("audit_events", "log_entries", "instructions", "reports")

FORBID_CHANGE_FUNCTION = """
CREATE FUNCTION forbid_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Add a new row that corrects the old one.';
END
$$
"""


def upgrade():
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=50), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("username ~ '^[a-z0-9._-]{3,50}$'", name=op.f('ck_accounts_username_format')),
    sa.CheckConstraint('length(trim(full_name)) > 0', name=op.f('ck_accounts_full_name_present')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index('uq_accounts_username_lower', [sa.literal_column('lower(username)')], unique=True)

    op.create_table('roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.Enum('pengguna', 'direktur', 'kasubdit', 'kasi', 'jfu', 'superuser', name='role_code', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roles')),
    sa.UniqueConstraint('code', name=op.f('uq_roles_code'))
    )
    op.create_table('sop_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('definition', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('version > 0', name=op.f('ck_sop_versions_version_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sop_versions')),
    sa.UniqueConstraint('key', 'version', name='uq_sop_versions_key_version')
    )
    op.create_table('account_roles',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_roles_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_account_roles_role_id_roles'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('account_id', 'role_id', name=op.f('pk_account_roles'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sop_version_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('channel', sa.Enum('telepon', 'email', 'langsung', 'web', name='channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('priority', sa.Enum('rendah', 'sedang', 'tinggi', 'kritis', name='priority', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', 'closed_early', name='case_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('current_step', sa.Integer(), nullable=True),
    sa.Column('waiting_role', sa.Enum('pengguna', 'direktur', 'kasubdit', 'kasi', 'jfu', 'superuser', name='waiting_role', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reporter_name', sa.String(length=200), nullable=True),
    sa.Column('reporter_contact', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('rework_rounds', sa.Integer(), server_default='0', nullable=False),
    sa.Column('close_reason', sa.Enum('duplikat', 'bukan_portal', 'ditarik', name='close_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("(status = 'closed_early') = (close_reason IS NOT NULL)", name=op.f('ck_cases_early_close_has_reason')),
    sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name=op.f('ck_cases_closed_has_time')),
    sa.CheckConstraint("(status = 'open') = (current_step IS NOT NULL AND waiting_role IS NOT NULL)", name=op.f('ck_cases_open_has_current_step')),
    sa.CheckConstraint('current_step IS NULL OR current_step >= 1', name=op.f('ck_cases_step_positive')),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_cases_title_present')),
    sa.CheckConstraint('reporter_id IS NOT NULL OR reporter_name IS NOT NULL', name=op.f('ck_cases_reporter_known')),
    sa.CheckConstraint('rework_rounds >= 0', name=op.f('ck_cases_rework_rounds_not_negative')),
    sa.ForeignKeyConstraint(['assignee_id'], ['accounts.id'], name=op.f('fk_cases_assignee_id_accounts')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['accounts.id'], name=op.f('fk_cases_recorded_by_id_accounts')),
    sa.ForeignKeyConstraint(['reporter_id'], ['accounts.id'], name=op.f('fk_cases_reporter_id_accounts')),
    sa.ForeignKeyConstraint(['sop_version_id'], ['sop_versions.id'], name=op.f('fk_cases_sop_version_id_sop_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_cases_open_by_assignee', ['assignee_id', 'created_at'], unique=False, postgresql_where=sa.text("status = 'open'"))
        batch_op.create_index('ix_cases_open_by_role', ['waiting_role', 'created_at'], unique=False, postgresql_where=sa.text("status = 'open'"))
        batch_op.create_index('ix_cases_reporter', ['reporter_id', 'created_at'], unique=False)

    op.create_table('non_working_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('libur_nasional', 'cuti_bersama', 'penutupan', name='non_working_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_non_working_days_name_present')),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_non_working_days_created_by_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_non_working_days')),
    sa.UniqueConstraint('day', name=op.f('uq_non_working_days_day'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('before', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('after', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.CheckConstraint('length(action) > 0', name=op.f('ck_audit_events_action_present')),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_audit_events_actor_id_accounts')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_audit_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_case', ['case_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index('ix_audit_events_occurred_at', ['occurred_at', 'id'], unique=False)

    op.create_table('step_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), server_default='0', nullable=False),
    sa.Column('role', sa.Enum('pengguna', 'direktur', 'kasubdit', 'kasi', 'jfu', 'superuser', name='step_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('standard_minutes', sa.Integer(), nullable=True),
    sa.Column('actionable_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('performer_id', sa.Integer(), nullable=True),
    sa.Column('working_minutes', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('completed', 'returned', 'closed_early')", name=op.f('ck_step_runs_outcome_known')),
    sa.CheckConstraint('(completed_at IS NULL) = (outcome IS NULL)', name=op.f('ck_step_runs_completed_has_outcome')),
    sa.CheckConstraint('(completed_at IS NULL) = (performer_id IS NULL)', name=op.f('ck_step_runs_completed_has_performer')),
    sa.CheckConstraint('(completed_at IS NULL) = (working_minutes IS NULL)', name=op.f('ck_step_runs_completed_is_measured')),
    sa.CheckConstraint('completed_at IS NULL OR completed_at >= actionable_at', name=op.f('ck_step_runs_completed_after')),
    sa.CheckConstraint('opened_at IS NULL OR opened_at >= actionable_at', name=op.f('ck_step_runs_opened_after')),
    sa.CheckConstraint('due_at IS NULL OR due_at >= actionable_at', name=op.f('ck_step_runs_due_after')),
    sa.CheckConstraint('(due_at IS NULL) = (standard_minutes IS NULL)', name=op.f('ck_step_runs_timed_has_due')),
    sa.CheckConstraint('round >= 0', name=op.f('ck_step_runs_round_not_negative')),
    sa.CheckConstraint('standard_minutes IS NULL OR standard_minutes > 0', name=op.f('ck_step_runs_standard_positive')),
    sa.CheckConstraint('step >= 1', name=op.f('ck_step_runs_step_positive')),
    sa.CheckConstraint('working_minutes IS NULL OR working_minutes >= 0', name=op.f('ck_step_runs_working_not_negative')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_step_runs_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['performer_id'], ['accounts.id'], name=op.f('fk_step_runs_performer_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_runs')),
    sa.UniqueConstraint('case_id', 'step', 'round', name='uq_step_runs_case_step_round')
    )
    with op.batch_alter_table('step_runs', schema=None) as batch_op:
        batch_op.create_index('ix_step_runs_open_due', ['due_at'], unique=False, postgresql_where=sa.text('completed_at IS NULL AND due_at IS NOT NULL'))
        batch_op.create_index('ix_step_runs_open_since', ['actionable_at'], unique=False, postgresql_where=sa.text('completed_at IS NULL'))
        batch_op.create_index('ix_step_runs_performer', ['performer_id', 'completed_at'], unique=False)
        batch_op.create_index('uq_step_runs_one_open_per_case', ['case_id'], unique=True, postgresql_where=sa.text('completed_at IS NULL'))

    op.create_table('instructions',
    sa.Column('kind', sa.Enum('kebijakan', 'perintah', 'pengarahan', name='instruction_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('addressee_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Enum('rendah', 'sedang', 'tinggi', 'kritis', name='instruction_priority', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step_run_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(trim(text)) > 0', name=op.f('ck_instructions_text_present')),
    sa.ForeignKeyConstraint(['addressee_id'], ['accounts.id'], name=op.f('fk_instructions_addressee_id_accounts')),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_instructions_author_id_accounts')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_instructions_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['corrects_id'], ['instructions.id'], name=op.f('fk_instructions_corrects_id_instructions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['step_run_id'], ['step_runs.id'], name=op.f('fk_instructions_step_run_id_step_runs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instructions'))
    )
    with op.batch_alter_table('instructions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instructions_case_id'), ['case_id'], unique=False)

    op.create_table('log_entries',
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('log_date', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('step_run_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(trim(text)) > 0', name=op.f('ck_log_entries_text_present')),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_log_entries_author_id_accounts')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_log_entries_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['corrects_id'], ['log_entries.id'], name=op.f('fk_log_entries_corrects_id_log_entries'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['step_run_id'], ['step_runs.id'], name=op.f('fk_log_entries_step_run_id_step_runs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_entries'))
    )
    with op.batch_alter_table('log_entries', schema=None) as batch_op:
        batch_op.create_index('ix_log_entries_author_day', ['author_id', 'log_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_log_entries_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_log_entries_day', ['log_date', 'id'], unique=False)

    op.create_table('reports',
    sa.Column('kind', sa.Enum('analisa', 'solusi', 'perbaikan', 'penerimaan', 'pengembalian', name='report_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step_run_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(trim(text)) > 0', name=op.f('ck_reports_text_present')),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_reports_author_id_accounts')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reports_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['corrects_id'], ['reports.id'], name=op.f('fk_reports_corrects_id_reports'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['step_run_id'], ['step_runs.id'], name=op.f('fk_reports_step_run_id_step_runs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_case_id'), ['case_id'], unique=False)


    roles = sa.table("roles", sa.column("code", sa.String), sa.column("name", sa.String))
    op.bulk_insert(roles, [{"code": code, "name": name} for code, name in ROLES])
    op.execute(FORBID_CHANGE_FUNCTION)
    for table in APPEND_ONLY_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION forbid_history_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION forbid_history_change()"
        )

def downgrade():
    for table in APPEND_ONLY_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS forbid_history_change()")
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_case_id'))

    op.drop_table('reports')
    with op.batch_alter_table('log_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_log_entries_day')
        batch_op.drop_index(batch_op.f('ix_log_entries_case_id'))
        batch_op.drop_index('ix_log_entries_author_day')

    op.drop_table('log_entries')
    with op.batch_alter_table('instructions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instructions_case_id'))

    op.drop_table('instructions')
    with op.batch_alter_table('step_runs', schema=None) as batch_op:
        batch_op.drop_index('uq_step_runs_one_open_per_case', postgresql_where=sa.text('completed_at IS NULL'))
        batch_op.drop_index('ix_step_runs_performer')
        batch_op.drop_index('ix_step_runs_open_due', postgresql_where=sa.text('completed_at IS NULL AND due_at IS NOT NULL'))
        batch_op.drop_index('ix_step_runs_open_since', postgresql_where=sa.text('completed_at IS NULL'))

    op.drop_table('step_runs')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_occurred_at')
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index('ix_audit_events_case')

    op.drop_table('audit_events')
    op.drop_table('non_working_days')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_reporter')
        batch_op.drop_index('ix_cases_open_by_role', postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index('ix_cases_open_by_assignee', postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index('ix_cases_created_at')

    op.drop_table('cases')
    op.drop_table('account_roles')
    op.drop_table('sop_versions')
    op.drop_table('roles')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index('uq_accounts_username_lower')

    op.drop_table('accounts')
