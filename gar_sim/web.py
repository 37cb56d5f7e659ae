"""Small web helpers shared by the GAR simulator and the simulated ENT."""

from __future__ import annotations

import base64
import hashlib
import hmac
from importlib import resources as importlib_resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from werkzeug.wrappers import Response

from kernel.devkeys import ensure_random_secret

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action *; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

_jinja = Environment(
    loader=PackageLoader("gar_sim", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def render(template: str, status: int = 200, **context: object) -> Response:
    """Render a Jinja2 template (autoescaped) into an HTML response with security headers."""
    body = _jinja.get_template(template).render(**context)
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers.update(SECURITY_HEADERS)
    return response


def static_response(name: str) -> Response:
    """Serve a file of ``gar_sim/static`` (a fixed allow-list, no path from the request)."""
    content_types = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
    suffix = Path(name).suffix
    if suffix not in content_types or "/" in name or name.startswith("."):
        return Response("Introuvable", status=404, content_type="text/plain; charset=utf-8")
    try:
        data = importlib_resources.files("gar_sim").joinpath("static", name).read_bytes()
    except (FileNotFoundError, OSError):
        return Response("Introuvable", status=404, content_type="text/plain; charset=utf-8")
    response = Response(data, content_type=content_types[suffix])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "max-age=300"
    return response


class CookieSigner:
    """HMAC-signed cookie values (the value is an ASCII id, not a secret)."""

    def __init__(self, secret_path: Path) -> None:
        self._key = ensure_random_secret(secret_path).encode("ascii")

    def dumps(self, value: str) -> str:
        payload = base64.urlsafe_b64encode(value.encode("utf-8")).decode("ascii").rstrip("=")
        mac = hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).hexdigest()
        return f"{payload}.{mac}"

    def loads(self, cookie: str | None) -> str | None:
        if not cookie or "." not in cookie:
            return None
        payload, mac = cookie.rsplit(".", 1)
        expected = hmac.new(self._key, payload.encode("ascii", "replace"), hashlib.sha256)
        if not hmac.compare_digest(expected.hexdigest(), mac):
            return None
        try:
            padded = payload + "=" * (-len(payload) % 4)
            return base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
