"""notification rules, their alert keys, and the last action on a complaint

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 21:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('condition', sa.String(length=20), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('to_assignee', sa.Boolean(), nullable=False),
    sa.Column('to_team_manager', sa.Boolean(), nullable=False),
    sa.Column('to_supervisors', sa.Boolean(), nullable=False),
    sa.Column('fixed_address', sa.String(length=320), nullable=True),
    sa.Column('by_email', sa.Boolean(), nullable=False),
    sa.Column('on_screen', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('checked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('rule_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('occurrence_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['notification_rule.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rule_id', 'complaint_id', 'reminder_id', 'occurrence_at',
                        name='uq_rule_alert_occurrence')
    )
    op.create_index('ix_rule_alert_complaint_id', 'rule_alert', ['complaint_id'], unique=False)

    # The last action of existing complaints is taken to be their last update. Added with
    # a server default so that SQLite adds it in place (no copy of a large table).
    op.add_column('complaint', sa.Column('last_action_at', sa.DateTime(), nullable=False,
                                         server_default='1970-01-01 00:00:00'))
    op.execute("UPDATE complaint SET last_action_at = updated_at")
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('complaint', 'last_action_at', server_default=None)
    op.create_index('ix_complaint_open_last_action', 'complaint', ['last_action_at'],
                    sqlite_where=sa.text('closed_at IS NULL'),
                    postgresql_where=sa.text('closed_at IS NULL'))
    op.create_index('ix_complaint_updated_at', 'complaint', ['updated_at'])
    op.create_index('ix_reminder_open_remind_at', 'reminder', ['remind_at'],
                    sqlite_where=sa.text('done_at IS NULL'),
                    postgresql_where=sa.text('done_at IS NULL'))
    op.create_index('ix_reminder_created_at', 'reminder', ['created_at'])


def downgrade():
    op.drop_index('ix_reminder_created_at', table_name='reminder')
    op.drop_index('ix_reminder_open_remind_at', table_name='reminder')
    op.drop_index('ix_complaint_updated_at', table_name='complaint')
    op.drop_index('ix_complaint_open_last_action', table_name='complaint')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_column('last_action_at')
    op.drop_index('ix_rule_alert_complaint_id', table_name='rule_alert')
    op.drop_table('rule_alert')
    op.drop_table('notification_rule')
