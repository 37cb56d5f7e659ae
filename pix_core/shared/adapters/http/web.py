"""The WSGI application: URL map → ``on_<endpoint>`` → Response (Werkzeug's shortly shape).

Each context contributes its pages: an object with ``rules`` (Werkzeug ``Rule``s) and an
``on_<endpoint>(request, **arguments)`` method per rule. ``PixWeb`` gathers them into one
URL map, answers every error with the French page of the one ``ErrorTable``, and sets the
security headers. ``create_app`` (``pix_core/app.py``) says which pages there are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from werkzeug import Request, Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wsgi import ClosingIterator

from pix_core.shared.adapters.http.errors import (
    BAD_REQUEST,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    ErrorPage,
    kind_of,
    new_reference,
)
from pix_core.shared.adapters.http.kit import BASE_TEMPLATES, LoginRequired, Templates, WebKit
from pix_core.shared.adapters.http.security_headers import SECURITY_HEADERS

log = logging.getLogger(__name__)

ROUTE_KEY = "pixgar.route"  # WSGI environ: the URL rule the request matched

Handler = Callable[..., Response]


class Pages(Protocol):
    """What a context adds to the application."""

    @property
    def rules(self) -> Sequence[Rule]:
        """Each rule's ``endpoint`` names the method ``on_<endpoint>`` that answers it."""
        ...


def url_map(rules: Iterable[Rule]) -> Map:
    """One map of these rules (copies: a rule belongs to a single map)."""
    return Map([rule.empty() for rule in rules], strict_slashes=False)


class PixWeb:
    """Pix's pages. Dependencies come in through the constructor (see ``create_app``)."""

    def __init__(self, kit: WebKit, pages: Sequence[Pages]) -> None:
        self.kit = kit
        self.url_map = url_map(rule for page in pages for rule in page.rules)
        self.handlers: dict[str, Handler] = {}
        for page in pages:
            for rule in page.rules:
                if rule.endpoint in self.handlers:
                    raise ValueError(f"endpoint {rule.endpoint!r} is declared twice")
                self.handlers[str(rule.endpoint)] = getattr(page, f"on_{rule.endpoint}")
        self.templates = Templates(BASE_TEMPLATES)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        finally:
            request.close()  # uploaded files' temporary storage, whatever the route did
        return ClosingIterator(response(environ, start_response))

    def dispatch(self, request: Request) -> Response:
        try:
            rule, args = self.url_map.bind_to_environ(request.environ).match(return_rule=True)
            request.environ[ROUTE_KEY] = rule.rule  # the route, for /metrics (never the path)
            response = self.handlers[str(rule.endpoint)](request, **args)
        except LoginRequired as required:
            response = required.response
        except NotFound:
            response = self.error_page(request, NOT_FOUND, "not_found", quiet=True)
        except MethodNotAllowed:
            response = self.error_page(request, METHOD_NOT_ALLOWED, "method_not_allowed")
        except HTTPException as err:  # e.g. malformed form bodies, redirects from routing
            if err.code and err.code < 400:
                response = err.get_response(request.environ)  # type: ignore[assignment]
            else:
                response = self.error_page(request, BAD_REQUEST, "bad_request")
        except Exception as err:
            response = self.error_page(request, self.kit.errors.page_for(err), kind_of(err), err)
            retry_after = getattr(err, "retry_after", None)
            if isinstance(retry_after, int):  # TooManyAttempts: the 429 page
                response.headers["Retry-After"] = str(retry_after)
        response.headers.update(SECURITY_HEADERS)
        return response

    def error_page(
        self,
        request: Request,
        page: ErrorPage,
        kind: str | None,
        error: Exception | None = None,
        quiet: bool = False,
    ) -> Response:
        reference = new_reference()
        if page.status >= 500 and error is not None and kind is None:
            log.error("unexpected error ref=%s", reference, exc_info=error)
        elif not quiet:
            log.warning(
                "request failed ref=%s kind=%s status=%s path=%s",
                reference,
                kind or "unknown",
                page.status,
                request.path,
            )
        return self.templates.render(
            "error.html", status=page.status, page=page, reference=reference,
            logged_in=False, data={},
        )
