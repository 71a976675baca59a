"""Secrets the product must give back (an IMAP mailbox's password), kept encrypted with a
Fernet key derived from SECRET_KEY (HKDF-SHA256): a copy of the database alone does not
reveal them. A new SECRET_KEY makes them unreadable; they are then typed again."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_SALT = b"reclamations/secret-box/v1"


class SecretUnreadable(Exception):
    """The stored secret was encrypted with another SECRET_KEY (or was altered)."""


def _fernet(secret_key: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT,
               info=purpose.encode()).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret_key: str, purpose: str, text: str) -> str:
    """The encrypted form of ``text`` (ASCII, safe to store)."""
    return _fernet(secret_key, purpose).encrypt(text.encode()).decode("ascii")


def decrypt(secret_key: str, purpose: str, token: str) -> str:
    """``text`` back from its encrypted form; SecretUnreadable when the key changed."""
    try:
        return _fernet(secret_key, purpose).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise SecretUnreadable() from exc
