"""Both servers' /metrics on the whole stack: pix_core's requests and logins, the proxy's
scrape-time gauges, each page its own metrics only, and no personal data on either."""

from __future__ import annotations

import ast
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pix_core
from gar_sim.users import SCHOOL_UAI, get_user
from tests.flows.test_gar_login import PUPIL, login
from tests.unit.kernel.test_metrics_endpoint import samples

CALLBACK = "/connexion/oidc/callback"
SUCCESS = ("pixgar_pix_logins_total", (("outcome", "success"), ("reason", "ok")))


def refused(reason: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return "pixgar_pix_logins_total", (("outcome", "refused"), ("reason", reason))


def requests_of(route: str, method: str, status: int) -> tuple:
    return "pixgar_pix_http_requests_total", (("method", method), ("route", route),
                                              ("status", str(status)))


def page(browser, origin: str) -> str:
    answer = browser.session.get(f"{browser.stack.env[origin]}/metrics")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain")
    return answer.text


def pix_metrics(browser) -> dict:
    return samples(page(browser, "PIX_BASE_URL"))


def increase(before: dict, after: dict, key: tuple) -> float:
    return after.get(key, 0.0) - before.get(key, 0.0)


def pending_state(browser) -> str:
    """Start a login at pix_core; the state its callback now expects."""
    start = browser.session.get(f"{browser.stack.env['PIX_BASE_URL']}/connexion/gar",
                                allow_redirects=False)
    return parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]


def test_pix_core_counts_requests_by_route_and_logins_by_outcome(browser, released_claims):
    pix = browser.stack.env["PIX_BASE_URL"]
    user = get_user(PUPIL)
    before = pix_metrics(browser)

    _, profile = login(browser, PUPIL)
    roster = browser.session.get(f"{pix}/orga/{SCHOOL_UAI}/eleves", allow_redirects=False)
    forged = browser.session.get(f"{pix}{CALLBACK}", allow_redirects=False,
                                 params={"state": "forged-state-0123", "code": "c0de-4567"})
    stray = browser.session.get(f"{pix}/nulle-part/{user.ido}", allow_redirects=False)
    text = page(browser, "PIX_BASE_URL")
    after = samples(text)

    assert profile.status_code == 200
    assert forged.status_code == 401
    assert increase(before, after, SUCCESS) == 1
    assert increase(before, after, refused("state_unknown")) == 1
    assert increase(before, after, requests_of(CALLBACK, "GET", 303)) == 1
    assert increase(before, after, requests_of(CALLBACK, "GET", 401)) == 1
    assert increase(before, after, requests_of("/orga/<uai>/eleves", "GET",
                                               roster.status_code)) == 1
    assert increase(before, after, requests_of("unmatched", "GET", stray.status_code)) == 1
    assert after[("pixgar_pix_http_request_seconds_count", (("route", CALLBACK),))] >= 2
    personal = [user.nom, user.pre, user.ido, PUPIL, SCHOOL_UAI, "forged-state-0123",
                "c0de-4567", "nulle-part", *(claims["sub"] for claims in released_claims)]
    assert released_claims
    assert not [value for value in personal if value in text]


def test_an_op_error_code_is_a_label_only_when_it_is_a_standard_one(browser):
    pix = browser.stack.env["PIX_BASE_URL"]
    before = pix_metrics(browser)

    for error in ("access_denied", "anything_a_client_invents"):
        browser.session.get(f"{pix}{CALLBACK}", allow_redirects=False,
                            params={"state": pending_state(browser), "error": error})
    text = page(browser, "PIX_BASE_URL")
    after = samples(text)

    assert increase(before, after, refused("op_error:access_denied")) == 1
    assert increase(before, after, refused("op_error:other")) == 1
    assert "anything_a_client_invents" not in text


def test_each_server_shows_its_own_metrics_only(browser):
    login(browser, PUPIL)  # both apps have counted something
    pix, proxy = page(browser, "PIX_BASE_URL"), page(browser, "PROXY_BASE_URL")

    assert "pixgar_pix_logins_total" in pix
    assert "pixgar_proxy_" not in pix
    assert "pixgar_proxy_logins_total" in proxy
    assert "pixgar_pix_" not in proxy


def test_the_proxy_shows_metadata_expiry_and_age_and_key_ages(browser):
    login(browser, PUPIL)
    proxy = samples(page(browser, "PROXY_BASE_URL"))

    valid_until = proxy[("pixgar_proxy_gar_metadata_valid_until_seconds", ())]
    assert valid_until > time.time()
    assert 0 <= proxy[("pixgar_proxy_gar_metadata_age_seconds", ())] < 24 * 3600
    keys = {labels: age for (name, labels), age in proxy.items()
            if name == "pixgar_proxy_key_age_seconds"}
    assert set(keys) == {(("kind", kind), ("state", "current"))
                         for kind in ("saml-signing", "saml-encryption", "oidc-signing")}
    assert all(age >= 0 for age in keys.values())


def test_a_next_key_appears_on_the_page_of_a_proxy_on_that_keyring(
        browser, stack, proxy_with, tmp_path):
    from kernel.devkeys import ensure_rsa_key
    from proxy.keys.keyring import OIDC_SIGNING, Keyring

    keyring = Keyring(tmp_path / "keyring")
    keyring.next(OIDC_SIGNING, (ensure_rsa_key(tmp_path / "configured.key"), None))
    browser.route_proxy_to(proxy_with(PIXGAR_KEYRING_DIR=str(keyring.directory)))

    proxy = samples(page(browser, "PROXY_BASE_URL"))

    oidc = {dict(labels)["state"] for (name, labels) in proxy
            if name == "pixgar_proxy_key_age_seconds" and ("kind", OIDC_SIGNING) in labels}
    assert oidc == {"current", "next"}


def test_pix_core_domain_and_usecases_know_nothing_of_prometheus():
    root = Path(pix_core.__file__).parent
    modules = [*root.glob("**/domain/**/*.py"), *root.glob("**/usecases/**/*.py")]
    assert len(modules) > 40  # every context's
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(name.startswith("prometheus_client") for name in names), module
