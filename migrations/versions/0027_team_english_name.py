"""a team's English name (empty: its French name is shown in English too)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 17:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('team') as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=150), nullable=True))


def downgrade():
    with op.batch_alter_table('team') as batch_op:
        batch_op.drop_column('name_en')
