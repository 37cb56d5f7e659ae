"""The SMTP mailer against a real SMTP server on loopback (aiosmtpd): plain, STARTTLS with a
generated certificate, implicit TLS; refusals when TLS cannot be had or trusted."""

from __future__ import annotations

import smtplib
import ssl

import pytest

from kernel.devkeys import ensure_self_signed_cert
from kernel.secret import Secret
from pix_core.accounts.adapters.mail.smtp import (
    BackgroundMailer,
    SmtpMailer,
    SmtpUrlError,
    parse_smtp_url,
)
from pix_core.accounts.domain.mail import Mail
from pixgar.mail_catcher import MailCatcher, body_of

SENDER = "Pix <ne-pas-repondre@pix.test>"
MAIL = Mail("eleve@exemple.fr", "Confirmez votre adresse e-mail",
            "Bonjour,\n\nhttps://x/y?jeton=abc\n")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("smtp-tls")
    return ensure_self_signed_cert(folder / "smtp.key", folder / "smtp.crt", "smtp test",
                                   ("localhost", "127.0.0.1"))


def server_context(certificate) -> ssl.SSLContext:
    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context


@pytest.fixture
def catcher_with():
    started = []

    def start(**options) -> MailCatcher:
        started.append(MailCatcher(**options).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_plain_smtp_delivers_a_french_mail(catcher_with):
    catcher = catcher_with()
    server = parse_smtp_url(Secret(f"smtp://127.0.0.1:{catcher.port}"))
    SmtpMailer(server, SENDER).send(MAIL)
    (received,) = catcher.messages
    assert received["To"] == "eleve@exemple.fr"
    assert received["From"] == SENDER
    assert received["Subject"] == "Confirmez votre adresse e-mail"
    assert "jeton=abc" in body_of(received)


def test_starttls_with_a_trusted_certificate(catcher_with, certificate):
    catcher = catcher_with(tls_context=server_context(certificate), require_starttls=True)
    server = parse_smtp_url(Secret(f"smtp+starttls://localhost:{catcher.port}"),
                            ca_file=certificate[1])
    assert server.security == "starttls"
    SmtpMailer(server, SENDER).send(MAIL)
    assert len(catcher.messages) == 1


def test_starttls_refuses_an_untrusted_certificate(catcher_with, certificate):
    catcher = catcher_with(tls_context=server_context(certificate), require_starttls=True)
    server = parse_smtp_url(Secret(f"smtp+starttls://localhost:{catcher.port}"))  # system CAs
    with pytest.raises(ssl.SSLCertVerificationError):
        SmtpMailer(server, SENDER).send(MAIL)
    assert catcher.messages == []


def test_starttls_required_but_not_offered_sends_nothing(catcher_with):
    catcher = catcher_with()  # no TLS at all
    server = parse_smtp_url(Secret(f"smtp+starttls://127.0.0.1:{catcher.port}"))
    with pytest.raises(smtplib.SMTPNotSupportedError):
        SmtpMailer(server, SENDER).send(MAIL)
    assert catcher.messages == []


def test_implicit_tls(catcher_with, certificate):
    catcher = catcher_with(implicit_tls=server_context(certificate))
    server = parse_smtp_url(Secret(f"smtps://localhost:{catcher.port}"), ca_file=certificate[1])
    SmtpMailer(server, SENDER).send(MAIL)
    assert len(catcher.messages) == 1


def test_background_mailer_delivers_off_the_request_thread(catcher_with):
    catcher = catcher_with()
    mailer = BackgroundMailer(SmtpMailer(
        parse_smtp_url(Secret(f"smtp://127.0.0.1:{catcher.port}")), SENDER))
    mailer.send(MAIL)
    mailer.join()
    assert catcher.wait_for(lambda m: True, timeout=5)["To"] == "eleve@exemple.fr"


def test_background_mailer_survives_a_dead_server(caplog):
    mailer = BackgroundMailer(SmtpMailer(parse_smtp_url(Secret("smtp://127.0.0.1:9")), SENDER))
    mailer.send(MAIL)
    mailer.join()
    assert "mail not sent: ConnectionRefusedError" in caplog.text
    assert "eleve@exemple.fr" not in caplog.text


@pytest.mark.parametrize("url", [
    "http://localhost", "smtp://", "smtp://h/path", "smtp://h?starttls=1", "smtp://u:p@h",
    "smtps://h:notaport",
])
def test_malformed_smtp_urls_are_refused_without_echoing_them(url):
    with pytest.raises(SmtpUrlError) as refused:
        parse_smtp_url(Secret(url))
    assert "SMTP_URL" in str(refused.value)
    assert url.partition("//")[2] not in str(refused.value) or url == "smtp://"


def test_smtp_url_defaults_and_credentials():
    server = parse_smtp_url(Secret("smtps://pix%40relais:s%C3%A9cret@mail.exemple.fr"))
    assert (server.host, server.port, server.security) == ("mail.exemple.fr", 465, "tls")
    assert server.username == "pix@relais"
    assert server.password == Secret("sécret")
    assert "sécret" not in repr(server)
    assert parse_smtp_url(Secret("smtp+starttls://m.fr")).port == 587
    assert parse_smtp_url(Secret("smtp://m.fr")).port == 25
