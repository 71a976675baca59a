"""a reminder whose alert was withheld: its user could not see the complaint when it fell
due (issue 19)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 13:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminder') as batch_op:
        batch_op.add_column(sa.Column('withheld_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('reminder') as batch_op:
        batch_op.drop_column('withheld_at')
