"""the dashboard's satisfaction figures and median processing time read from indexes

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 15:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_complaint_closed_cover', 'complaint',
                    ['closed_at', 'confidential', 'satisfaction', 'satisfaction_rating'],
                    sqlite_where=sa.text('closed_at IS NOT NULL'),
                    postgresql_where=sa.text('closed_at IS NOT NULL'))
    op.create_index('ix_complaint_processing', 'complaint',
                    ['processing_seconds', 'answered_at', 'confidential'],
                    sqlite_where=sa.text('processing_seconds IS NOT NULL'),
                    postgresql_where=sa.text('processing_seconds IS NOT NULL'))
    # Without statistics for the new index SQLite's planner misjudges it (and its PRAGMA
    # optimize in the release step does not notice new indexes).
    op.execute("ANALYZE complaint")


def downgrade():
    op.drop_index('ix_complaint_processing', table_name='complaint')
    op.drop_index('ix_complaint_closed_cover', table_name='complaint')
