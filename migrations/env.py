"""Alembic environment: runs the revisions against the Flask app's database."""

import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
# Migrations run as the tables' owner (DATABASE_OWNER_URL); the app's own role only uses them.
engine = current_app.extensions["sopdesk_owner_engine"]
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def _skip_empty_autogenerate(context, revision, directives):
    """Do not write an empty revision when autogenerate finds no change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline() -> None:
    """Emit SQL instead of running it (`flask db upgrade --sql`)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=db.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the revisions on a live connection."""
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", _skip_empty_autogenerate)
    conf_args.setdefault("compare_type", True)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
            regrant_app_role(connection)


def regrant_app_role(connection) -> None:
    """Give the app's role its rights on the tables as they now are (when it is another role)."""
    from models.privileges import grant_app_role, role_exists

    app_role = db.engine.url.username
    owner = connection.scalar(sa.text("SELECT current_user"))
    if app_role and app_role != owner and role_exists(connection, app_role):
        grant_app_role(connection, app_role)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
