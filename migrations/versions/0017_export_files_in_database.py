"""background export files in the database (FILE_STORAGE=database)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 03:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('storage', sa.String(length=10), nullable=False,
                                      server_default='local'))
    op.create_table('export_chunk',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['export_job.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'seq')
    )


def downgrade():
    op.drop_table('export_chunk')
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_column('storage')
