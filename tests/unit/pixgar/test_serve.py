"""pixgar/serve.py: the gunicorn settings every server of ``pixgar serve`` runs with."""

from __future__ import annotations

import ssl
from types import SimpleNamespace

import gunicorn.sock
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from gunicorn.config import Config

from pixgar.serve import gunicorn_options
from pixgar.stack import tls_certificate


def test_no_control_socket_another_server_of_the_host_could_take_over(monkeypatch):
    monkeypatch.delenv("ACCESS_LOG_FILE", raising=False)

    options = gunicorn_options(8443)

    assert options["control_socket_disable"] is True
    assert options["accesslog"] is None  # URLs carry codes and handles


def test_an_access_log_on_request_never_holds_a_query_string(monkeypatch, tmp_path):
    monkeypatch.setenv("ACCESS_LOG_FILE", str(tmp_path / "access.log"))

    options = gunicorn_options(8443)

    assert options["accesslog"] == str(tmp_path / "access.log")
    assert options["access_log_format"] == "%(m)s %(U)s %(s)s %(D)s"  # path, no query


def test_a_tls_server_builds_its_context_once_not_per_connection(monkeypatch, tmp_path):
    key, cert = tls_certificate(tmp_path)
    monkeypatch.setenv("TLS_CERT_FILE", str(cert))
    monkeypatch.setenv("TLS_KEY_FILE", str(key))
    built: list[ssl.SSLContext] = []

    def factory() -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        built.append(context)
        return context

    hook = gunicorn_options(8443)["ssl_context"]
    contexts = {id(hook(None, factory)) for _ in range(3)}

    assert len(built) == 1
    assert contexts == {id(built[0])}


def test_the_master_builds_the_tls_context_before_forking_workers(monkeypatch, tmp_path):
    key, cert = tls_certificate(tmp_path)
    monkeypatch.setenv("TLS_CERT_FILE", str(cert))
    monkeypatch.setenv("TLS_KEY_FILE", str(key))
    options = gunicorn_options(8443)
    config = Config()
    for name, value in options.items():
        config.set(name, value)

    options["when_ready"](SimpleNamespace(cfg=config))  # as gunicorn's arbiter calls it

    assert config.ssl_context(config, lambda: pytest.fail("built again")) is not None
    assert gunicorn.sock.ssl_context(config) is config.ssl_context(config, None)


def test_the_development_tls_certificate_is_ecdsa_p256(tmp_path):
    key, cert = tls_certificate(tmp_path)

    public_key = x509.load_pem_x509_certificate(cert.read_bytes()).public_key()

    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert public_key.curve.name == "secp256r1"
    assert key.stat().st_mode & 0o777 == 0o600
