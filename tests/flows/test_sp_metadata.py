"""The SP metadata at the entityID URL (``/gar/metadata``).

A copy per ten minutes (each cost pysaml2 about 0.15 s and an ``xmlsec1`` process, for
any anonymous GET); its encryption key names the algorithms the proxy decrypts.
"""

from __future__ import annotations

import satosa.backends.saml2
from werkzeug.test import Client

from proxy.plugins import gar_frontend
from proxy.saml.algorithms import ACCEPTED_CONTENT_ENCRYPTIONS, ACCEPTED_KEY_TRANSPORTS


def test_the_sp_metadata_is_built_once_then_again_after_ten_minutes(proxy_with, stack,
                                                                    monkeypatch):
    built = []
    real = satosa.backends.saml2.create_metadata_string

    def counted(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(satosa.backends.saml2, "create_metadata_string", counted)
    now = [1000.0]
    monkeypatch.setattr(gar_frontend, "monotonic", lambda: now[0])
    app = proxy_with()
    url = f"{stack.env['PROXY_BASE_URL']}/gar/metadata"
    client = Client(app)
    first, second = client.get(url), client.get(url)

    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert b"EntityDescriptor" in first.data
    assert first.headers["Content-Type"].startswith("text/xml")
    assert len(built) == 1
    now[0] += gar_frontend.METADATA_REBUILD_SECONDS
    assert client.get(url).status_code == 200
    assert len(built) == 2


def test_the_encryption_key_lists_only_algorithms_the_proxy_decrypts(stack):
    """An IdP that reads ``md:EncryptionMethod`` (Shibboleth's) then picks AES-GCM and
    RSA-OAEP, not the CBC it falls back to, which the proxy refuses."""
    from saml2 import md

    served = Client(stack.apps[stack.env["PROXY_BASE_URL"]]).get(
        f"{stack.env['PROXY_BASE_URL']}/gar/metadata")
    sp = md.entity_descriptor_from_string(served.get_data(as_text=True)).spsso_descriptor[0]
    [encryption] = [kd for kd in sp.key_descriptor if kd.use == "encryption"]
    advertised = [method.algorithm for method in encryption.encryption_method]
    signing = [kd for kd in sp.key_descriptor if kd.use == "signing"]

    assert advertised == ["http://www.w3.org/2009/xmlenc11#aes256-gcm",
                          "http://www.w3.org/2009/xmlenc11#aes128-gcm",
                          "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
                          "http://www.w3.org/2009/xmlenc11#rsa-oaep"]
    assert set(advertised) <= ACCEPTED_CONTENT_ENCRYPTIONS | ACCEPTED_KEY_TRANSPORTS
    assert signing
    assert not any(kd.encryption_method for kd in signing)
