"""Factories for integration tests: each call makes rows with unique values, through the
same services as the application, so tests never depend on one another's data."""

import itertools
from datetime import datetime

from sqlalchemy import select

from app.models import AppUser, Client, Complaint, Complexity, Contract, State, Team
from app.services import complaints as complaint_service

_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_seq):06d}"


def user(session, username: str) -> AppUser:
    return session.scalars(select(AppUser).where(AppUser.username == username)).one()


def state(session, code: str) -> State:
    return session.scalars(select(State).where(State.code == code)).one()


def complexity(session, code: str = "standard") -> Complexity:
    return session.scalars(select(Complexity).where(Complexity.code == code)).one()


def make_client(session, **fields) -> Client:
    values = {"customer_number": unique("C"), "name": unique("Client "), "kind": "person",
              "email": f"{unique('client')}@example.org"}
    values.update(fields)
    client = Client(**values)
    session.add(client)
    session.commit()
    return client


def make_contract(session, client: Client, **fields) -> Contract:
    contract = Contract(number=unique("K"), client=client, label="Contrat eau", **fields)
    session.add(contract)
    session.commit()
    return contract


def make_team(session, **fields) -> Team:
    team = Team(name=unique("Team "), **fields)
    session.add(team)
    session.commit()
    return team


def make_complaint(session, actor=None, state_code: str = "new", **fields) -> Complaint:
    values = {
        "received_at": datetime(2026, 11, 2, 9, 30),
        "subject": unique("Subject "),
        "complexity": complexity(session),
        "state": state(session, state_code),
    }
    values.update(fields)
    return complaint_service.open_complaint(session, Complaint(**values), actor=actor)
