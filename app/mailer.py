"""SMTP delivery over smtplib, with a socket timeout on every operation.

Not Flask-Mail: its SMTP connection has no timeout, so a server that accepts the
connection and never answers would hang the delivery pass. Built from the ``MAIL_*``
configuration by ``mailer_from_config``; the outbox service receives it as a parameter.
"""

import smtplib
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

# Python folds a long non-ASCII subject into several encoded words and drops the space at
# the fold ("bientôt échues" arrives as "bientôtéchues"). Headers are folded at SMTP's
# 998 characters instead, so a subject stays one encoded word, which mail readers decode.
HEADER_POLICY = policy.SMTP.clone(max_line_length=998)


class SmtpMailer:
    """Opens SMTP connections and builds multipart text + HTML messages in UTF-8."""

    def __init__(self, host, port=25, sender="reclamations@localhost", use_tls=False,
                 use_ssl=False, username=None, password=None, timeout=10.0):
        self.host, self.port, self.sender = host, port, sender
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self.username, self.password, self.timeout = username, password, timeout

    def message(self, recipient, subject, text, html=None, automatic=True) -> EmailMessage:
        """A message whose subject and bodies may hold any character (RFC 2047 / UTF-8).

        ``automatic`` ones (confirmations, alerts) say so (RFC 3834 Auto-Submitted), so
        that the recipient's autoresponder does not answer them: no mail loops."""
        message = EmailMessage(policy=HEADER_POLICY)
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        if automatic:
            message["Auto-Submitted"] = "auto-generated"
        message.set_content(text, charset="utf-8")
        if html:
            message.add_alternative(html, subtype="html", charset="utf-8")
        return message

    @contextmanager
    def connection(self):
        """An open, authenticated SMTP connection whose ``send_message`` sends one email."""
        smtp = self._connect()
        try:
            yield smtp
        finally:
            _close(smtp)

    def _connect(self):
        cls = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        smtp = cls(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls and not self.use_ssl:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            _close(smtp)
            raise
        return smtp


def _close(smtp):
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()  # the server is gone already: just drop the socket


def mailer_from_config(config) -> SmtpMailer | None:
    """The mailer the configuration describes, or None when no MAIL_SERVER is set."""
    if not config.get("MAIL_SERVER"):
        return None
    return SmtpMailer(
        config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25),
        sender=config.get("MAIL_DEFAULT_SENDER") or "reclamations@localhost",
        use_tls=bool(config.get("MAIL_USE_TLS")), use_ssl=bool(config.get("MAIL_USE_SSL")),
        username=config.get("MAIL_USERNAME"), password=config.get("MAIL_PASSWORD"),
        timeout=float(config.get("MAIL_TIMEOUT") or 10.0),
    )
