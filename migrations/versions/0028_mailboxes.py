"""IMAP mailboxes polled by the scheduler

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 01:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mailbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('port', sa.Integer(), nullable=False),
        sa.Column('security', sa.String(length=10), nullable=False),
        sa.Column('username', sa.String(length=255), nullable=False),
        sa.Column('password_encrypted', sa.Text(), nullable=True),
        sa.Column('folder', sa.String(length=255), nullable=False),
        sa.Column('processed_action', sa.String(length=10), nullable=False),
        sa.Column('move_to', sa.String(length=255), nullable=True),
        sa.Column('request_type_id', sa.Integer(), nullable=True),
        sa.Column('channel_id', sa.Integer(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('last_polled_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_error_at', sa.DateTime(), nullable=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('next_poll_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('taken_in', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['request_type_id'], ['request_type.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )


def downgrade():
    op.drop_table('mailbox')
