"""Errors of the IMAP mailboxes, with translated messages for the admin."""

from flask_babel import lazy_gettext as _l

from app.domain import mailboxes as rules
from app.services.exceptions import ServiceError

SETTING_MESSAGES = {
    rules.NO_HOST: _l("The server is required."),
    rules.BAD_PORT: _l("The port must be a number between 1 and 65535."),
    rules.PLAIN_NOT_LOOPBACK: _l("Without encryption, only a server on this machine "
                                 "(localhost, 127.0.0.1) is allowed: use TLS or STARTTLS."),
    rules.MOVE_NEEDS_FOLDER: _l("Give the folder the processed mails are moved to."),
    rules.MOVE_TO_SAME: _l("The processed mails must be moved to another folder than the "
                           "one that is read."),
}


class MailboxSettingsInvalid(ServiceError):
    def __init__(self, codes):
        super().__init__(" ".join(str(SETTING_MESSAGES[code]) for code in codes))
        self.codes = codes


class MailboxUnreachable(ServiceError):
    """Connecting, signing in or reading failed; ``reason`` is the server's own words."""

    def __init__(self, reason):
        super().__init__(_l("The connection to the mailbox failed: %(reason)s"),
                         reason=reason)
        self.reason = reason


class MailboxPasswordUnreadable(ServiceError):
    def __init__(self):
        super().__init__(_l("The stored password cannot be read (the secret key changed): "
                            "type it again."))


class MailboxPasswordRequired(ServiceError):
    def __init__(self):
        super().__init__(_l("Type the password again: the server changed, and the stored "
                            "password is only sent to the server it was typed for."))
