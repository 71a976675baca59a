"""an agent's dashboard: their complaints outside their team by date of answer and of
closing, and the processing times' index with a reader's scope

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 10:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

PROCESSED = sa.text("processing_seconds IS NOT NULL")
CLOSED = sa.text("closed_at IS NOT NULL")


def _processing(*scope):
    op.drop_index('ix_complaint_processing', table_name='complaint')
    op.create_index('ix_complaint_processing', 'complaint',
                    ['processing_seconds', 'answered_at', 'confidential', *scope],
                    sqlite_where=PROCESSED, postgresql_where=PROCESSED)


def upgrade():
    _processing('team_id', 'assignee_id', 'client_id')
    op.create_index('ix_complaint_assignee_answered', 'complaint',
                    ['assignee_id', 'answered_at', 'team_id', 'confidential',
                     'answered_on_time', 'processing_seconds'])
    op.create_index('ix_complaint_assignee_closed', 'complaint',
                    ['assignee_id', 'closed_at', 'team_id', 'confidential', 'satisfaction',
                     'satisfaction_rating'], sqlite_where=CLOSED, postgresql_where=CLOSED)
    op.execute("ANALYZE complaint")


def downgrade():
    op.drop_index('ix_complaint_assignee_closed', table_name='complaint')
    op.drop_index('ix_complaint_assignee_answered', table_name='complaint')
    _processing()
