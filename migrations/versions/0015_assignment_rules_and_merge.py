"""assignment rules, team rotations, and the complaint a merged one went into

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 03:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assignment_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('request_type_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('round_robin', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_type_id'], ['request_type.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('team_rotation',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('last_user_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id')
    )
    # A nullable column with no default, added in place (no copy of a large table). No
    # foreign key: SQLite can only add one by rebuilding the table; the link is read with
    # session.get, and a deleted target simply reads as none.
    op.add_column('complaint', sa.Column('merged_into_id', sa.Integer(), nullable=True))
    op.create_index('ix_complaint_merged_into_id', 'complaint', ['merged_into_id'])

def downgrade():
    op.drop_index('ix_complaint_merged_into_id', table_name='complaint')
    with op.batch_alter_table('complaint') as batch_op:
        batch_op.drop_column('merged_into_id')
    op.drop_table('team_rotation')
    op.drop_table('assignment_rule')
