"""``create_app(settings)``: the proxy as a WSGI application.

SATOSA routes requests to the two plugins; this module wraps it so that every refusal
becomes a French error page with a reference, and nothing personal reaches the logs.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import redis
import sqlalchemy.exc
from prometheus_client import CollectorRegistry
from satosa.context import Context
from satosa.exception import (
    SATOSAAuthenticationError,
    SATOSAMissingStateError,
    SATOSANoBoundEndpointError,
)
from satosa.proxy_server import (
    collect_http_headers,
    collect_server_headers,
    parse_query_string,
    unpack_get,
    unpack_post,
)
from satosa.response import Response as SatosaResponse
from satosa.satosa_config import SATOSAConfig
from satosa.state import State
from werkzeug.wrappers import Response

from kernel.logging_setup import configure_logging
from kernel.metrics_endpoint import MetricsEndpoint
from kernel.request_id import RequestIdMiddleware
from proxy.config import satosa_config
from proxy.errors import (
    InternalError,
    MethodNotAllowed,
    NotFound,
    ProxyError,
    SamlResponseRejected,
    ServiceUnavailable,
    SessionExpired,
    UnsupportedRequestBody,
    render_error,
)
from proxy.keys.ages import configured_key_files, key_ages
from proxy.keys.files import load_keys
from proxy.keys.keyring import Keyring
from proxy.keys.rotation import keyring_of, reloading_app
from proxy.metadata.ages import metadata_age, metadata_valid_until, metadata_watcher
from proxy.observability.health import HEALTH_PATHS, proxy_health
from proxy.observability.login_correlation import resume_login
from proxy.observability.metrics import REGISTRY, scrape_time_gauges
from proxy.observability.observed import ObservedLogins
from proxy.settings import ProxySettings
from proxy.state.cookie import (
    StateCookieCodec,
    TamperedStateCookie,
    set_cookie_header,
    state_cookie_value,
)

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 512 * 1024
FORM, JSON = "application/x-www-form-urlencoded", "application/json"
READ = ("GET", "HEAD")  # the probes' methods; others fall through to routing (404 page)
STATE_COOKIE_TAMPERED = "state_cookie_tampered"
_COOKIE_SENT = "_pixgar_state_cookie_sent"

SECURITY_HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; style-src 'self'; frame-ancestors 'none'; "
                                "form-action *; base-uri 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Strict-Transport-Security", "max-age=31536000"),
    ("Cache-Control", "no-store"),
]


class ProxyApplication(ObservedLogins):  # SATOSA's WsgiApplication, observed: observability/
    """SATOSA's WSGI application with French error pages and privacy-safe logging."""

    def __init__(self, config: Any) -> None:  # satosa.satosa_config.SATOSAConfig
        super().__init__(config)
        self._state_codec = StateCookieCodec(config["STATE_ENCRYPTION_KEY"])

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse,
                 debug: bool = False) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in HEALTH_PATHS and environ.get("REQUEST_METHOD") in READ:
            return proxy_health(self, environ["PATH_INFO"])(environ, start_response)
        context = None
        try:
            context = self._context(environ)
            response = self.run(context)
            headers = [h for h in response.headers if h[0] != "Content-Type"]
            answer = Response(response.message, status=response.status,
                              headers=headers + SECURITY_HEADERS,
                              content_type=_content_type(response.headers))
        except Exception as error:  # every failure becomes a page; none leaks a traceback
            proxy_error = _as_proxy_error(error)
            page = render_error(proxy_error, self.audit_refusal(context, proxy_error))
            answer = Response(page.body, status=page.status,
                              content_type="text/html; charset=utf-8",
                              headers=SECURITY_HEADERS + list(proxy_error.headers))
            if proxy_error.code == STATE_COOKIE_TAMPERED:  # or the retry fails the same way
                answer.delete_cookie(self.config["COOKIE_STATE_NAME"], path="/", secure=True,
                                     httponly=True, samesite="None")
        return answer(environ, start_response)

    def _context(self, environ: WSGIEnvironment) -> Context:
        length = _content_length(environ)
        if length > MAX_BODY_BYTES:
            raise SamlResponseRejected("request_body_too_large")
        path = environ.get("PATH_INFO", "").lstrip("/")
        if ".." in path or not path:
            raise NotFound("empty_or_dotted_path")
        environ["wsgi.input"] = BytesIO(environ["wsgi.input"].read(length))
        context = Context()
        context.path = path
        context.request = _request_data(environ, length)
        context.request_uri = environ.get("REQUEST_URI")
        context.request_method = environ.get("REQUEST_METHOD")
        context.qs_params = parse_query_string(environ.get("QUERY_STRING"))
        context.server = collect_server_headers(environ)
        context.http_headers = collect_http_headers(environ)
        context.cookie = context.http_headers.get("HTTP_COOKIE", "")
        context.request_authorization = context.http_headers.get("HTTP_AUTHORIZATION", "")
        return context

    def _load_state(self, context: Context) -> None:
        """SATOSA's state from our AES-GCM cookie (proxy/state/cookie.py), not SATOSA's own."""
        self.start_clock(context)  # proxy/observability/observed.py
        name = self.config["COOKIE_STATE_NAME"]
        state = State()
        try:
            value = state_cookie_value(context.cookie, name)
            if value is not None:
                state.data = self._state_codec.open(name, value)
        except TamperedStateCookie as error:
            raise SessionExpired(STATE_COOKIE_TAMPERED) from error
        context.state = state
        setattr(context, _COOKIE_SENT, value is not None)

    def _save_state(self, resp: SatosaResponse, context: Context) -> None:
        """Write the state cookie; none when there is no state to keep or to clear.

        Token, userinfo, JWKS and discovery requests carry no state cookie and leave none.
        """
        state = context.state
        if not _holds_state(state) and not getattr(context, _COOKIE_SENT, False):
            return
        name = self.config["COOKIE_STATE_NAME"]
        value = "" if state.delete else self._state_codec.seal(name, state.data)
        resp.headers = [(header, content) for header, content in resp.headers
                        if header.lower() != "set-cookie" or not content.startswith(f"{name}=")]
        resp.headers.append(set_cookie_header(name, value, delete=state.delete,
                                              max_age=int(self.config["COOKIE_MAX_AGE"])))

    def run(self, context: Context) -> SatosaResponse:
        """Route, run the endpoint, save the state cookie; errors propagate to ``__call__``."""
        self._load_state(context)
        resume_login(context)  # log under the login's id (proxy/observability/login_correlation.py)
        endpoint = self.module_router.endpoint_routing(context)
        response = endpoint(context)
        self._save_state(response, context)
        return response


def _holds_state(state: State) -> bool:
    """True when SATOSA's state has more than the session id every new state gets."""
    return state.delete or any(key != "SESSION_ID" for key in state)


def _content_length(environ: WSGIEnvironment) -> int:
    """The body's length; a value that is not a plain number is refused (no ``read(-1)``)."""
    value = (environ.get("CONTENT_LENGTH") or "0").strip()
    if not value.isascii() or not value.isdigit():
        raise ProxyError("bad_content_length")
    return int(value)


def _request_data(environ: WSGIEnvironment, length: int) -> dict[str, str]:
    """The request's parameters, always a dict of strings, as every SATOSA endpoint assumes.

    SATOSA's ``unpack_request`` gives ``None`` for a method other than GET and POST and for
    a POST body that is neither a form nor JSON, and its OIDC endpoints crash on ``None``
    (HTTP 500), e.g. on a userinfo POST with the token in the header and no body at all,
    which RFC 6750 §2.1 allows. So: GET and HEAD read the query; a POST without a body has
    no parameters; any other body must be a form or JSON (an object of strings); other
    methods are served nowhere.
    """
    method = environ.get("REQUEST_METHOD")
    if method in READ:
        data = unpack_get(environ)
    elif method != "POST":
        raise MethodNotAllowed("method_not_allowed")
    elif length == 0:
        data = {}
    else:
        data = _posted(environ, length)
    if not (isinstance(data, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items())):
        raise ProxyError("unreadable_request_body")
    return data


def _posted(environ: WSGIEnvironment, length: int) -> Any:
    media_type = (environ.get("CONTENT_TYPE") or "").partition(";")[0].strip().lower()
    if media_type not in (FORM, JSON):
        raise UnsupportedRequestBody("unsupported_content_type")
    try:
        return unpack_post({**environ, "CONTENT_TYPE": media_type}, length)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ProxyError("unreadable_request_body") from None


def _content_type(headers: Iterable[tuple[str, str]]) -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return str(value)
    return "text/html; charset=utf-8"


def _as_proxy_error(error: Exception) -> ProxyError:
    if isinstance(error, ProxyError):
        return error
    if isinstance(error, redis.exceptions.RedisError):
        return ServiceUnavailable("redis_unavailable")
    if isinstance(error, sqlalchemy.exc.OperationalError | sqlalchemy.exc.TimeoutError):
        return ServiceUnavailable("database_unavailable")  # down, or every pooled connection busy
    if isinstance(error, SATOSANoBoundEndpointError):
        return NotFound("no_endpoint")
    if isinstance(error, SATOSAMissingStateError):
        return SessionExpired("missing_state")
    if isinstance(error, SATOSAAuthenticationError):
        return SamlResponseRejected("authentication_error")
    # Unexpected: log where it happened, never the message (it may quote user data).
    logger.error("unexpected %s\n%s", type(error).__name__,
                 "".join(traceback.format_tb(error.__traceback__)))
    return InternalError(type(error).__name__)


def create_app(settings: ProxySettings) -> RequestIdMiddleware:
    """Build the proxy WSGI application from ``settings`` (keys generated in dev if allowed)."""
    configure_logging(settings.log_level)

    def build() -> ProxyApplication:
        return ProxyApplication(SATOSAConfig(satosa_config(settings, load_keys(settings))))

    app = reloading_app(settings, build)  # rebuilt when the keyring changes (docs/adr/0006)
    gauges = gauges_of(app, keyring_of(settings), configured_key_files(load_keys(settings)))
    return RequestIdMiddleware(MetricsEndpoint(app, REGISTRY, scrape_time=gauges))


def gauges_of(app: Any, keyring: Keyring, configured: Mapping[str, Path],
              clock: Callable[[], float] = time.time) -> CollectorRegistry:
    """The scrape-time gauges (proxy/observability/metrics.py) of ``app`` and its keyring.

    ``app`` may be rebuilt (``proxy/keys/rotation.py``): its metadata watcher is looked up
    at each scrape.
    """
    return scrape_time_gauges(
        lambda: metadata_valid_until(metadata_watcher(app)),
        lambda: metadata_age(metadata_watcher(app), clock()),
        lambda: key_ages(keyring, configured, clock()))
