"""The rules of the IMAP mailboxes: usable settings, and the wait before a failing
mailbox is tried again."""

import pytest

from app.domain import mailboxes as rules


def settings(**changes):
    values = {"host": "imap.example.org", "port": 993, "security": rules.TLS,
              "folder": "INBOX", "action": rules.MARK_SEEN, "move_to": None}
    return rules.MailboxSettings(**{**values, **changes})


@pytest.mark.parametrize("changes, errors", [
    ({}, []),
    ({"security": rules.STARTTLS, "port": 143}, []),
    ({"security": rules.PLAIN, "host": "127.0.0.1"}, []),
    ({"security": rules.PLAIN, "host": "localhost"}, []),
    ({"security": rules.PLAIN, "host": "::1"}, []),
    ({"security": rules.PLAIN}, [rules.PLAIN_NOT_LOOPBACK]),
    ({"security": rules.PLAIN, "host": "10.0.0.1"}, [rules.PLAIN_NOT_LOOPBACK]),
    ({"host": " "}, [rules.NO_HOST]),
    ({"port": 0}, [rules.BAD_PORT]),
    ({"port": 65536}, [rules.BAD_PORT]),
    ({"port": None}, [rules.BAD_PORT]),
    ({"action": rules.MOVE}, [rules.MOVE_NEEDS_FOLDER]),
    ({"action": rules.MOVE, "move_to": "INBOX"}, [rules.MOVE_TO_SAME]),
    ({"action": rules.MOVE, "move_to": "Traitées"}, []),
    ({"action": rules.DELETE}, []),
])
def test_check_settings(changes, errors):
    assert rules.check_settings(settings(**changes)) == errors


@pytest.mark.parametrize("failures, expected", [
    (0, 0), (1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (50, 3600), (10**6, 3600),
])
def test_retry_delay_doubles_up_to_the_cap(failures, expected):
    assert rules.retry_delay(failures, interval=60, max_seconds=3600) == expected


def test_retry_delay_is_never_below_the_interval():
    assert rules.retry_delay(1, interval=600, max_seconds=60) == 600
