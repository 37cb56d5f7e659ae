"""The request id middleware: given, made, or adopted as a login's id mid-request."""

from __future__ import annotations

from werkzeug.test import Client
from werkzeug.wrappers import Response

from kernel.request_id import (
    RequestIdMiddleware,
    adopt_request_id,
    current_request_id,
    is_well_formed,
)


def app_adopting(value):
    def app(environ, start_response):
        adopt_request_id(value)
        return Response(current_request_id() or "")(environ, start_response)
    return RequestIdMiddleware(app)


def test_an_adopted_id_is_the_one_returned_and_logged():
    answer = Client(app_adopting("login-0123456789")).get(
        "/", headers={"X-Request-Id": "request-000001"})
    assert answer.headers["X-Request-Id"] == "login-0123456789"
    assert answer.get_data(as_text=True) == "login-0123456789"
    assert current_request_id() is None  # restored once the request is over


def test_a_malformed_id_is_never_adopted():
    answer = Client(app_adopting("forged\nline=1")).get(
        "/", headers={"X-Request-Id": "request-000001"})
    assert answer.headers["X-Request-Id"] == "request-000001"


def test_well_formed_ids_are_short_plain_tokens():
    assert is_well_formed("0123456789abcdef")
    for bad in ("short", "x" * 65, "a b c d e f g h", "ééééééééé", None, 12345678):
        assert not is_well_formed(bad), bad
