"""``create_app``: the one place where adapters meet use cases.

Each context's pages (``<context>/adapters/http/pages.py``) bring their routes, and its
``adapters/http/errors.py`` its error pages; ``pix_web`` puts them together on the shared
web kit. A new context adds its pages to ``PAGES`` and ``pix_web``, its error pages to the
``ErrorTable``, and its tables to ``database/schema.py``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from werkzeug.middleware.proxy_fix import ProxyFix

from kernel.clock import Clock
from kernel.metrics_endpoint import MetricsEndpoint
from kernel.request_id import RequestIdMiddleware
from kernel.sql.engine import make_engine
from pix_core.accounts.adapters.http import errors as accounts_errors
from pix_core.accounts.adapters.http.gar_login import GarLogin
from pix_core.accounts.adapters.http.my_account_pages import MyAccountPages
from pix_core.accounts.adapters.http.pages import AccountPages
from pix_core.accounts.adapters.http.password_pages import PasswordPages
from pix_core.accounts.adapters.mail.smtp import BackgroundMailer, NoMailer, SmtpMailer
from pix_core.accounts.adapters.oidc.port import RelyingParty
from pix_core.accounts.adapters.oidc.relying_party import OidcRelyingParty, RelyingPartyConfig
from pix_core.accounts.adapters.sql.session_store import SqlSessionStore
from pix_core.accounts.domain.mail import Mailer
from pix_core.campaigns.adapters.http import errors as campaigns_errors
from pix_core.campaigns.adapters.http.pages import CampaignPages
from pix_core.campaigns.adapters.positioning import PositioningAssessments
from pix_core.campaigns.adapters.target_catalog import ContentCatalog, EmptyCatalog
from pix_core.campaigns.domain.target_profiles import TargetCatalog
from pix_core.certification.adapters.http import errors as certification_errors
from pix_core.certification.adapters.http.pages import CertificationPages
from pix_core.database.unit_of_work import unit_of_work_factory
from pix_core.evaluation.adapters.content_bank import default_content
from pix_core.evaluation.adapters.http import errors as evaluation_errors
from pix_core.evaluation.adapters.http.pages import EvaluationPages, assessment_path
from pix_core.evaluation.domain.framework import LearningContent
from pix_core.evaluation.domain.scoring import DEFAULT_MAX_OPEN_LEVEL
from pix_core.orga.adapters.http import errors as orga_errors
from pix_core.orga.adapters.http.pages import ImporterFactory, OrgaPages
from pix_core.orga.adapters.http.recovery_pages import RecoveryPages
from pix_core.orga.adapters.http.username_pages import UsernamePages
from pix_core.orga.adapters.siecle_importer import siecle_importer
from pix_core.settings import PixSettings
from pix_core.shared.adapters.http.errors import ErrorTable
from pix_core.shared.adapters.http.health import HealthEndpoints
from pix_core.shared.adapters.http.kit import WebConfig, WebKit
from pix_core.shared.adapters.http.metrics import REGISTRY, ObservedPixWeb
from pix_core.shared.adapters.http.security_headers import SECURITY_HEADERS, SecurityHeaders
from pix_core.shared.adapters.http.sessions import SessionStore
from pix_core.shared.adapters.http.static_files import StaticFiles
from pix_core.shared.adapters.http.web import PixWeb, url_map
from pix_core.shared.adapters.sql.rate_limit_counters import SqlAttemptCounter
from pix_core.shared.domain.rate_limit import InMemoryAttemptCounter, RateLimiter
from roster.reading import read_roster_file
from roster.sql.repositories import roster_unit_of_work_factory

STATIC_DIR = Path(__file__).resolve().parent / "shared" / "adapters" / "http" / "static"

PAGES = (AccountPages, OrgaPages, EvaluationPages, CampaignPages, CertificationPages,
         PasswordPages, MyAccountPages, UsernamePages, RecoveryPages)
URL_MAP = url_map(rule for pages in PAGES for rule in pages.rules)
"""Every route of the application (the odd-requests suite walks them all)."""


def system_clock() -> datetime:
    return datetime.now(UTC)


def default_http_session(settings: PixSettings) -> requests.Session:
    """The back-channel session: trusts ``PROXY_CA_FILE`` when set (self-signed demo proxy).

    What requests reads from the environment (proxies for the issuer's host, CA bundle) is
    read once, here: with ``trust_env`` it scans the whole environment at every call, about
    1 ms of CPU per token or userinfo request.
    """
    session = requests.Session()
    session.trust_env = False
    session.proxies.update(requests.utils.get_environ_proxies(settings.issuer))
    if settings.proxy_ca_file is not None:
        session.verify = str(settings.proxy_ca_file)
    else:
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get(
            "CURL_CA_BUNDLE") or True
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
    here: run ``pix_core.database.migrate.upgrade(settings.database_url)`` first.
    """
    logging.getLogger("pix_core").setLevel(settings.log_level)
    engine = make_engine(settings.database_url, settings.database_pool)
    if relying_party is None:
        relying_party = OidcRelyingParty(
            RelyingPartyConfig(
                issuer=settings.issuer,
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                redirect_uri=settings.redirect_uri,
            ),
            http_session or default_http_session(settings),
        )
    content = default_content()  # checked here: invalid content stops the start-up
    importer = siecle_importer(roster_unit_of_work_factory(engine), read_roster_file, clock)
    web = pix_web(
        WebConfig(base_url=settings.base_url, issuer=settings.issuer),
        relying_party=relying_party,
        unit_of_work=unit_of_work_factory(  # every context's repositories, one transaction
            engine, lambda uow: PositioningAssessments(
                uow, content, clock, max_open_level=settings.max_open_level)),
        sessions=session_store or SqlSessionStore(engine, settings.session_lifetime),
        clock=clock,
        importer_for=lambda _uow: importer,
        limiter=RateLimiter(SqlAttemptCounter(engine), clock),  # shared by every worker
        catalog=ContentCatalog(content),
        content=content,
        max_open_level=settings.max_open_level,
        mailer=mailer_from(settings),
        web=ObservedPixWeb,  # counted for /metrics (shared/adapters/http/metrics.py)
    )
    static = StaticFiles(web, {"/static": str(STATIC_DIR)}, cache_timeout=3600)
    app: Any = HealthEndpoints(SecurityHeaders(static, SECURITY_HEADERS), engine)  # probes
    if settings.trusted_proxies:  # the client address for rate limits, from X-Forwarded-For
        app = ProxyFix(app, x_for=settings.trusted_proxies)
    return RequestIdMiddleware(MetricsEndpoint(app, REGISTRY))  # X-Request-Id, /metrics


def mailer_from(settings: PixSettings) -> Mailer:
    """SMTP off the request thread, or ``NoMailer`` without ``SMTP_URL``."""
    if settings.smtp is None:
        return NoMailer()
    return BackgroundMailer(SmtpMailer(settings.smtp, settings.mail_from))


def pix_web(
    config: WebConfig,
    *,
    relying_party: RelyingParty,
    unit_of_work: Callable[[], Any],
    sessions: SessionStore,
    clock: Clock,
    importer_for: ImporterFactory | None = None,
    limiter: RateLimiter | None = None,
    catalog: TargetCatalog | None = None,
    content: LearningContent | None = None,
    max_open_level: int = DEFAULT_MAX_OPEN_LEVEL,
    web: type[PixWeb] = PixWeb,
    mailer: Mailer | None = None,
) -> PixWeb:
    """Every context's pages on one web kit, over the given adapters (fakes in unit tests).

    Without ``limiter``, attempts are counted in process memory (single-process tests);
    without ``content``, the packaged content bank is used; without ``mailer``, the pages
    that send mail answer 503.
    """
    mailer = mailer or NoMailer()
    gar_login = GarLogin(relying_party, sessions, clock)
    errors = ErrorTable(accounts_errors.ERROR_PAGES, orga_errors.ERROR_PAGES,
                        evaluation_errors.ERROR_PAGES, campaigns_errors.ERROR_PAGES,
                        certification_errors.ERROR_PAGES)
    kit = WebKit(config, sessions, clock, limiter or RateLimiter(InMemoryAttemptCounter(), clock),
                 errors, start_login=gar_login.start)
    return web(kit, [
        AccountPages(kit, gar_login, relying_party, unit_of_work),
        OrgaPages(kit, unit_of_work, importer_for),
        EvaluationPages(kit, unit_of_work, content or default_content(), max_open_level),
        CampaignPages(kit, unit_of_work, catalog or EmptyCatalog(), assessment_path),
        CertificationPages(kit, unit_of_work, content or default_content(), max_open_level),
        PasswordPages(kit, unit_of_work, mailer),
        MyAccountPages(kit, unit_of_work, mailer, can_export=True),
        UsernamePages(kit, unit_of_work),
        RecoveryPages(kit, unit_of_work, mailer),
    ])

