"""Alembic environment, driven by Flask-Migrate with the application's engine."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name)

from app.services import fulltext_schema  # noqa: E402

target_metadata = current_app.extensions["migrate"].db.metadata


def include_name(name, type_, _parent_names):
    """The full-text index's tables are not in the models: autogenerate leaves them be."""
    return not (type_ in ("table", "index") and fulltext_schema.is_index_table(name))


def run_migrations_offline():
    context.configure(url=current_app.config["SQLALCHEMY_DATABASE_URI"],
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = current_app.extensions["migrate"].db.engine
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations copy tables. The pragma only works outside a transaction,
            # so it goes to the driver's connection before SQLAlchemy begins one.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, compare_type=True,
                          include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
            # SQLite drops a table's triggers when a batch migration rebuilds the table.
            fulltext_schema.reinstall_triggers(connection)
        if sqlite:
            connection.commit()
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
