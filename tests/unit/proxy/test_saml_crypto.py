"""The xmlsec1 backend asks for the binary's version once, and still checks signatures."""

from __future__ import annotations

import subprocess

from saml2.sigver import CryptoBackendXmlSec1, get_xmlsec_binary

from proxy.saml.xmlsec1_version import XmlSec1OneVersionProbe, probing_version_once


def test_the_version_is_probed_once_then_remembered(monkeypatch):
    crypto = probing_version_once(CryptoBackendXmlSec1(get_xmlsec_binary()))
    started = []
    real_popen = subprocess.Popen

    def counting(args, *a, **k):
        started.append(list(args))
        return real_popen(args, *a, **k)

    monkeypatch.setattr("saml2.sigver.Popen", counting)
    versions = {crypto.version for _ in range(5)} | {crypto.version_nums for _ in range(5)}

    assert isinstance(crypto, XmlSec1OneVersionProbe)
    assert [args[1:] for args in started] == [["--version"]]
    assert len(versions) == 2
    assert all(versions)
    assert crypto.version_nums >= (1, 2)


def test_the_backend_keeps_its_binary_and_options():
    stock = CryptoBackendXmlSec1(get_xmlsec_binary(), delete_tmpfiles=False)
    faster = probing_version_once(stock)

    assert faster.xmlsec == stock.xmlsec
    assert faster.delete_tmpfiles is False
    assert probing_version_once(faster) is faster
    assert probing_version_once("another backend") == "another backend"
