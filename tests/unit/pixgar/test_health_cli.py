"""``pixgar health`` against small real servers on loopback: plain, TLS, wrong answers."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from kernel.devkeys import ensure_self_signed_cert
from pixgar.cli import main
from pixgar.health_cli import probed_addresses
from tests.support.throwaway_services import free_port


def answering(status: int, body: object):
    def app(environ, start_response):
        ok = Request(environ).path == "/healthz"
        response = Response(json.dumps(body), status=status if ok else 404,
                            content_type="application/json")
        return response(environ, start_response)
    return app


@pytest.fixture
def serve(tmp_path) -> Iterator:
    """``serve(app, tls=None|(key, cert))``: the app on a free loopback port, its port."""
    servers = []

    def start(app, tls: tuple[Path, Path] | None = None) -> int:
        context = (str(tls[1]), str(tls[0])) if tls else None
        server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        servers.append(server)
        return server.server_port

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    """The server's own key and certificate, issued for its public name, not loopback's."""
    return ensure_self_signed_cert(tmp_path / "tls.key", tmp_path / "tls.crt",
                                   "pix.exemple.fr", ("pix.exemple.fr",))


def issued_by_a_ca(directory: Path) -> tuple[Path, Path]:
    """A key and a leaf certificate signed by a CA the probe is never shown (as in production)."""
    def name(common_name: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(name("pix.exemple.fr"))
            .issuer_name(name("Autorité de test")).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=9))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("pix.exemple.fr")]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    key_path, cert_path = directory / "leaf.key", directory / "leaf.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@pytest.fixture(autouse=True)
def bare_environment(monkeypatch):
    for name in ("HOST", "PORT", "TLS_CERT_FILE", "TLS_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)


def health(monkeypatch, **env: str) -> int:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return main(["health", "--timeout", "2"])


def test_alive_over_plain_http_on_port(serve, monkeypatch, capsys):
    port = serve(answering(200, {"status": "alive"}))

    assert health(monkeypatch, PORT=str(port)) == 0
    assert capsys.readouterr().out == f"alive: 127.0.0.1:{port}\n"


def test_alive_over_tls_trusting_the_servers_own_certificate(serve, certificate, monkeypatch):
    key, cert = certificate
    port = serve(answering(200, {"status": "alive"}), tls=(key, cert))

    assert health(monkeypatch, PORT=str(port), TLS_CERT_FILE=str(cert),
                  TLS_KEY_FILE=str(key)) == 0


def test_alive_over_tls_with_a_certificate_a_ca_issued(serve, tmp_path, monkeypatch):
    key, cert = issued_by_a_ca(tmp_path)
    port = serve(answering(200, {"status": "alive"}), tls=(key, cert))

    assert health(monkeypatch, PORT=str(port), TLS_CERT_FILE=str(cert),
                  TLS_KEY_FILE=str(key)) == 0


def test_a_server_with_another_certificate_is_not_healthy(serve, certificate, tmp_path,
                                                          monkeypatch, capsys):
    key, cert = certificate
    other_key, other_cert = ensure_self_signed_cert(tmp_path / "other.key",
                                                    tmp_path / "other.crt", "pix.exemple.fr",
                                                    ("pix.exemple.fr",))
    port = serve(answering(200, {"status": "alive"}), tls=(other_key, other_cert))

    assert health(monkeypatch, PORT=str(port), TLS_CERT_FILE=str(cert),
                  TLS_KEY_FILE=str(key)) == 1
    assert "SSLCertVerificationError" in capsys.readouterr().err


def test_tls_is_spoken_only_when_the_server_has_both_files(serve, certificate, monkeypatch,
                                                           capsys):
    key, cert = certificate
    port = serve(answering(200, {"status": "alive"}))  # plain HTTP

    assert health(monkeypatch, PORT=str(port), TLS_CERT_FILE=str(cert)) == 0  # no key: plain
    assert health(monkeypatch, TLS_KEY_FILE=str(key)) == 1  # both: TLS, refused by the server
    assert f"https://127.0.0.1:{port}/healthz" in capsys.readouterr().err


@pytest.mark.parametrize(("status", "body"), [
    pytest.param(503, {"status": "alive"}, id="503"),
    pytest.param(200, {"status": "starting"}, id="another body"),
    pytest.param(200, "<html>alive</html>", id="not JSON"),
])
def test_any_other_answer_is_unhealthy(serve, monkeypatch, capsys, status, body):
    port = serve(answering(status, body))

    assert health(monkeypatch, PORT=str(port)) == 1
    assert f"HTTP {status}" in capsys.readouterr().err


def test_nothing_listening_is_unhealthy_and_says_where(monkeypatch, capsys):
    port = free_port()

    assert health(monkeypatch, PORT=str(port)) == 1
    assert f"http://127.0.0.1:{port}/healthz: ConnectionRefusedError" in capsys.readouterr().err


def test_an_unreadable_certificate_file_is_unhealthy(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "missing.crt"

    assert health(monkeypatch, PORT="1", TLS_CERT_FILE=str(missing), TLS_KEY_FILE="k") == 1
    assert "TLS_CERT_FILE: FileNotFoundError" in capsys.readouterr().err


def test_without_port_each_servers_default_port_is_asked(serve, monkeypatch):
    """One image runs the proxy or pix_core: the check finds whichever listens."""
    port = serve(answering(200, {"status": "alive"}))
    monkeypatch.setattr("pixgar.health_cli.PORTS", {"proxy": free_port(), "pix": port})

    assert health(monkeypatch) == 0


@pytest.mark.parametrize(("host", "probed"), [
    pytest.param(None, "127.0.0.1", id="default"),
    pytest.param("0.0.0.0", "127.0.0.1", id="every IPv4 address"),  # noqa: S104
    pytest.param("::", "::1", id="every IPv6 address"),
    pytest.param("[::]", "::1", id="every IPv6 address, bracketed"),
    pytest.param("10.1.2.3", "10.1.2.3", id="one address"),
    pytest.param("pix.internal", "pix.internal", id="a host name"),
    pytest.param("[fd00::5]", "fd00::5", id="one IPv6 address"),
])
def test_the_address_is_where_pixgar_serve_binds(monkeypatch, host, probed):
    if host is not None:
        monkeypatch.setenv("HOST", host)
    monkeypatch.setenv("PORT", "9000")

    assert probed_addresses() == [(probed, 9000)]


def test_without_port_both_default_ports_in_turn():
    assert probed_addresses() == [("127.0.0.1", 8443), ("127.0.0.1", 8444)]
