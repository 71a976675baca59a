"""satisfaction surveys, retention per request type, anonymised complaints

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 03:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'satisfaction_survey',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('satisfied', sa.Boolean(), nullable=True),
        sa.Column('rating', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('reopened_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('complaint_id', 'closed_at', name='uq_satisfaction_survey_closure'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_satisfaction_survey_complaint_id', 'satisfaction_survey',
                    ['complaint_id'])
    with op.batch_alter_table('request_type') as batch:
        batch.add_column(sa.Column('retention_months', sa.Integer(), nullable=True))
    with op.batch_alter_table('complaint') as batch:
        batch.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('deleted_complaint') as batch:
        batch.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))
    op.create_index('ix_complaint_retention', 'complaint', ['request_type_id', 'closed_at'],
                    sqlite_where=sa.text("anonymised_at IS NULL AND closed_at IS NOT NULL"),
                    postgresql_where=sa.text("anonymised_at IS NULL AND closed_at IS NOT NULL"))


def downgrade():
    op.drop_index('ix_complaint_retention', table_name='complaint')
    with op.batch_alter_table('deleted_complaint') as batch:
        batch.drop_column('anonymised_at')
    with op.batch_alter_table('complaint') as batch:
        batch.drop_column('anonymised_at')
    with op.batch_alter_table('request_type') as batch:
        batch.drop_column('retention_months')
    op.drop_index('ix_satisfaction_survey_complaint_id', table_name='satisfaction_survey')
    op.drop_table('satisfaction_survey')
