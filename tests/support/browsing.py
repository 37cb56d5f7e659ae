"""Helpers a test uses to act like a browser: auto-submitted forms, PKCE values."""

from __future__ import annotations

import base64
import hashlib
import secrets
from html.parser import HTMLParser

import requests


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": values.get("action", ""),
                               "method": values.get("method", "get").lower(), "fields": {}})
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1]["fields"][values["name"]] = values.get("value", "")


def forms_of(html: str) -> list[dict]:
    """The forms of a page: action, method and named input values."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def submit_first_form(session: requests.Session, page: requests.Response,
                      **overrides: str) -> requests.Response:
    """Submit the page's first form as a browser would (the SAML POST binding page, say)."""
    form = forms_of(page.text)[0]
    fields = {**form["fields"], **overrides}
    if form["method"] == "post":
        return session.post(form["action"], data=fields)
    return session.get(form["action"], params=fields)


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
