import pytest

from proxy.oidc.clients import ClientsFileError, RelyingParty, load_relying_parties

FILE = """
clients:
  pix:
    name: Pix
    secret_env: PIX_SECRET
    redirect_uris: [https://pix.example/connexion/oidc/callback]
    initiate_login_uri: https://pix.example/connexion/gar/initier
    target_link_uris: [https://pix.example/]
  other:
    secret: inline
    redirect_uris: [https://other.example/cb]
"""


def load(tmp_path, text=FILE, env=None):
    path = tmp_path / "clients.yaml"
    path.write_text(text)
    return load_relying_parties(path, env if env is not None else {"PIX_SECRET": "abc"})


def test_every_relying_party_of_the_file_is_loaded(tmp_path):
    parties = load(tmp_path)

    assert set(parties) == {"pix", "other"}
    assert parties["pix"].secret.reveal() == "abc"
    assert parties["pix"].as_pyop_client()["redirect_uris"] == [
        "https://pix.example/connexion/oidc/callback"]


def test_secret_never_prints(tmp_path):
    party = load(tmp_path)["pix"]

    assert "abc" not in repr(party)
    assert "abc" not in str(party.secret)


def test_a_missing_secret_is_named(tmp_path):
    with pytest.raises(ClientsFileError, match="PIX_SECRET"):
        load(tmp_path, env={})


def test_a_client_without_redirect_uri_is_refused(tmp_path):
    with pytest.raises(ClientsFileError, match="redirect_uris"):
        load(tmp_path, "clients:\n  x:\n    secret: s\n")


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://pix.example/", True),
    ("https://pix.example/campagnes/ABCDEF123", True),
    ("https://pix.example.evil.com/", False),
    ("http://pix.example/", False),
    ("https://evil.example/?https://pix.example/", False),
])
def test_target_links_are_checked_against_the_allow_list(tmp_path, url, allowed):
    party = load(tmp_path)["pix"]

    assert party.accepts_target(url) is allowed


def test_config_round_trip_keeps_everything(tmp_path):
    party = load(tmp_path)["pix"]

    assert RelyingParty.from_config(party.to_config()) == party
