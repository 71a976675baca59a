"""full-text index of complaints (FTS5 on SQLite, tsvector + GIN on PostgreSQL) and the
triggers that keep it in sync

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 03:40:00.000000

The index is described in app/services/fulltext_schema.py (the models do not hold it):
this migration creates it, fills it from every complaint and installs its triggers.
"""
from alembic import op

from app.services import fulltext_schema


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    fulltext_schema.install(op.get_bind(), build=True)


def downgrade():
    fulltext_schema.uninstall(op.get_bind())
