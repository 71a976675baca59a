"""Assignment rules applied to new complaints, from every channel, and their checks.

``apply_rules`` runs inside the creation's transaction (``stage_new_complaint``): the
team, the assignee, their history lines and the assignee's notification are committed
with the complaint, or not at all. Rules are read on every creation, so an admin's change
applies to the next complaint without a restart.
"""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.domain import assignment as domain
from app.models import AppUser, AssignmentRule, Team, TeamRotation
from app.services.clock import utcnow
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

PROBLEM_MESSAGES = {
    domain.NO_TEAM: _l("Choose the team the rule assigns to."),
    domain.TEAM_INACTIVE: _l("This team is not active."),
    domain.ASSIGNEE_AND_ROTATION: _l(
        "Choose either an assignee or the round-robin among the team's members, not both."),
    domain.ASSIGNEE_INACTIVE: _l("This assignee's account is not active."),
    domain.ASSIGNEE_NOT_IN_TEAM: _l("The assignee is not a member of this team."),
    domain.EMPTY_ROTATION: _l("The round-robin needs a team with at least one active member."),
    domain.SAME_CONDITIONS: _l(
        "Another active rule has exactly the same conditions: change them or deactivate one."),
}


def shape_of(rule: AssignmentRule) -> domain.RuleShape:
    return domain.RuleShape(
        id=rule.id, team_id=_related_id(rule, "team"), position=rule.position or 0,
        category_id=_related_id(rule, "category"),
        request_type_id=_related_id(rule, "request_type"),
        channel_id=_related_id(rule, "channel"), assignee_id=_related_id(rule, "assignee"),
        round_robin=bool(rule.round_robin), active=rule.active is not False)


def _related_id(rule, name):
    """The id a form just set (the relationship; its foreign key moves only at flush),
    else the stored foreign key (without loading the row)."""
    state = inspect(rule)
    if name in state.dict:
        related = state.dict[name]
        return related.id if related is not None else None
    return getattr(rule, f"{name}_id")


def team_members(session, team_id) -> list[int]:
    """Ids of the team's active members, in id order (the rotation's order)."""
    return list(session.scalars(select(AppUser.id).where(
        AppUser.team_id == team_id, AppUser.active.is_(True)).order_by(AppUser.id)))


def validate_rule(session, rule: AssignmentRule) -> None:
    """Raise ``ServiceError`` with every problem of the rule an admin is saving."""
    shape = shape_of(rule)
    with session.no_autoflush:  # the rule being saved is not flushed before it is checked
        team = session.get(Team, shape.team_id) if shape.team_id else None
        assignee = session.get(AppUser, shape.assignee_id) if shape.assignee_id else None
        others = [shape_of(r) for r in session.scalars(select(AssignmentRule).where(
            AssignmentRule.active.is_(True)))]
        members = team_members(session, shape.team_id) if team else []
    problems = domain.rule_problems(shape, bool(team and team.active), members,
                                    bool(assignee and assignee.active), others)
    if problems:
        raise ServiceError(" ".join(str(PROBLEM_MESSAGES[code]) for code in problems))


def apply_rules(session, complaint, now=None):
    """Give a new complaint with no team and no assignee the team (and assignee) of the
    first matching active rule; return ``(rule, team, assignee)`` or None. Flushed, not
    committed: the creation's commit keeps it."""
    if complaint.team_id is not None or complaint.assignee_id is not None:
        return None  # the creator chose: rules never override a person
    facts = domain.Facts(category_id=complaint.category_id,
                         request_type_id=complaint.request_type_id,
                         channel_id=complaint.channel_id)
    rules = session.scalars(select(AssignmentRule).where(AssignmentRule.active.is_(True))).all()
    shape = domain.first_match([shape_of(r) for r in rules], facts)
    if shape is None:
        return None
    rule = next(r for r in rules if r.id == shape.id)
    team = session.get(Team, shape.team_id)
    if team is None or not team.active:
        return None
    assignee = _assignee_for(session, shape, now or utcnow())
    complaint.team, complaint.assignee = team, assignee
    return rule, team, assignee


def _assignee_for(session, rule: domain.RuleShape, now):
    if rule.round_robin:
        user_id = next_member(session, rule.team_id, now)
        return session.get(AppUser, user_id) if user_id else None
    if rule.assignee_id is None:
        return None
    user = session.get(AppUser, rule.assignee_id)
    if user is None or not user.active or user.team_id != rule.team_id:
        logger.warning("assignment rule %s: assignee %s is no longer an active member of "
                       "team %s; the team alone is assigned", rule.id, rule.assignee_id,
                       rule.team_id)
        return None
    return user


def next_member(session, team_id, now=None) -> int | None:
    """The next active member of the team in its rotation, recorded as served.

    The team's rotation row is locked (``FOR UPDATE`` on PostgreSQL; on SQLite the
    transaction holds the write lock from its start) until the creation commits, so two
    complaints created at once get two different members, each in turn."""
    members = team_members(session, team_id)
    if not members:
        return None
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(TeamRotation).values(team_id=team_id, last_user_id=None,
                                                updated_at=now or utcnow())
                    .on_conflict_do_nothing())
    last = session.scalar(select(TeamRotation.last_user_id)
                          .where(TeamRotation.team_id == team_id).with_for_update())
    chosen = domain.next_in_rotation(members, last)
    session.execute(update(TeamRotation).where(TeamRotation.team_id == team_id)
                    .values(last_user_id=chosen, updated_at=now or utcnow())
                    .execution_options(synchronize_session=False))
    return chosen
