"""the list's filters combined with a state, counted from one index

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 16:30:00.000000
"""
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_complaint_state_filters', 'complaint',
                    ['state_id', 'category_id', 'received_at', 'team_id', 'assignee_id',
                     'severity_id', 'channel_id', 'request_type_id', 'confidential'],
                    postgresql_include=['id'])
    # Without statistics for the new index SQLite's planner misjudges it (and its PRAGMA
    # optimize in the release step does not notice new indexes).
    op.execute("ANALYZE complaint")


def downgrade():
    op.drop_index('ix_complaint_state_filters', table_name='complaint')
