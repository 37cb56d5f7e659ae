"""``create_app``: the one place where adapters meet use cases."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from werkzeug.middleware.proxy_fix import ProxyFix

from kernel.clock import Clock
from kernel.metrics_endpoint import MetricsEndpoint
from kernel.request_id import RequestIdMiddleware, propagate_request_id
from kernel.sql.engine import make_engine
from pix_core.adapters.campaign_positioning import ContentCatalog, PositioningAssessments
from pix_core.adapters.http.health import HealthEndpoints
from pix_core.adapters.http.metrics import REGISTRY, ObservedPixWeb
from pix_core.adapters.http.security_headers import SecurityHeaders
from pix_core.adapters.http.sessions import SessionStore
from pix_core.adapters.http.static_files import StaticFiles
from pix_core.adapters.http.web import SECURITY_HEADERS, WebConfig
from pix_core.adapters.oidc.port import RelyingParty
from pix_core.adapters.oidc.relying_party import OidcRelyingParty, RelyingPartyConfig
from pix_core.adapters.sql.campaign_repositories import campaign_unit_of_work_factory
from pix_core.adapters.sql.rate_limit_counters import SqlAttemptCounter
from pix_core.adapters.sql.session_store import SqlSessionStore
from pix_core.content import default_content
from pix_core.domain.rate_limit import RateLimiter
from pix_core.settings import PixSettings
from pix_core.usecases.upload_siecle_roster import siecle_importer
from roster.reading import read_roster_file
from roster.sql.repositories import roster_unit_of_work_factory

STATIC_DIR = Path(__file__).resolve().parent / "adapters" / "http" / "static"


def system_clock() -> datetime:
    return datetime.now(UTC)


def default_http_session(settings: PixSettings) -> requests.Session:
    """The back-channel session: trusts ``PROXY_CA_FILE`` when set (self-signed demo proxy)."""
    session = requests.Session()
    if settings.proxy_ca_file is not None:
        session.verify = str(settings.proxy_ca_file)
    return session


def create_app(
    settings: PixSettings,
    http_session: requests.Session | None = None,
    *,
    relying_party: RelyingParty | None = None,
    session_store: SessionStore | None = None,
    clock: Clock = system_clock,
) -> Any:
    """Build Pix's WSGI application.

    ``http_session`` carries every back-channel call to the proxy (discovery, JWKS,
    token, userinfo): tests route it into the proxy's WSGI app. ``relying_party`` and
    ``session_store`` replace the real adapters in unit tests. The schema is not created
    here: run ``pix_core.adapters.sql.migrate.upgrade(settings.database_url)`` first.
    """
    logging.getLogger("pix_core").setLevel(settings.log_level)
    engine = make_engine(settings.database_url)
    if relying_party is None:
        relying_party = OidcRelyingParty(
            RelyingPartyConfig(
                issuer=settings.issuer,
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                redirect_uri=settings.redirect_uri,
            ),
            propagate_request_id(http_session or default_http_session(settings)),
        )
    content = default_content()  # checked here: invalid content stops the start-up
    importer = siecle_importer(roster_unit_of_work_factory(engine), read_roster_file, clock)
    web = ObservedPixWeb(  # PixWeb counted for /metrics (adapters/http/metrics.py)
        WebConfig(base_url=settings.base_url, issuer=settings.issuer),
        relying_party=relying_party,
        unit_of_work=campaign_unit_of_work_factory(  # Pix Orga, assessments, campaigns
            engine, lambda uow: PositioningAssessments(
                uow, content, clock, max_open_level=settings.max_open_level)),
        sessions=session_store or SqlSessionStore(engine, settings.session_lifetime),
        clock=clock,
        importer_for=lambda _uow: importer,
        limiter=RateLimiter(SqlAttemptCounter(engine), clock),  # shared by every worker
        catalog=ContentCatalog(content),
        content=content,
        max_open_level=settings.max_open_level,
    )
    static = StaticFiles(web, {"/static": str(STATIC_DIR)}, cache_timeout=3600)
    app: Any = HealthEndpoints(SecurityHeaders(static, SECURITY_HEADERS), engine)  # probes
    if settings.trusted_proxies:  # the client address for rate limits, from X-Forwarded-For
        app = ProxyFix(app, x_for=settings.trusted_proxies)
    return RequestIdMiddleware(MetricsEndpoint(app, REGISTRY))  # X-Request-Id, /metrics
