"""the full-text index also holds each complaint's state, category, team, assignee, request
type, channel, severity, complexity, client and confidential flag, so that words, those
filters and a reader's scope are counted in it

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 10:00:00.000000

Every document is rewritten (a few minutes at a million complaints). The index is
described in app/services/fulltext_schema.py.
"""
from alembic import op

from app.services import fulltext_schema


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":  # FTS5 tables take no new column: made anew
        connection.exec_driver_sql("DROP TABLE IF EXISTS complaint_fts")
    else:  # filled faster without its index, which is then built once
        connection.exec_driver_sql("DROP INDEX IF EXISTS ix_complaint_search_document")
    fulltext_schema.install(connection, build=True)


def downgrade():
    # The documents keep their facets' words, which the older queries never look for.
    pass
