"""The ``Mailer`` over SMTP (``smtplib``), and ``SMTP_URL``.

``SMTP_URL`` (a secret: it may carry the password; ``SMTP_URL_FILE`` works too):

- ``smtp://host[:25]``: plain SMTP (a relay on the same host or network only; no login);
- ``smtp+starttls://[user:password@]host[:587]``: plain, then STARTTLS, required: no mail
  goes out if the server does not offer it;
- ``smtps://[user:password@]host[:465]``: TLS from the first byte (implicit TLS, RFC 8314).

The server's certificate is verified (system CAs, or ``SMTP_CA_FILE``) and its name
checked. User and password are percent-decoded. Mails are handed to one background
thread per process (``BackgroundMailer``), so a page answers in the same time whether it
queued a mail or not (no account enumeration by timing); a delivery failure is logged
with its kind, never the address.
"""

from __future__ import annotations

import logging
import queue
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kernel.secret import Secret
from pix_core.accounts.domain.errors import MailUnavailable
from pix_core.accounts.domain.mail import Mail

log = logging.getLogger(__name__)

SCHEMES = {"smtp": (25, None), "smtp+starttls": (587, "starttls"), "smtps": (465, "tls")}
TIMEOUT_SECONDS = 10.0


class SmtpUrlError(ValueError):
    """``SMTP_URL`` is malformed (the message never repeats it: it may hold a password)."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str | None  # None, "starttls" or "tls"
    username: str | None = None
    password: Secret | None = None
    ca_file: Path | None = None

    def __repr__(self) -> str:
        return f"SmtpServer(host={self.host!r}, port={self.port}, security={self.security})"


def parse_smtp_url(url: Secret, ca_file: Path | None = None) -> SmtpServer:
    parts = urlsplit(url.reveal())
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise SmtpUrlError("SMTP_URL must be smtp://, smtp+starttls:// or smtps://host[:port]")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SmtpUrlError("SMTP_URL takes no path, query or fragment")
    default_port, security = SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError:
        raise SmtpUrlError("SMTP_URL has an invalid port") from None
    if parts.username and security is None:
        raise SmtpUrlError("SMTP_URL: a password needs smtp+starttls:// or smtps://")
    password = Secret(unquote(parts.password)) if parts.password else None
    return SmtpServer(parts.hostname, port, security,
                      unquote(parts.username) if parts.username else None, password, ca_file)


class SmtpMailer:
    """Delivers one mail per connection (few mails, no pool to go stale)."""

    available = True

    def __init__(self, server: SmtpServer, sender: str) -> None:
        self.server = server
        self.sender = sender

    def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, mail.to, mail.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip("> "))
        message.set_content(mail.body)
        with self._connect() as client:
            if self.server.username and self.server.password is not None:
                client.login(self.server.username, self.server.password.reveal())
            client.send_message(message)

    def _context(self) -> ssl.SSLContext:
        ca = str(self.server.ca_file) if self.server.ca_file else None
        return ssl.create_default_context(cafile=ca)

    def _connect(self) -> smtplib.SMTP:
        host, port = self.server.host, self.server.port
        if self.server.security == "tls":
            return smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=self._context())
        client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        if self.server.security == "starttls":
            try:
                client.starttls(context=self._context())
            except Exception:
                client.close()
                raise
        return client


class BackgroundMailer:
    """Queues mails for one daemon thread (started on first use, so after a worker fork)."""

    available = True

    def __init__(self, mailer: SmtpMailer, max_queued: int = 1000) -> None:
        self.mailer = mailer
        self.queue: queue.Queue[Mail] = queue.Queue(max_queued)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def send(self, mail: Mail) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._deliver_forever, daemon=True,
                                                name="pix-mailer")
                self._thread.start()
        try:
            self.queue.put_nowait(mail)
        except queue.Full:
            raise MailUnavailable("mail_queue_full") from None

    def join(self) -> None:
        """Wait until every queued mail was tried (tests, shutdown)."""
        self.queue.join()

    def _deliver_forever(self) -> None:
        while True:
            mail = self.queue.get()
            try:
                self.mailer.send(mail)
                log.info("mail sent: %s", mail.subject)
            except (OSError, smtplib.SMTPException) as error:
                log.warning("mail not sent: %s", type(error).__name__)
            finally:
                self.queue.task_done()


class NoMailer:
    """No ``SMTP_URL``: the pages that would send a mail say the service is unavailable."""

    available = False

    def send(self, mail: Mail) -> None:
        raise MailUnavailable("smtp_not_configured")
