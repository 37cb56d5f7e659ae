"""Key rotation through whole logins: SAML and OIDC keys go next → activate → retire while
pupils keep logging in, on two proxy workers that pick the keyring up without a restart.

Each test has its own keyring, its own simulator (reading the SP metadata this test hands
it, encrypting assertions) and its own pix_core, so the session's stack is untouched.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest

from gar_sim.idp import create_idp_app
from gar_sim.settings import settings_from_env
from pix_core.accounts.adapters.oidc.relying_party import OidcRelyingParty, RelyingPartyConfig
from pix_core.app import create_app as create_pix_app
from pix_core.settings import PixSettings
from pixgar import keys_cli
from proxy.app import create_app as create_proxy_app
from proxy.metadata.service_provider import export_sp_metadata
from proxy.settings import ProxySettings
from tests.flows.conftest import Browser
from tests.support.wsgi_transport import routed_session

PUPILS = ("lea-lefevre", "chloe-benoit", "noe-garcon")


class FakeClock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)
        self.monotonic_now = 1000.0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)

    def monotonic(self) -> float:
        return self.monotonic_now


class RotatingStack:
    """Two proxy workers on one keyring, a simulator, a pix_core, and a browser."""

    def __init__(self, stack, tmp_path: Path) -> None:
        self.clock = FakeClock()
        self.sp_metadata = tmp_path / "sp-metadata.xml"
        self.env = {**stack.env, "PIXGAR_KEYRING_DIR": str(tmp_path / "keyring"),
                    "PIXGAR_KEYRING_CHECK_SECONDS": "0",
                    "GAR_SIM_SP_METADATA": str(self.sp_metadata),
                    "GAR_SIM_ENCRYPT_ASSERTION": "1"}
        self.hand_metadata_to_gar()
        self.workers = [create_proxy_app(ProxySettings.from_env(self.env)) for _ in range(2)]
        proxy_url = self.env["PROXY_BASE_URL"]
        self.back_channel, self.back_adapters = routed_session({proxy_url: self.workers[0]})
        self.id_token_kids: list[str] = []
        self.jwks_fetches = 0
        self.back_channel.hooks["response"].append(self._watch_back_channel)
        pix_settings = PixSettings.from_env(self.env)
        self.relying_party = OidcRelyingParty(
            RelyingPartyConfig(issuer=pix_settings.issuer, client_id=pix_settings.client_id,
                               client_secret=pix_settings.client_secret,
                               redirect_uri=pix_settings.redirect_uri),
            self.back_channel, monotonic=self.clock.monotonic)
        pix = create_pix_app(pix_settings, relying_party=self.relying_party)
        sim = create_idp_app(settings_from_env(self.env))
        apps = {**stack.apps, proxy_url: self.workers[0], self.env["PIX_BASE_URL"]: pix,
                self.env["GAR_SIM_BASE_URL"]: sim}
        session, adapters = routed_session(apps)
        self.browser = Browser(stack, session, adapters)

    def _watch_back_channel(self, response, *args, **kwargs) -> None:
        if response.url.endswith("/pix/token") and response.ok:
            header = response.json()["id_token"].split(".")[0]
            padded = header + "=" * (-len(header) % 4)
            self.id_token_kids.append(json.loads(base64.urlsafe_b64decode(padded))["kid"])
        if response.url.endswith("/pix/jwks"):
            self.jwks_fetches += 1

    def hand_metadata_to_gar(self) -> None:
        """What the operator does after a SAML step: the GAR takes the new SP metadata."""
        self.sp_metadata.write_text(export_sp_metadata(ProxySettings.from_env(self.env)))

    def use_worker(self, index: int) -> None:
        worker = self.workers[index % 2]
        self.browser.route_proxy_to(worker)
        self.back_adapters[self.env["PROXY_BASE_URL"]].app = worker

    def login(self, number: int, step=None) -> bool:
        """One pupil's login; ``step`` runs while the GAR's answer is on its way."""
        pupil = PUPILS[number % len(PUPILS)]
        self.use_worker(number)
        mediacentre = self.browser.open_mediacentre(pupil)
        autopost = self.browser.click_pix(mediacentre)
        if step is not None:
            step()
        self.use_worker(number + 1)  # the answer reaches the other worker
        self.clock.monotonic_now += 30  # pix_core's JWKS refetch limit is 10 s
        profile = self.browser.post_saml(autopost)
        return profile.status_code == 200 and profile.url.endswith("/profil")


@pytest.fixture
def rotating(stack, tmp_path) -> RotatingStack:
    return RotatingStack(stack, tmp_path)


def run_keys(rotating: RotatingStack, capsys, *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = keys_cli.run([*argv, "--json"], rotating.env, rotating.clock)
    return code, json.loads(capsys.readouterr().out)


def statuses(document: dict, kind: str) -> list[str]:
    return [entry["status"] for entry in document["keys"][kind]]


def test_keys_rotate_while_pupils_log_in_without_a_failure(rotating, capsys):
    outcomes: list[str] = []

    def step(*argv: str, expect: int = 0, hand_metadata: bool = False, **advance: float):
        def run() -> None:
            rotating.clock.advance(**advance)
            code, document = run_keys(rotating, capsys, *argv)
            outcomes.append(f"{' '.join(argv)}={code}")
            assert code == expect, document
            if hand_metadata:
                rotating.hand_metadata_to_gar()
        return run

    schedule = {
        3: step("saml", "next", hand_metadata=True),
        5: step("saml", "activate", expect=3),                 # too early: refused
        6: step("oidc", "next"),
        8: step("saml", "activate", hours=25, hand_metadata=True),
        10: step("oidc", "activate", seconds=30),
        12: step("oidc", "retire", expect=3, seconds=60),      # tokens may still be valid
        14: step("saml", "retire", expect=3, hours=1),         # retiring for 1 h only
        17: step("oidc", "retire", seconds=600),
        20: step("saml", "retire", hours=25, hand_metadata=True),
        23: step("saml", "next", hand_metadata=True),          # and a second round
        26: step("saml", "activate", hours=25, hand_metadata=True),
    }
    failures = [n for n in range(30) if not rotating.login(n, schedule.get(n))]

    assert failures == []
    assert len(outcomes) == len(schedule)
    _, document = run_keys(rotating, capsys, "status")
    assert statuses(document, "saml-signing") == ["retired", "retiring", "current"]
    assert statuses(document, "saml-encryption") == ["retired", "retiring", "current"]
    assert statuses(document, "oidc-signing") == ["retired", "current"]
    old_kid, new_kid = (entry["id"] for entry in document["keys"]["oidc-signing"])
    # ID tokens switched to the new key at activate; pix_core kept verifying them
    switch = rotating.id_token_kids.index(new_kid)
    assert set(rotating.id_token_kids[:switch]) == {old_kid}
    assert set(rotating.id_token_kids[switch:]) == {new_kid}


def test_pix_core_verifies_tokens_of_a_new_key_without_restart(rotating, capsys):
    assert rotating.login(0)
    fetches = rotating.jwks_fetches
    run_keys(rotating, capsys, "oidc", "next")
    rotating.clock.advance(minutes=1)
    assert run_keys(rotating, capsys, "oidc", "activate")[0] == 0

    assert rotating.login(1)  # same pix_core instance: it refetched the JWKS on the new kid
    assert rotating.jwks_fetches == fetches + 1
    assert len(set(rotating.id_token_kids)) == 2


def test_the_jwks_publishes_current_next_and_retiring_keys(rotating, capsys):
    proxy = rotating.env["PROXY_BASE_URL"]
    browser = rotating.browser

    def kids() -> list[str]:
        return [key["kid"] for key in browser.session.get(f"{proxy}/pix/jwks").json()["keys"]]

    assert len(kids()) == 1
    _, document = run_keys(rotating, capsys, "oidc", "next")
    current, upcoming = (e["id"] for e in document["keys"]["oidc-signing"])
    assert kids() == [current, upcoming]
    rotating.clock.advance(minutes=1)
    run_keys(rotating, capsys, "oidc", "activate")
    assert kids() == [upcoming, current]  # the new one first, the old one still published
    rotating.clock.advance(hours=1)
    run_keys(rotating, capsys, "oidc", "retire")
    assert kids() == [upcoming]


def test_sp_metadata_shows_the_next_certificates_and_drops_retiring_encryption(rotating,
                                                                              capsys):
    def uses() -> list[str]:
        from saml2 import md

        exported = export_sp_metadata(ProxySettings.from_env(rotating.env))
        served = rotating.browser.session.get(f"{rotating.env['PROXY_BASE_URL']}/gar/metadata")
        found = []
        for xml in (exported, served.text):  # pixgar metadata export and the entityID URL
            sp = md.entity_descriptor_from_string(xml).spsso_descriptor[0]
            found.append([kd.use for kd in sp.key_descriptor])
        assert found[0] == found[1]
        return found[0]

    assert uses() == ["signing", "encryption"]
    run_keys(rotating, capsys, "saml", "next")
    assert uses() == ["signing", "signing", "encryption", "encryption"]
    rotating.clock.advance(hours=24, seconds=1)
    run_keys(rotating, capsys, "saml", "activate")
    assert uses() == ["signing", "encryption"]  # the retiring key only decrypts now


def test_every_refusal_names_its_reason_and_changes_nothing(rotating, capsys):
    for family in ("saml", "oidc"):
        code, document = run_keys(rotating, capsys, family, "activate")
        assert code == 3
        assert "no next key" in document["refused"][0]
        code, document = run_keys(rotating, capsys, family, "retire")
        assert code == 3
        assert "no retiring key" in document["refused"][0]
    assert run_keys(rotating, capsys, "saml", "next")[0] == 0
    code, document = run_keys(rotating, capsys, "saml", "next")
    assert code == 3
    assert "already exists" in document["refused"][0]
    rotating.clock.advance(hours=23)
    code, document = run_keys(rotating, capsys, "saml", "activate")
    assert code == 3
    assert "try again in 1 h 00 min" in document["refused"][0]
    _, document = run_keys(rotating, capsys, "status")
    assert statuses(document, "saml-signing") == ["current", "next"]
    assert document["keys"]["oidc-signing"] == []


def test_no_command_prints_a_private_key_and_key_files_are_private(rotating, capsys):
    printed = []
    for argv in (("saml", "next"), ("oidc", "next"), ("status",)):
        capsys.readouterr()
        keys_cli.run(list(argv), rotating.env, rotating.clock)
        keys_cli.run([*argv, "--json"], rotating.env, rotating.clock)
        captured = capsys.readouterr()
        printed.append(captured.out + captured.err)
    assert not any("PRIVATE KEY" in text for text in printed)
    keyring = Path(rotating.env["PIXGAR_KEYRING_DIR"])
    assert (keyring.stat().st_mode & 0o077) == 0
    for key_file in keyring.glob("*.key"):
        assert (key_file.stat().st_mode & 0o077) == 0


def test_a_retired_key_no_longer_decrypts_nor_is_published(rotating, capsys):
    """After retire, an assertion encrypted for the old certificate is refused."""
    run_keys(rotating, capsys, "saml", "next")
    rotating.clock.advance(hours=25)
    run_keys(rotating, capsys, "saml", "activate")
    rotating.clock.advance(hours=25)
    _, document = run_keys(rotating, capsys, "saml", "retire")
    old = document["keys"]["saml-encryption"][0]
    assert old["status"] == "retired"
    assert old["owned"] is False
    assert Path(old["key_file"]).exists()
    config = ProxySettings.from_env(rotating.env)
    from proxy.keys.files import load_keys
    from proxy.keys.rotation import saml_key_config

    pairs = saml_key_config(config, load_keys(config))["encryption_keypairs"]
    assert old["key_file"] not in [pair["key_file"] for pair in pairs]


def test_client_secret_rotation_accepts_every_listed_secret(stack, browser, proxy_with,
                                                            tmp_path):
    import yaml

    from tests.flows.test_pseudonyms import oidc_login

    clients = yaml.safe_load(Path(stack.env["OIDC_CLIENTS_FILE"]).read_text())
    pix = clients["clients"]["pix"]
    old = stack.env["PIX_CLIENT_SECRET"]
    (tmp_path / "new").write_text("the-new-secret\n")
    url, redirect = stack.env["PROXY_BASE_URL"], pix["redirect_uris"][0]

    def proxy_with_secrets(**entry):
        document = {"clients": {"pix": {**{k: v for k, v in pix.items()
                                          if not k.startswith("secret")}, **entry}}}
        path = tmp_path / "clients.yaml"
        path.write_text(yaml.safe_dump(document))
        return proxy_with(OIDC_CLIENTS_FILE=str(path))

    browser.route_proxy_to(proxy_with_secrets(secret_files=[str(tmp_path / "new")],
                                              secrets=[old]))
    assert "sub" in oidc_login(browser, url, "pix", old, redirect)
    assert "sub" in oidc_login(browser, url, "pix", "the-new-secret", redirect)
    with pytest.raises(KeyError):  # a secret not listed is refused at the token endpoint
        oidc_login(browser, url, "pix", "not-listed", redirect)

    browser.route_proxy_to(proxy_with_secrets(secrets=["the-new-secret"]))  # overlap over
    assert "sub" in oidc_login(browser, url, "pix", "the-new-secret", redirect)
    with pytest.raises(KeyError):
        oidc_login(browser, url, "pix", old, redirect)


def test_a_worker_picks_the_keyring_up_within_the_check_interval():
    from proxy.keys.rotation import ReloadingApp

    builds: list[int] = []
    now = [0.0]
    stamp = [1]
    app = ReloadingApp(lambda: builds.append(1) or (lambda e, s: [b""]), lambda: (stamp[0],),
                       check_seconds=5, monotonic=lambda: now[0])
    stamp[0] = 2
    now[0] = 4
    app({}, None)
    assert len(builds) == 1  # not checked yet
    now[0] = 5
    app({}, None)
    assert len(builds) == 2  # rebuilt once
    now[0] = 20
    app({}, None)
    assert len(builds) == 2  # unchanged state: no rebuild
