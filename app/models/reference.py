"""Reference lists editable by admins (DESIGN.md §1)."""

from sqlalchemy import Column, Integer

from app.models.base import Model, ReferenceMixin


class RequestType(ReferenceMixin, Model):
    __tablename__ = "request_type"

    # Months after closure before the personal data of its complaints is anonymised
    # (app/services/retention.py); None keeps them forever.
    retention_months = Column(Integer)


class Channel(ReferenceMixin, Model):
    __tablename__ = "channel"


class Category(ReferenceMixin, Model):
    __tablename__ = "category"


class Severity(ReferenceMixin, Model):
    __tablename__ = "severity"


class Complexity(ReferenceMixin, Model):
    __tablename__ = "complexity"


class ResolutionType(ReferenceMixin, Model):
    __tablename__ = "resolution_type"


class Sector(ReferenceMixin, Model):
    __tablename__ = "sector"


class Agency(ReferenceMixin, Model):
    __tablename__ = "agency"


REFERENCE_MODELS = {
    "request_type": RequestType,
    "channel": Channel,
    "category": Category,
    "severity": Severity,
    "complexity": Complexity,
    "resolution_type": ResolutionType,
    "sector": Sector,
    "agency": Agency,
}


class ReferenceVersion(Model):
    """One row whose number grows whenever a list the filters offer changes (categories,
    states, teams, users…): each process keeps those options rendered and reads only this
    number, once a page, to know whether they still are (app/services/reference_version.py).
    """

    __tablename__ = "reference_version"

    id = Column(Integer, primary_key=True)
    version = Column(Integer, nullable=False, default=1)
