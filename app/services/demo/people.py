"""The people of the demo: teams and agents, and clients with their contracts.

Teams and agents are created once (a second load reuses them); clients and contracts are
added on every load, in batches written by ``bulk.Bulk``.
"""

import secrets
import unicodedata
from datetime import datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from app.domain import roles
from app.models import AppUser, Client, Contract, Team
from app.services.context import surroundings_of
from app.services.demo import data
from app.services.exceptions import MissingReferenceData

BATCH = 10_000  # clients per transaction
SPAN_DAYS = 730  # complaints are spread over the last two years; clients are older


class Staff(NamedTuple):
    users: list[int]
    names: dict[int, str]
    teams: list[int]  # in the order of data.TEAMS
    members: dict[int, list[int]]
    managers: dict[int, int]


def ensure_staff(session, security_manager, password) -> Staff:
    """The demo teams and agents (created when missing); the first member manages a team."""
    teams = _ensure_teams(session)
    users = _ensure_users(session, security_manager, password, teams)
    members, managers = {}, {}
    for username, _first, _last, team_index in data.STAFF:
        team_id, user_id = teams[team_index], users[username].id
        members.setdefault(team_id, []).append(user_id)
        managers.setdefault(team_id, user_id)
    for team_id, user_id in managers.items():
        # Only a team without a manager gets one: an admin's choice is kept.
        session.execute(update(Team).where(Team.id == team_id, Team.manager_id.is_(None))
                        .values(manager_id=user_id))
    session.commit()
    names = {user.id: str(user) for user in users.values()}
    return Staff(sorted(names), names, teams, members, managers)


def _ensure_teams(session) -> list[int]:
    wanted = [name for name, _name_en, _email, _categories in data.TEAMS]
    found = dict(session.execute(select(Team.name, Team.id).where(Team.name.in_(wanted))).all())
    for name, name_en, email, _categories in data.TEAMS:
        if name not in found:
            team = Team(name=name, name_en=name_en, email=email, active=True)
            session.add(team)
            session.flush()
            found[name] = team.id
        else:  # a team loaded before it had an English name gets one; an admin's is kept
            session.execute(update(Team).where(Team.id == found[name], Team.name_en.is_(None))
                            .values(name_en=name_en))
    session.commit()
    return [found[name] for name in wanted]


def _ensure_users(session, security_manager, password, teams) -> dict[str, AppUser]:
    wanted = [row[0] for row in data.STAFF]
    users = {u.username: u for u in
             session.scalars(select(AppUser).where(AppUser.username.in_(wanted)))}
    missing = [row for row in data.STAFF if row[0] not in users]
    if not missing:
        return users  # existing agents keep their password
    sm = security_manager or surroundings_of(session).security_manager()
    role = sm.find_role(roles.AGENT)
    if role is None:
        raise MissingReferenceData(roles.AGENT)
    # One hash shared by every demo account: scrypt costs ~0.1 s per call.
    hashed = generate_password_hash(password or secrets.token_urlsafe(24))
    for username, first, last, team_index in missing:
        user = sm.add_user(username=username, first_name=first, last_name=last,
                           email=f"{username}@demo.example.org", role=role,
                           hashed_password=hashed, commit=False)
        if not user:
            raise RuntimeError(f"could not create the demo user {username!r}")
        user.team_id, user.language = teams[team_index], "fr"
        users[username] = user
    session.commit()
    return users


# --- clients and contracts ---------------------------------------------------------------

class Customer(NamedTuple):
    id: int
    org: tuple  # (sector_id, agency_id, analytic_code)
    contact: tuple  # (name, email, phone, address) of the person who complains
    contracts: list  # [(contract_id, org)]


def insert_clients(bulk, maker, count, counts) -> list[Customer]:
    """Insert ``count`` clients with one to three contracts each, a batch per transaction."""
    customers = []
    for start in range(0, count, BATCH):
        bulk.begin()
        sizes = [maker.rng.choice((1, 1, 1, 2, 2, 3)) for _ in range(min(BATCH, count - start))]
        client_id = bulk.reserve_ids(Client.__table__, len(sizes))
        contract_id = bulk.reserve_ids(Contract.__table__, sum(sizes))
        client_rows, contract_rows = [], []
        for size in sizes:
            customers.append(maker.add(client_id, contract_id, size, client_rows,
                                       contract_rows))
            client_id, contract_id = client_id + 1, contract_id + size
        bulk.insert(Client.__table__, client_rows)
        bulk.insert(Contract.__table__, contract_rows)
        bulk.commit()
        counts["clients"] += len(client_rows)
        counts["contracts"] += len(contract_rows)
    return customers


class People:
    """Random French people, businesses and addresses from the pools of ``data``."""

    def __init__(self, rng):
        self.rng = rng
        # Slugs made once: building them per person would dominate a large load.
        self.first = [(name, _slug(name, "-")) for name in data.FIRST_NAMES]
        self.last = [(name, _slug(name, "")) for name in data.LAST_NAMES]

    def person(self) -> tuple[str, str, str, str]:
        """(name, email, phone, address)"""
        r = self.rng
        first, first_slug = r.choice(self.first)
        last, last_slug = r.choice(self.last)
        suffix = r.choice(("", "", "", str(r.randrange(1, 100))))
        email = f"{first_slug}.{last_slug}{suffix}@{r.choice(data.EMAIL_DOMAINS)}"
        return f"{first} {last}", email, self.phone(), self.address()

    def company(self) -> tuple[str, str]:
        """(name, email)"""
        r = self.rng
        if r.random() < 0.15:
            name = r.choice(data.COMPANY_FIXED)
        else:
            name = r.choice(data.COMPANY_PATTERNS).format(r.choice(self.last)[0])
        email = f"contact@{_slug(name, '-')}.fr"
        return f"{name} {r.choice(data.COMPANY_FORMS)}".strip(), email

    def phone(self) -> str:
        r = self.rng
        pairs = " ".join(f"{r.randrange(100):02d}" for _ in range(4))
        return f"0{r.choice('6666777123459')} {pairs}"  # mostly mobiles

    def address(self) -> str:
        postcode, city = self.rng.choice(data.CITIES)
        return f"{self.rng.randrange(1, 160)} {self.rng.choice(data.STREETS)}\n{postcode} {city}"


class ClientMaker:
    """Clients (85 % people, 15 % businesses) and their contracts across sectors/agencies."""

    def __init__(self, rng, refs, staff, now):
        self.rng, self.now, self.today = rng, now, now.date()
        self.people = People(rng)
        self.units = _organisation_units(refs.ids["sector"], refs.ids["agency"])
        self.owners = staff.users + [None] * (len(staff.users) // 2)  # a third have none

    def add(self, client_id, contract_id, size, client_rows, contract_rows) -> Customer:
        """Append the rows of one client and its ``size`` contracts; return the client."""
        created = self.today - timedelta(days=self.rng.randrange(SPAN_DAYS, 4000))
        contracts = [self._contract(contract_id + k, client_id, created, contract_rows)
                     for k in range(size)]
        org = contracts[0][1]
        name, email, phone, address = contact = self.people.person()
        kind = "person"
        if self.rng.random() < 0.15:
            # A business: its own name and address, a person of it complains.
            kind, (name, email) = "company", self.people.company()
            contact = (contact[0], email, phone, address)
        client_rows.append({
            "id": client_id, "customer_number": f"CL-{client_id:08d}", "name": name,
            "kind": kind, "email": email, "phone": phone, "address": address,
            "sector_id": org[0], "agency_id": org[1], "analytic_code": org[2],
            "portfolio_owner_id": self.rng.choice(self.owners),
            "created_at": datetime.combine(created, time(8)) + timedelta(
                seconds=self.rng.randrange(36000)),
        })
        return Customer(client_id, org, contact, contracts)

    def _contract(self, contract_id, client_id, client_created, rows):
        r = self.rng
        sector_code, org = r.choice(self.units)
        start = min(client_created + timedelta(days=r.randrange(0, 900)), self.today)
        end = start + timedelta(days=r.randrange(365, 3000)) if r.random() < 0.08 else None
        labels = data.CONTRACT_LABELS.get(sector_code, data.CONTRACT_LABEL_DEFAULT)
        rows.append({
            "id": contract_id, "number": f"CT-{contract_id:08d}", "client_id": client_id,
            "label": r.choice(labels), "sector_id": org[0], "agency_id": org[1],
            "analytic_code": org[2], "start_date": start, "end_date": end,
        })
        return contract_id, org


def _organisation_units(sectors, agencies) -> list[tuple[str, tuple]]:
    """(sector code, (sector id, agency id, analytic code)), e.g. analytic code EAU-NORD-02."""
    units = []
    for sector_code, sector_id in sectors.items():
        short_sector = data.SECTOR_SHORT.get(sector_code, sector_code[:4].upper())
        for agency_code, agency_id in agencies.items():
            short_agency = data.AGENCY_SHORT.get(agency_code, agency_code[:5].upper())
            for k in (1, 2):
                code = f"{short_sector}-{short_agency}-{k:02d}"
                units.append((sector_code, (sector_id, agency_id, code)))
    return units or [(None, (None, None, None))]


def _slug(value: str, separator: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return separator.join(words)
