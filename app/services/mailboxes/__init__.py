"""IMAP mailboxes read by the scheduler through the same intake as the mail pipe
(app/services/intake.py): a new complaint, or a message on one by its tracking number.

A mail is marked processed on the server (seen, moved or deleted) only after the intake
committed it, and the intake takes a Message-ID once: a poll that dies half-way, or two
schedulers reading the same mailbox, never take a mail twice. A poll claims its mailbox
for a while so that a second scheduler leaves it alone; a failing mailbox is tried again
later and later (app/domain/mailboxes.py) and keeps its last error for the admin."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import inspect, or_, select, update

from app.domain import mailboxes as rules
from app.models import Mailbox
from app.services import intake, secret_box
from app.services.clock import utcnow
from app.services.mailboxes.connection import Account, session_for
from app.services.mailboxes.exceptions import (
    MailboxPasswordRequired,
    MailboxPasswordUnreadable,
    MailboxSettingsInvalid,
    MailboxUnreachable,
)

logger = logging.getLogger(__name__)

PURPOSE = "mailbox-password"
__all__ = ["MailboxPasswordRequired", "MailboxPasswordUnreadable", "MailboxSettingsInvalid",
           "MailboxUnreachable", "check_mailbox", "encrypt_password", "poll_due_mailboxes",
           "poll_mailbox", "set_password", "test_connection"]


@dataclass(frozen=True)
class Defaults:
    request_type_id: int | None
    channel_id: int | None
    team_id: int | None


def encrypt_password(secret_key: str, password: str) -> str:
    return secret_box.encrypt(secret_key, PURPOSE, password)


def set_password(mailbox, secret_key: str, password: str | None) -> None:
    """Store ``password`` encrypted; empty keeps the stored one, unless the server or the
    account changed (MailboxPasswordRequired): a stored password is never sent to
    another server than the one it was typed for."""
    if password:
        mailbox.password_encrypted = encrypt_password(secret_key, password)
        return
    state = inspect(mailbox)
    moved = state.persistent and any(
        state.attrs[name].history.has_changes() for name in ("host", "port", "username"))
    if moved or not mailbox.password_encrypted:
        raise MailboxPasswordRequired()


def check_mailbox(mailbox) -> None:
    """Raise MailboxSettingsInvalid (translated) when the settings cannot work."""
    errors = rules.check_settings(rules.MailboxSettings(
        host=mailbox.host or "", port=mailbox.port, security=mailbox.security,
        folder=mailbox.folder or "", action=mailbox.processed_action,
        move_to=mailbox.move_to))
    if errors:
        raise MailboxSettingsInvalid(errors)


def _account(mailbox, secret_key: str) -> Account:
    try:
        password = secret_box.decrypt(secret_key, PURPOSE, mailbox.password_encrypted or "")
    except secret_box.SecretUnreadable as exc:
        raise MailboxPasswordUnreadable() from exc
    return Account(host=mailbox.host.strip(), port=mailbox.port, security=mailbox.security,
                   username=mailbox.username, password=password,
                   folder=mailbox.folder or "INBOX")


def test_connection(mailbox, config) -> int:
    """Sign in and open the folder; the number of mails waiting there. Raises a
    ServiceError whose text carries the server's reason."""
    check_mailbox(mailbox)
    account = _account(mailbox, config["SECRET_KEY"])
    with session_for(account, config.get("MAILBOX_TIMEOUT", 15.0),
                     config.get("MAILBOX_CA_FILE")) as client:
        return len(client.search(_criteria(mailbox.processed_action)))


def _criteria(action):
    # Seen mails are done with when processing marks them seen; a moved or deleted mail
    # leaves the folder, so whatever is still there is waiting.
    return ["UNSEEN", "NOT", "DELETED"] if action == rules.MARK_SEEN else ["NOT", "DELETED"]


def poll_mailbox(session, mailbox, config, now=None) -> dict:
    """Take in the waiting mails of one mailbox, then mark each processed; returns the
    outcomes counted. Raises MailboxUnreachable and the like; commits per mail."""
    action, move_to = mailbox.processed_action, (mailbox.move_to or "").strip()
    defaults = Defaults(mailbox.request_type_id, mailbox.channel_id, mailbox.team_id)
    check_mailbox(mailbox)
    account = _account(mailbox, config["SECRET_KEY"])
    counts = {}
    with session_for(account, config.get("MAILBOX_TIMEOUT", 15.0),
                     config.get("MAILBOX_CA_FILE")) as client:
        if action == rules.MOVE and not client.folder_exists(move_to):
            client.create_folder(move_to)
        for uid in client.search(_criteria(action))[:int(config.get("MAILBOX_BATCH", 50))]:
            fetched = client.fetch([uid], ["BODY.PEEK[]"]).get(uid)
            if not fetched or b"BODY[]" not in fetched:
                continue  # processed by another poll meanwhile
            outcome, _number = intake.take_in(session, fetched[b"BODY[]"], config,
                                              now=now or utcnow(), defaults=defaults)
            _mark_processed(client, uid, action, move_to)  # only once committed
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _mark_processed(client, uid, action, move_to) -> None:
    if action == rules.MOVE:
        client.move([uid], move_to)
    elif action == rules.DELETE:
        client.delete_messages([uid])
        if client.has_capability("UIDPLUS"):
            client.uid_expunge([uid])
        else:
            client.expunge()
    else:
        client.add_flags([uid], [b"\\Seen"])


def poll_due_mailboxes(session, config, now=None) -> dict:
    """Poll every active mailbox whose turn has come and that no other scheduler holds;
    a failing one is recorded on the mailbox and the others go on."""
    now = now or utcnow()
    due = session.scalars(select(Mailbox.id).where(
        Mailbox.active.is_(True),
        or_(Mailbox.next_poll_at.is_(None), Mailbox.next_poll_at <= now),
        or_(Mailbox.claimed_until.is_(None), Mailbox.claimed_until < now))
        .order_by(Mailbox.id)).all()
    session.commit()
    results = {}
    for mailbox_id in due:
        if _claim(session, mailbox_id, now, config):
            results[mailbox_id] = _poll_claimed(session, mailbox_id, config)
    return results


def _claim(session, mailbox_id, now, config) -> bool:
    lease = timedelta(seconds=max(300, 4 * float(config.get("MAILBOX_TIMEOUT", 15.0))))
    claimed = session.execute(update(Mailbox).where(
        Mailbox.id == mailbox_id, Mailbox.active.is_(True),
        or_(Mailbox.claimed_until.is_(None), Mailbox.claimed_until < now))
        .values(claimed_until=now + lease)).rowcount
    session.commit()
    return claimed == 1


def _poll_claimed(session, mailbox_id, config):
    mailbox = session.get(Mailbox, mailbox_id)
    try:
        counts = poll_mailbox(session, mailbox, config)
    except (MailboxUnreachable, MailboxSettingsInvalid, MailboxPasswordUnreadable) as exc:
        session.rollback()  # the server's reason is kept; the page adds the words around it
        _record(session, mailbox_id, config, error=getattr(exc, "reason", None) or str(exc))
        logger.warning("mailbox %s failed: %s", mailbox_id, exc)
        return {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - recorded on the mailbox, the others go on
        session.rollback()
        logger.exception("mailbox %s failed", mailbox_id)
        _record(session, mailbox_id, config, error=f"{type(exc).__name__}: {exc}")
        return {"error": str(exc)}
    _record(session, mailbox_id, config,
            taken=counts.get(intake.COMPLAINT, 0) + counts.get(intake.MESSAGE, 0))
    return counts


def _record(session, mailbox_id, config, error=None, taken=0) -> None:
    mailbox, now = session.get(Mailbox, mailbox_id), utcnow()
    mailbox.last_polled_at, mailbox.claimed_until = now, None
    if error is None:
        mailbox.failures, mailbox.last_error, mailbox.last_error_at = 0, None, None
        mailbox.next_poll_at = None
        mailbox.taken_in = (mailbox.taken_in or 0) + taken
    else:
        mailbox.failures = (mailbox.failures or 0) + 1
        mailbox.last_error, mailbox.last_error_at = error[:2000], now
        mailbox.next_poll_at = now + timedelta(seconds=rules.retry_delay(
            mailbox.failures, int(config.get("SCHEDULER_MAILBOX_SECONDS", 60)),
            int(config.get("MAILBOX_MAX_BACKOFF_SECONDS", 3600))))
    session.commit()
