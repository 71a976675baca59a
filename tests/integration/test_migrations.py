"""The Alembic history builds exactly the schema the models describe: a model change
without its migration (or the other way round) fails here."""

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from app.services.fulltext_schema import is_index_table


def test_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection, warnings.catch_warnings():
        # Alembic cannot compare expression-based indexes (uq_deadline_rule_scope) and
        # says so with a warning; everything else is compared.
        warnings.simplefilter("ignore")
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            # The full-text index is not in the models (app/services/fulltext_schema.py).
            "include_name": lambda name, type_, _: not (
                type_ in ("table", "index") and is_index_table(name))})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
