"""A local SMTP server that keeps what it receives (aiosmtpd), and a page listing it.

``pixgar demo`` runs one on loopback and points pix_core's ``SMTP_URL`` at it: the demo's
mails (confirmations, password resets, recoveries) are read at ``MAIL_CATCHER_BASE_URL``
(https://localhost:9445/). The tests use the same server, also with STARTTLS and implicit
TLS, and read what it received.
"""

from __future__ import annotations

import email
import email.policy
import html
import logging
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from werkzeug import Request, Response

LINK = re.compile(r"https?://[^\s<>\"]+")


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class _Keeper:
    def __init__(self, catcher: MailCatcher) -> None:
        self.catcher = catcher

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.catcher.received(message, list(envelope.rcpt_tos))  # type: ignore[arg-type]
        return "250 Message accepted"


class MailCatcher:
    """``start()``, ``messages``, ``wait_for(...)``, ``stop()``. ``tls_context``: offers
    STARTTLS (and requires it with ``require_starttls``); ``implicit_tls``: SMTPS."""

    def __init__(self, host: str = "127.0.0.1", *, tls_context: ssl.SSLContext | None = None,
                 require_starttls: bool = False,
                 implicit_tls: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.port = 0
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._lock = threading.Condition()
        self._options: dict[str, Any] = {}
        if tls_context is not None:
            self._options.update(tls_context=tls_context, require_starttls=require_starttls)
        self._implicit_tls = implicit_tls
        self._controller: Controller | None = None

    def start(self) -> MailCatcher:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # it logs every address
        self.port = _free_port(self.host)
        self._controller = Controller(_Keeper(self), hostname=self.host, port=self.port,
                                      ssl_context=self._implicit_tls, server_hostname="localhost",
                                      **self._options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def received(self, message: EmailMessage, recipients: list[str]) -> None:
        with self._lock:
            self.messages.append(message)
            self.recipients.append(recipients)
            self._lock.notify_all()

    def wait_for(self, match: Callable[[EmailMessage], bool], timeout: float = 15.0
                 ) -> EmailMessage:
        """The first message ``match`` accepts, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.messages if match(m)]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no matching mail arrived")
                self._lock.wait(left)

    def mails_to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""  # type: ignore[union-attr]


def links_in(message: EmailMessage) -> list[str]:
    return LINK.findall(body_of(message))


class MailListPage:
    """The demo's mailbox: every mail received, newest first (development only)."""

    def __init__(self, catcher: MailCatcher) -> None:
        self.catcher = catcher

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        request = Request(environ)
        status = 200 if request.path == "/" else 404
        response = Response(self.render() if status == 200 else "Not found", status=status,
                            mimetype="text/html" if status == 200 else "text/plain")
        response.headers["Cache-Control"] = "no-store"
        return response(environ, start_response)

    def render(self) -> str:
        items = []
        for message in reversed(list(self.catcher.messages)):
            body = LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>',
                            html.escape(body_of(message), quote=False))
            items.append(
                f"<article><h2>{html.escape(str(message['Subject']))}</h2>"
                f"<p>À : {html.escape(str(message['To']))} — {html.escape(str(message['Date']))}"
                f"</p><pre>{body}</pre></article>")
        content = "".join(items) or "<p>Aucun e-mail pour le moment.</p>"
        return ("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
                "<title>E-mails de la démo</title></head><body><main>"
                f"<h1>E-mails envoyés par la démo ({len(items)})</h1>{content}</main></body>"
                "</html>")
