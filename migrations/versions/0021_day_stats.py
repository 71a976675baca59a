"""the dashboard's figures per local day, so that a period's KPIs read its days

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 09:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

FIGURES = ('received', 'answered', 'answered_on_time', 'timed', 'surveyed', 'satisfied',
           'rated', 'rating_sum')


def upgrade():
    op.create_table(
        'complaint_day_stat',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('confidential', sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FIGURES),
        sa.PrimaryKeyConstraint('day', 'confidential'),
    )
    # The days are local days of the configured time zone, which only the application
    # knows: without the mark of the zone the counts were made in, the release step
    # (`flask setup`) recounts the monthly and daily counts, and until then the dashboard
    # counts the complaints themselves.
    op.execute("DELETE FROM setting WHERE key = 'month_stats_time_zone'")


def downgrade():
    op.drop_table('complaint_day_stat')
