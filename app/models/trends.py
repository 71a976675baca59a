"""Emerging trends flagged by the daily job (app/services/trends.py)."""

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, String, UniqueConstraint

from app.models.base import Model, utcnow


class TrendFlag(Model):
    """A significant rise of one value of one dimension (a category, an agency, a choice of
    a custom field…), counted over the whole register. One row per rise: a rise lasting
    several days is the same row, updated each day, until it ends (``active`` false)."""

    __tablename__ = "trend_flag"
    __table_args__ = (
        UniqueConstraint("dimension", "value_key", "started_on", name="uq_trend_flag_rise"),
    )

    id = Column(Integer, primary_key=True)
    # category | agency | sector | request_type | cf:<custom field id>
    dimension = Column(String(40), nullable=False)
    value_key = Column(String(255), nullable=False)  # the row's id, or the choice's code
    started_on = Column(Date, nullable=False)
    last_seen_on = Column(Date, nullable=False)
    active = Column(Boolean, nullable=False, default=True, index=True)
    current = Column(Integer, nullable=False)
    expected = Column(Float, nullable=False)
    spread = Column(Float, nullable=False)
    score = Column(Float, nullable=False)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
