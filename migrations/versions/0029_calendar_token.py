"""a user's private calendar address (hash of its secret)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 01:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ab_user') as batch_op:
        batch_op.add_column(sa.Column('calendar_token_hash', sa.String(length=64),
                                      nullable=True))
        batch_op.create_index('ix_ab_user_calendar_token_hash', ['calendar_token_hash'],
                              unique=True)


def downgrade():
    with op.batch_alter_table('ab_user') as batch_op:
        batch_op.drop_index('ix_ab_user_calendar_token_hash')
        batch_op.drop_column('calendar_token_hash')
