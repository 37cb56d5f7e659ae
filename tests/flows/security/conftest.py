"""Shared pieces of the attack suites: a login waiting at the GAR, and the refusal checks."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from lxml import etree

from gar_sim.idp import SimulatedGar
from gar_sim.users import get_user
from tests.flows.conftest import Browser, count_users
from tests.support import saml_forge
from tests.support.browsing import forms_of

PUPIL = "lea-lefevre"
VICTIM = "chloe-benoit"
FORGER_LOGGERS = ("signxml",)  # the attacker's tool, test side: not the system under test
_FORMATTER = logging.Formatter("%(name)s %(levelname)s %(message)s")


@dataclass
class Attempt:
    """A login started by ``PUPIL``: the AuthnRequest reached the GAR; the ACS is next."""

    browser: Browser
    gar: SimulatedGar
    query: str
    users_before: int
    posted: list[str] = field(default_factory=list)
    relay: str = ""

    def genuine_b64(self, user_id: str = PUPIL, **overrides) -> str:
        _acs, response, self.relay = self.gar.sso_response(user_id, self.query, **overrides)
        return response

    def genuine(self, user_id: str = PUPIL, **overrides) -> etree._Element:
        """The GAR's answer to this login, parsed (``overrides`` as in ``build_response``)."""
        return saml_forge.decode(self.genuine_b64(user_id, **overrides))

    def post(self, response: etree._Element | str, browser: Browser | None = None):
        """POST ``response`` to the proxy's ACS as the GAR's auto-POST form would."""
        encoded = response if isinstance(response, str) else saml_forge.encode(response)
        self.posted.append(encoded)
        acs = f"{self.browser.stack.env['PROXY_BASE_URL']}/gar/acs/post"
        relay = self.relay or self.browser.stack.env["PIX_BASE_URL"]
        return (browser or self.browser).session.post(
            acs, data={"SAMLResponse": encoded, "RelayState": relay})

    @property
    def keys(self) -> saml_forge.KeyPair:
        return saml_forge.gar_keys(self.gar.settings)


def start_login(browser: Browser, user_id: str = PUPIL) -> str:
    mediacentre = browser.open_mediacentre(user_id)
    autopost = browser.click_pix(mediacentre)
    assert forms_of(autopost.text)
    sso_hop = next(url for url in reversed(browser.visited) if "/idp/sso?" in url)
    return urlsplit(sso_hop).query


@pytest.fixture
def attempt(browser, gar, pix_db, all_logs) -> Attempt:
    before = count_users(pix_db)
    query = start_login(browser)
    all_logs.clear()
    browser.visited.clear()
    yield Attempt(browser, gar, query, before)
    gc.collect()  # pysaml2's leaked temporary .pem files are reported in this test, not later


# pysaml2 7.5.5 leaves a temporary certificate file open when a signature check fails
# (saml2.sigver.make_temp); ignored by name only, in these suites only.
PYSAML2_TMPFILE_LEAK = [
    pytest.mark.filterwarnings(r"ignore:unclosed file <_io\.\w+ name='/tmp/\w+\.pem'"
                               r":ResourceWarning"),
    pytest.mark.filterwarnings(r"ignore:Exception ignored in. <_io\.\w+ name='/tmp/\w+\.pem'"
                               r":pytest.PytestUnraisableExceptionWarning"),
]


PERSONAL = [value for uid in (PUPIL, VICTIM)
            for value in (get_user(uid).ido, get_user(uid).nom, get_user(uid).pre)]


def assert_no_personal_data_logged(logs, posted: list[str]) -> None:
    """No IDO, no name, no SAML XML or base64 in any log record, whatever the level."""
    lines = "\n".join(_FORMATTER.format(record) for record in logs.records
                      if not record.name.startswith(FORGER_LOGGERS))
    forbidden = PERSONAL + [p[:40] for p in posted] + ["<ns0:", "<ns1:", "<saml", "Assertion"]
    for value in forbidden:
        assert value not in lines


def assert_refused(attempt: Attempt, page, pix_db, logs) -> None:
    """French page with a reference, 4xx, no account, no code for pix_core, logged safely."""
    assert 400 <= page.status_code < 500, page.status_code
    assert '<html lang="fr">' in page.text
    assert "Référence de l'erreur" in page.text
    assert count_users(pix_db) == attempt.users_before
    pix = attempt.browser.stack.env["PIX_BASE_URL"]
    assert not any(url.startswith(pix) for url in attempt.browser.visited)
    assert "Location" not in page.headers
    refusals = [r for r in logs.records
                if r.name == "proxy.security" and "request refused" in r.getMessage()]
    assert len(refusals) == 1
    assert_no_personal_data_logged(logs, attempt.posted)


def assert_accepted_as(attempt: Attempt, page, user_id: str) -> None:
    user = get_user(user_id)
    assert page.status_code == 200, page.text[:300]
    assert page.url.endswith("/profil")
    assert user.pre in page.text
    assert user.nom in page.text
