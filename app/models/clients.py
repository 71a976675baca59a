"""Clients and their contracts."""

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from app.models.base import Model, utcnow


class Client(Model):
    __tablename__ = "client"

    id = Column(Integer, primary_key=True)
    customer_number = Column(String(50), unique=True, nullable=False)
    name = Column(String(200), nullable=False, index=True)
    kind = Column(String(20), nullable=False, default="person")  # person | company
    email = Column(String(320), index=True)
    phone = Column(String(50))
    address = Column(Text)
    sector_id = Column(Integer, ForeignKey("sector.id"), index=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), index=True)
    analytic_code = Column(String(50), index=True)
    portfolio_owner_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    sector = relationship("Sector")
    agency = relationship("Agency")
    portfolio_owner = relationship("AppUser", foreign_keys=[portfolio_owner_id])
    contracts = relationship("Contract", back_populates="client", order_by="Contract.number")

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_number})"


class Contract(Model):
    __tablename__ = "contract"

    id = Column(Integer, primary_key=True)
    number = Column(String(50), unique=True, nullable=False)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    label = Column(String(200))
    sector_id = Column(Integer, ForeignKey("sector.id"), index=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), index=True)
    analytic_code = Column(String(50), index=True)
    start_date = Column(Date)
    end_date = Column(Date)

    client = relationship(Client, back_populates="contracts")
    sector = relationship("Sector")
    agency = relationship("Agency")

    def __str__(self) -> str:
        return f"{self.number} – {self.label}" if self.label else self.number
