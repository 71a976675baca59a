"""One IMAP session (imapclient) with a timeout: TLS, STARTTLS or, to this machine only,
no encryption. Every failure comes out as MailboxUnreachable with the server's reason."""

import imaplib
import socket
import ssl
from contextlib import contextmanager
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from app.domain import mailboxes as rules
from app.services.mailboxes.exceptions import MailboxSettingsInvalid, MailboxUnreachable

FAILURES = (IMAPClientError, imaplib.IMAP4.error, OSError, ssl.SSLError, socket.timeout)


@dataclass(frozen=True)
class Account:
    host: str
    port: int
    security: str
    username: str
    password: str
    folder: str


def reason_of(exc: BaseException) -> str:
    """The server's words (or the network's) without Python's wrapping."""
    value = exc.args[0] if exc.args and not isinstance(exc, OSError) else exc
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).strip() or type(exc).__name__
    if isinstance(exc, socket.timeout | TimeoutError) and "timed out" not in text:
        text = f"timed out ({text})"
    return text[:500]


@contextmanager
def session_for(account: Account, timeout: float, ca_file: str | None = None):
    """A signed-in IMAPClient on ``account``'s folder, logged out at the end."""
    if account.security == rules.PLAIN and not rules.is_loopback(account.host):
        raise MailboxSettingsInvalid([rules.PLAIN_NOT_LOOPBACK])
    context = ssl.create_default_context(cafile=ca_file or None)
    try:
        client = IMAPClient(account.host, port=account.port,
                            ssl=account.security == rules.TLS, ssl_context=context,
                            timeout=timeout)
    except FAILURES as exc:
        raise MailboxUnreachable(reason_of(exc)) from exc
    try:
        if account.security == rules.STARTTLS:
            client.starttls(context)
        client.login(account.username, account.password)
        client.select_folder(account.folder)
        yield client
    except FAILURES as exc:
        raise MailboxUnreachable(reason_of(exc)) from exc
    finally:
        _close(client)


def _close(client) -> None:
    try:
        client.logout()
    except FAILURES:
        try:
            client.shutdown()
        except FAILURES:
            pass  # the connection is gone already: nothing left to close
