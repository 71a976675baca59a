"""emerging trends (the rises flagged by the daily job) and suggested classification

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 02:15:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'trend_flag',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('dimension', sa.String(length=40), nullable=False),
        sa.Column('value_key', sa.String(length=255), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('last_seen_on', sa.Date(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('current', sa.Integer(), nullable=False),
        sa.Column('expected', sa.Float(), nullable=False),
        sa.Column('spread', sa.Float(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('dimension', 'value_key', 'started_on', name='uq_trend_flag_rise'),
    )
    op.create_index('ix_trend_flag_active', 'trend_flag', ['active'])
    op.create_table(
        'classifier_model',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('trained_at', sa.DateTime(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('samples', sa.Integer(), nullable=False),
        sa.Column('held_out', sa.Integer(), nullable=False),
        sa.Column('category_accuracy', sa.Float()),
        sa.Column('category_macro_f1', sa.Float()),
        sa.Column('request_type_accuracy', sa.Float()),
        sa.Column('request_type_macro_f1', sa.Float()),
        sa.Column('report', sa.Text()),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        'classification_suggestion',
        sa.Column('complaint_id', sa.Integer(),
                  sa.ForeignKey('complaint.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('model_id', sa.Integer(),
                  sa.ForeignKey('classifier_model.id', ondelete='SET NULL')),
        sa.Column('category_id', sa.Integer(),
                  sa.ForeignKey('category.id', ondelete='CASCADE')),
        sa.Column('category_confidence', sa.Float()),
        sa.Column('request_type_id', sa.Integer(),
                  sa.ForeignKey('request_type.id', ondelete='CASCADE')),
        sa.Column('request_type_confidence', sa.Float()),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    )


def downgrade():
    op.drop_table('classification_suggestion')
    op.drop_table('classifier_model')
    op.drop_index('ix_trend_flag_active', table_name='trend_flag')
    op.drop_table('trend_flag')
