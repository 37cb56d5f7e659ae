"""What the proxy tells a browser when it refuses a request: a French page with a reference.

Also :class:`ConfigurationError`, what stops the proxy at start with a line for the admin.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

security_log = logging.getLogger("proxy.security")

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


class ConfigurationError(RuntimeError):
    """The proxy cannot start with this configuration; the message says what to fix."""


class ProxyError(Exception):
    """A refusal the user is told about. ``code`` is logged; ``message`` is shown (French)."""

    status = 400
    title = "Connexion impossible"
    message = ("La connexion n'a pas pu aboutir. Retournez dans votre ENT et cliquez à nouveau "
               "sur la ressource.")

    headers: tuple[tuple[str, str], ...] = ()  # sent with the page (e.g. ``Allow``)

    def __init__(self, code: str, client_id: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.client_id = client_id  # the relying party, when the state no longer says it


class SamlResponseRejected(ProxyError):
    """The GAR's response failed a check (signature, audience, time, replay, ...)."""


class OidcRequestRejected(ProxyError):
    """An OpenID Connect request that cannot be answered with a redirect (unknown client, URI)."""

    message = ("L'application qui vous a envoyé ici n'est pas reconnue par le service de "
               "connexion. Retournez sur Pix et réessayez.")


class SessionExpired(ProxyError):
    """The browser came back without the state cookie the login started with."""

    title = "Session expirée"
    message = ("Votre session de connexion a expiré ou les cookies sont bloqués. "
               "Retournez dans votre ENT et cliquez à nouveau sur Pix.")


class ServiceUnavailable(ProxyError):
    """A backing service (Redis) is down: fail closed, tell the user to retry."""

    status = 503
    title = "Service momentanément indisponible"
    message = ("Le service de connexion est momentanément indisponible. "
               "Réessayez dans quelques minutes.")


class NotFound(ProxyError):
    status = 404
    title = "Page introuvable"
    message = "Cette adresse ne correspond à aucune page du service de connexion."


class MethodNotAllowed(ProxyError):
    """A method the proxy serves nowhere (its endpoints take GET, HEAD and POST only)."""

    status = 405
    headers = (("Allow", "GET, HEAD, POST"),)
    title = "Requête non prise en charge"
    message = "Cette adresse du service de connexion ne s'utilise pas de cette façon."


class UnsupportedRequestBody(ProxyError):
    """A body the proxy cannot read: not a form (nor JSON), or a malformed length."""

    status = 415
    title = "Requête non prise en charge"
    message = ("Le service de connexion n'a pas pu lire cette requête. Retournez dans votre ENT "
               "et cliquez à nouveau sur la ressource.")


class InternalError(ProxyError):
    status = 500
    title = "Erreur inattendue"
    message = "Une erreur inattendue est survenue. Réessayez depuis votre ENT."


@dataclass(frozen=True)
class ErrorPage:
    """A rendered error page and the reference it shows."""

    status: int
    body: str
    reference: str


def new_reference() -> str:
    """A short, random error reference a user can read out to support."""
    return secrets.token_hex(4).upper()


def render_error(error: ProxyError, reference: str | None = None) -> ErrorPage:
    """Render ``error`` as a French HTML page and log it as a security event (no personal data).

    ``reference``: the audit event id of the refused login (proxy/observability/audit.py), if any.
    """
    reference = reference or new_reference()
    level = logging.ERROR if error.status >= 500 else logging.WARNING
    security_log.log(level, "request refused ref=%s kind=%s code=%s status=%d", reference,
                     type(error).__name__, error.code, error.status)
    body = _templates.get_template("error.html").render(
        title=error.title, message=error.message, reference=reference
    )
    return ErrorPage(error.status, body, reference)
