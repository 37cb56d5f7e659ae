"""Stable pairwise pseudonyms through whole logins: relying parties, secret rotation."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import yaml

from tests.flows.conftest import count_users, query_of
from tests.support.browsing import forms_of, pkce_pair

PUPIL = "chloe-benoit"


def oidc_login(browser, proxy_url: str, client_id: str, secret: str, redirect_uri: str,
               user_id: str = PUPIL) -> dict:
    """A relying party's whole code flow for ``user_id``; returns the userinfo claims."""
    verifier, challenge = pkce_pair()
    browser.session.post(f"{browser.stack.env['ENT_BASE_URL']}/connexion",
                         data={"user": user_id, "next": "mediacentre"})
    browser.session.get(f"{browser.stack.env['GAR_SIM_BASE_URL']}/gar/acces/pix",
                        params={"user": user_id}, allow_redirects=False)
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
             "scope": "openid profile gar", "state": "st", "nonce": "nn",
             "code_challenge": challenge, "code_challenge_method": "S256"}
    autopost = browser.session.get(f"{proxy_url}/gar/pix/authorization?{urlencode(query)}")
    form = forms_of(autopost.text)[0]
    answer = browser.session.post(form["action"], data=form["fields"], allow_redirects=False)
    code = query_of(answer.headers["Location"])["code"]
    tokens = browser.session.post(f"{proxy_url}/pix/token", auth=(client_id, secret), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "code_verifier": verifier}).json()
    return browser.session.get(f"{proxy_url}/pix/userinfo", headers={
        "Authorization": f"Bearer {tokens['access_token']}"}).json()


def test_two_relying_parties_get_two_unrelated_subs(stack, browser, proxy_with, tmp_path):
    clients = yaml.safe_load(Path(stack.env["OIDC_CLIENTS_FILE"]).read_text())
    pix = clients["clients"]["pix"]
    clients["clients"]["other-rp"] = {
        "secret": "other-secret", "redirect_uris": pix["redirect_uris"]}  # even on one host
    path = tmp_path / "clients.yaml"
    path.write_text(yaml.safe_dump(clients))
    proxy = proxy_with(OIDC_CLIENTS_FILE=str(path))
    browser.route_proxy_to(proxy)
    url, redirect = stack.env["PROXY_BASE_URL"], pix["redirect_uris"][0]

    for_pix = oidc_login(browser, url, "pix", stack.env["PIX_CLIENT_SECRET"], redirect)
    for_other = oidc_login(browser, url, "other-rp", "other-secret", redirect)
    again_for_pix = oidc_login(browser, url, "pix", stack.env["PIX_CLIENT_SECRET"], redirect)

    assert for_pix["sub"] != for_other["sub"]
    assert again_for_pix["sub"] == for_pix["sub"]


def test_rotating_the_pseudonym_secret_keeps_every_sub(stack, browser, proxy_with, pix_db):
    url, secret = stack.env["PROXY_BASE_URL"], stack.env["PIX_CLIENT_SECRET"]
    redirect = f"{stack.env['PIX_BASE_URL']}/connexion/oidc/callback"
    before = oidc_login(browser, url, "pix", secret, redirect, "noe-garcon")
    current = (Path(stack.env["PIXGAR_DATA_DIR"]) / "keys" / "pseudonym-keys.secret").read_text()
    users = count_users(pix_db)

    browser.route_proxy_to(proxy_with(PROXY_PSEUDONYM_KEYS=f"v2:a-brand-new-secret,v1:{current}"))
    during = oidc_login(browser, url, "pix", secret, redirect, "noe-garcon")
    browser.route_proxy_to(proxy_with(PROXY_PSEUDONYM_KEYS="v3:third,v2:a-brand-new-secret"))
    after = oidc_login(browser, url, "pix", secret, redirect, "noe-garcon")

    assert before["sub"] == during["sub"] == after["sub"]
    assert count_users(pix_db) == users


def test_emptying_redis_keeps_every_sub(stack, browser, proxy_with, throwaway_redis):
    browser.route_proxy_to(proxy_with(REDIS_URL=throwaway_redis.url))  # emptied below
    url, secret = stack.env["PROXY_BASE_URL"], stack.env["PIX_CLIENT_SECRET"]
    redirect = f"{stack.env['PIX_BASE_URL']}/connexion/oidc/callback"
    before = oidc_login(browser, url, "pix", secret, redirect, "lea-lefevre")

    throwaway_redis.restart()  # no persistence: every key is gone
    after = oidc_login(browser, url, "pix", secret, redirect, "lea-lefevre")

    assert before["sub"] == after["sub"]
