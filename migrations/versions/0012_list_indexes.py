"""indexes for the complaint list's filters in date order

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 22:25:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_complaint_state_received', 'complaint', ['state_id', 'received_at'])
    op.create_index('ix_complaint_category_received', 'complaint',
                    ['category_id', 'received_at'])
    op.create_index('ix_complaint_running_received', 'complaint', ['received_at'],
                    sqlite_where=sa.text("clock = 'running'"),
                    postgresql_where=sa.text("clock = 'running'"))
    # Without statistics for the new indexes SQLite's planner ignores them (and its PRAGMA
    # optimize in the release step does not notice new indexes).
    op.execute("ANALYZE complaint")


def downgrade():
    op.drop_index('ix_complaint_running_received', table_name='complaint')
    op.drop_index('ix_complaint_category_received', table_name='complaint')
    op.drop_index('ix_complaint_state_received', table_name='complaint')
