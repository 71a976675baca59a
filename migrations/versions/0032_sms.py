"""the SMS outbox, users' mobile numbers and the SMS channel of notification rules

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 01:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbound_sms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=True),
        sa.Column('recipient', sa.String(length=20), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('provider_id', sa.String(length=100), nullable=True),
        sa.Column('dedupe_key', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('sending_started_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dedupe_key'),
    )
    op.create_index('ix_outbound_sms_complaint_id', 'outbound_sms', ['complaint_id'])
    op.create_index('ix_outbound_sms_status_next', 'outbound_sms',
                    ['status', 'next_attempt_at'])
    with op.batch_alter_table('ab_user') as batch_op:
        batch_op.add_column(sa.Column('mobile_phone', sa.String(length=20), nullable=True))
    with op.batch_alter_table('notification_rule') as batch_op:
        batch_op.add_column(sa.Column('by_sms', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('notification_rule') as batch_op:
        batch_op.drop_column('by_sms')
    with op.batch_alter_table('ab_user') as batch_op:
        batch_op.drop_column('mobile_phone')
    op.drop_index('ix_outbound_sms_status_next', table_name='outbound_sms')
    op.drop_index('ix_outbound_sms_complaint_id', table_name='outbound_sms')
    op.drop_table('outbound_sms')
