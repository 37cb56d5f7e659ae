"""No process per login: the proxy verifies and reads the GAR's response in process.

pysaml2 forked ``xmlsec1`` for every signature check and decryption (two to nine
processes per ACS POST); ``proxy/saml`` does it with lxml and cryptography (docs/adr/0013).
"""

from __future__ import annotations

import subprocess
import threading

import pytest

from gar_sim.idp import SimulatedGar
from proxy.app import ProxyApplication
from tests.flows.test_gar_login import PUPIL, assert_profile_of, login


@pytest.fixture
def processes(monkeypatch):
    """Every process started during the test: (inside a proxy request?, command)."""
    started: list[tuple[bool, list[str]]] = []
    inside = threading.local()
    real_call, real_init = ProxyApplication.__call__, subprocess.Popen.__init__

    def proxy_call(self, environ, start_response):
        inside.proxy = True
        try:
            return real_call(self, environ, start_response)
        finally:
            inside.proxy = False

    def popen_init(self, args, *rest, **kwargs):
        started.append((getattr(inside, "proxy", False), [str(a) for a in args]))
        real_init(self, args, *rest, **kwargs)

    monkeypatch.setattr(ProxyApplication, "__call__", proxy_call)
    monkeypatch.setattr(subprocess.Popen, "__init__", popen_init)
    return started


@pytest.mark.parametrize("encrypted", [False, True], ids=["signed", "signed-and-encrypted"])
def test_a_whole_login_starts_no_process_in_the_proxy(browser, processes, monkeypatch,
                                                     encrypted):
    if encrypted:
        real = SimulatedGar.build_response
        monkeypatch.setattr(SimulatedGar, "build_response",
                            lambda self, user, **kw: real(self, user, **{
                                **kw, "encrypt_assertion": True}))

    _autopost, profile = login(browser)

    assert_profile_of(profile, PUPIL)
    assert [command for in_proxy, command in processes if in_proxy] == []
    assert any("xmlsec1" in command[0] for _, command in processes)  # the simulator signs


def test_a_login_leaves_no_identity_in_the_workers_memory(browser):
    """pysaml2 kept every verified identity (names, IDO) in a per-process dict, for good."""
    proxy = browser.stack.apps[browser.stack.env["PROXY_BASE_URL"]]
    service_provider = proxy.module_router.backends["gar"]["instance"].sp

    _autopost, profile = login(browser)

    assert_profile_of(profile, PUPIL)
    assert service_provider.users.cache._db == {}
