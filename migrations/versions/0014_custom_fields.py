"""custom fields: their definitions, the request types they apply to, their values

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 03:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('custom_field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label_fr', sa.String(length=150), nullable=False),
    sa.Column('label_en', sa.String(length=150), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('choices', sa.Text(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('in_list', sa.Boolean(), nullable=False),
    sa.Column('in_export', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('custom_field_request_type',
    sa.Column('custom_field_id', sa.Integer(), nullable=False),
    sa.Column('request_type_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['custom_field_id'], ['custom_field.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_type_id'], ['request_type.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('custom_field_id', 'request_type_id')
    )
    op.create_table('custom_field_value',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('value_text', sa.String(length=500), nullable=True),
    sa.Column('value_number', sa.Float(), nullable=True),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('value_bool', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['field_id'], ['custom_field.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('complaint_id', 'field_id')
    )
    op.create_index('ix_cfv_field_text', 'custom_field_value', ['field_id', 'value_text'])
    op.create_index('ix_cfv_field_number', 'custom_field_value', ['field_id', 'value_number'])
    op.create_index('ix_cfv_field_date', 'custom_field_value', ['field_id', 'value_date'])
    op.create_index('ix_cfv_field_bool', 'custom_field_value', ['field_id', 'value_bool'])


def downgrade():
    op.drop_index('ix_cfv_field_bool', table_name='custom_field_value')
    op.drop_index('ix_cfv_field_date', table_name='custom_field_value')
    op.drop_index('ix_cfv_field_number', table_name='custom_field_value')
    op.drop_index('ix_cfv_field_text', table_name='custom_field_value')
    op.drop_table('custom_field_value')
    op.drop_table('custom_field_request_type')
    op.drop_table('custom_field')
