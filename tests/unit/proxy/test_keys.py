import pytest

from proxy.keys import MissingKeyError, load_keys
from proxy.settings import ProxySettings


def test_development_keys_are_generated_once_and_reused(tmp_path):
    settings = ProxySettings(data_dir=tmp_path)

    first = load_keys(settings)
    second = load_keys(settings)

    assert first == second
    assert first.saml_key.read_text().startswith("-----BEGIN")
    assert (first.saml_key.stat().st_mode & 0o077) == 0


def test_production_refuses_to_start_without_keys(tmp_path):
    settings = ProxySettings(data_dir=tmp_path, generate_dev_keys=False)

    with pytest.raises(MissingKeyError, match="SAML_SIGNING_KEY_FILE"):
        load_keys(settings)


def test_secrets_come_from_the_environment_and_never_print(tmp_path):
    settings = ProxySettings.from_env({"PROXY_STATE_KEY": "state-key-value",
                                       "PIXGAR_DATA_DIR": str(tmp_path)})

    keys = load_keys(settings)

    assert keys.state_key.reveal() == "state-key-value"
    assert "state-key-value" not in repr(settings) and "state-key-value" not in repr(keys)
