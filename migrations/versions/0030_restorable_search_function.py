"""the client search function names search_fold with its schema, so that pg_restore
(which builds indexes with an empty search_path) can restore a backup

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 01:30:00.000000
"""
from alembic import op

from app.services import fulltext_schema


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    fulltext_schema.qualify_client_document(op.get_bind())


def downgrade():
    pass  # the unqualified body works at run time; only a restore needed the schema
