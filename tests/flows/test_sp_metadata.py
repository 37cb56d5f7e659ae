"""The SP metadata at the entityID URL (``/gar/metadata``): a copy per ten minutes.

Each copy cost pysaml2 about 0.25 s and an ``xmlsec1`` process, for any anonymous GET.
"""

from __future__ import annotations

import satosa.backends.saml2
from werkzeug.test import Client

from proxy.plugins import gar_frontend


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
    assert first.data == second.data and b"EntityDescriptor" in first.data
    assert first.headers["Content-Type"].startswith("text/xml")
    assert len(built) == 1
    now[0] += gar_frontend.METADATA_REBUILD_SECONDS
    assert client.get(url).status_code == 200
    assert len(built) == 2
