"""Rules of the IMAP mailboxes: which settings make sense, and how long a failing
mailbox waits before it is tried again (doubling, capped)."""

import ipaddress
from dataclasses import dataclass

TLS, STARTTLS, PLAIN = "tls", "starttls", "none"
MARK_SEEN, MOVE, DELETE = "seen", "move", "delete"
MAX_DOUBLINGS = 20

# Error codes of check_settings, turned into translated messages by the caller.
BAD_PORT, PLAIN_NOT_LOOPBACK, MOVE_NEEDS_FOLDER, MOVE_TO_SAME, NO_HOST = (
    "bad_port", "plain_not_loopback", "move_needs_folder", "move_to_same", "no_host")


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int | None
    security: str
    folder: str
    action: str
    move_to: str | None


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    name = (host or "").strip().lower().strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_settings(settings: MailboxSettings) -> list[str]:
    """The error codes of a mailbox's settings; empty when they are usable. A password
    never travels in clear text: no encryption is allowed to this machine only."""
    errors = []
    if not (settings.host or "").strip():
        errors.append(NO_HOST)
    if settings.port is None or not 0 < settings.port < 65536:
        errors.append(BAD_PORT)
    if settings.security == PLAIN and not is_loopback(settings.host):
        errors.append(PLAIN_NOT_LOOPBACK)
    if settings.action == MOVE:
        target = (settings.move_to or "").strip()
        if not target:
            errors.append(MOVE_NEEDS_FOLDER)
        elif target == (settings.folder or "").strip():
            errors.append(MOVE_TO_SAME)
    return errors


def retry_delay(failures: int, interval: int, max_seconds: int) -> int:
    """Seconds before a mailbox that failed ``failures`` times in a row is tried again:
    the polling interval, doubled after each further failure, at most ``max_seconds``."""
    if failures <= 0:
        return 0
    doublings = min(failures - 1, MAX_DOUBLINGS)
    return min(max(interval, 1) * 2 ** doublings, max(max_seconds, interval))
