"""a sign-in lock per account: until when it waits after failed sign-ins in a row

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 13:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ab_user') as batch_op:
        batch_op.add_column(sa.Column('login_locked_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('ab_user') as batch_op:
        batch_op.drop_column('login_locked_until')
