"""The release step: roles and permissions, reference data, workflow, the first admin.

Every function here is idempotent: a second run adds what is missing and keeps every
piece of existing data (including what admins changed).
"""

import logging
import secrets
from pathlib import Path

from babel.support import Translations
from sqlalchemy import select, text

from app.domain import alert_rules
from app.domain import roles as role_defaults
from app.domain.deadlines import DEFAULT_DELAY_DAYS, DEFAULT_WARNING_DAYS
from app.domain.reference_data import N_, REFERENCE_LISTS, STATES, TRANSITIONS
from app.models import (
    REFERENCE_MODELS,
    DeadlineRule,
    DocumentTemplate,
    NotificationRule,
    State,
    StateTransition,
)

logger = logging.getLogger(__name__)

DOC_TEMPLATES = Path(__file__).resolve().parents[2] / "doc_templates"
# file in doc_templates/ -> (name, purpose, language); bin/make_letter_templates.py makes them
DEFAULT_TEMPLATES = {
    "accuse_de_reception_fr.docx": ("Accusé de réception", "acknowledgement", "fr"),
    "lettre_de_reponse_fr.docx": ("Lettre de réponse", "answer", "fr"),
    "lettre_de_cloture_fr.docx": ("Lettre de clôture", "closure", "fr"),
    "acknowledgement_of_receipt_en.docx": ("Acknowledgement of receipt", "acknowledgement",
                                           "en"),
    "answer_letter_en.docx": ("Answer letter", "answer", "en"),
    "closure_letter_en.docx": ("Closure letter", "closure", "en"),
}


class Labels:
    """Translate a default label into French and English from the project's catalogs."""

    def __init__(self, translations_dir: str | Path):
        self._catalogs = {
            lang: Translations.load(str(translations_dir), [lang], domain="messages")
            for lang in ("fr", "en")
        }

    def __call__(self, text: str) -> dict[str, str]:
        return {f"label_{lang}": cat.gettext(text) for lang, cat in self._catalogs.items()}


def seed_reference_data(session, labels: Labels) -> int:
    """Insert the default items of every reference list that lack them; return how many."""
    added = 0
    for list_name, items in REFERENCE_LISTS.items():
        model = REFERENCE_MODELS[list_name]
        existing = set(session.scalars(select(model.code)))
        for position, (code, label) in enumerate(items, start=1):
            if code not in existing:
                session.add(model(code=code, position=position * 10, active=True,
                                  **labels(label)))
                added += 1
    session.commit()
    return added


def seed_workflow(session, labels: Labels) -> int:
    """Insert default states and transitions on a database that has no states yet."""
    if session.scalars(select(State.id)).first() is not None:
        return 0  # the workflow belongs to the admins once it exists
    states = {}
    for position, row in enumerate(STATES, start=1):
        code, label, is_open, pauses, final, notify, answered, initial = row
        states[code] = State(code=code, position=position * 10, active=True, is_open=is_open,
                             pauses_clock=pauses, is_final=final, notify_complainant=notify,
                             marks_answered=answered, is_initial=initial, **labels(label))
    session.add_all(states.values())
    session.flush()
    session.add_all(StateTransition(source=states[a], target=states[b]) for a, b in TRANSITIONS)
    session.commit()
    return len(states)


def seed_deadline_rules(session) -> int:
    """The contractual default, "any state × any complexity → 15 days, warn 3 days before",
    on a database that has no deadline rule yet."""
    if session.scalars(select(DeadlineRule.id)).first() is not None:
        return 0
    session.add(DeadlineRule(state_id=None, complexity_id=None, days=DEFAULT_DELAY_DAYS,
                             business_days=False, warning_days=DEFAULT_WARNING_DAYS))
    session.commit()
    return 1


def seed_notification_rules(session, labels: Labels) -> int:
    """Deadline approaching and deadline passed, to the assignee and the team manager, by
    email and on screen, on a database that has no notification rule yet."""
    if session.scalars(select(NotificationRule.id)).first() is not None:
        return 0  # the rules belong to the admins once there are some
    defaults = [(N_("Deadline approaching"), alert_rules.DUE_WITHIN),
                (N_("Deadline passed"), alert_rules.OVERDUE)]
    for name, condition in defaults:
        session.add(NotificationRule(name=labels(name)["label_fr"], condition=condition,
                                     days=None, to_assignee=True, to_team_manager=True,
                                     to_supervisors=False, by_email=True, on_screen=True,
                                     active=True))
    session.commit()
    return len(defaults)


def seed_document_templates(session, directory: Path = DOC_TEMPLATES) -> int:
    """The six default letter templates, on a database that has no template yet."""
    if session.scalars(select(DocumentTemplate.id)).first() is not None:
        return 0  # the templates belong to the admins once there are some
    for filename, (name, purpose, language) in DEFAULT_TEMPLATES.items():
        session.add(DocumentTemplate(name=name, purpose=purpose, language=language,
                                     filename=filename, active=True,
                                     content=(directory / filename).read_bytes()))
    session.commit()
    return len(DEFAULT_TEMPLATES)


def refresh_planner_statistics(session) -> None:
    """SQLite has no autovacuum: let it refresh the statistics its planner relies on
    (cheap, and only where they are missing or stale). PostgreSQL does this by itself."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA optimize"))
        session.commit()


def sync_roles_and_permissions(appbuilder) -> None:
    """Create permissions for every view and menu, the product's roles, and their defaults."""
    sm = appbuilder.sm
    session = sm.session
    sm.add_role(sm.auth_role_admin)
    sm.add_role(sm.auth_role_public)
    before = _permission_pairs(sm)
    appbuilder.add_permissions(update_perms=True)
    for permission, view in role_defaults.CUSTOM_PERMISSIONS:
        sm.add_permission_view_menu(permission, view)
    new_pairs = _permission_pairs(sm) - before
    for role_name in (role_defaults.ADMIN, role_defaults.SUPERVISOR, role_defaults.AGENT,
                      role_defaults.VIEWER, role_defaults.CONFIDENTIAL_ACCESS):
        role = sm.find_role(role_name)
        created = role is None
        if created:
            role = sm.add_role(role_name)
        grant = role_defaults.default_permissions(role_name)
        if not created:
            grant &= new_pairs
        for permission, view in sorted(grant):
            pv = sm.find_permission_view_menu(permission, view)
            if pv is not None and pv not in role.permissions:
                role.permissions.append(pv)
    session.commit()


def ensure_admin(appbuilder, username: str, password: str | None, email: str):
    """Create the admin account unless it exists. Returns the generated password, if any."""
    sm = appbuilder.sm
    if sm.find_user(username=username) is not None:
        return None
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(12)
    role = sm.find_role(sm.auth_role_admin)
    user = sm.add_user(username=username, first_name="Admin", last_name="Réclamations",
                       email=email, role=role, password=password)
    if not user:
        raise RuntimeError(f"could not create the admin account {username!r}")
    return generated


def _permission_pairs(sm) -> set[tuple[str, str]]:
    rows = sm.session.query(sm.permissionview_model).all()
    return {(pv.permission.name, pv.view_menu.name) for pv in rows
            if pv.permission is not None and pv.view_menu is not None}


def current_revision(engine) -> str | None:
    """The Alembic revision the database is at (None before the first migration)."""
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def revisions_between(migrations_dir, before: str | None, after: str | None) -> list[str]:
    """The revisions an upgrade from ``before`` to ``after`` applied, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    if after is None or before == after:
        return []
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    script = ScriptDirectory.from_config(config)
    walked = script.iterate_revisions(after, before or "base")
    return [rev.revision for rev in reversed(list(walked))]
