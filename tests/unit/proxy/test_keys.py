import pytest

from proxy.keys.files import ExposedKeyError, MissingKeyError, load_keys
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
    assert "state-key-value" not in repr(settings)
    assert "state-key-value" not in repr(keys)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_production_refuses_a_private_key_others_can_read(tmp_path, mode):
    dev = load_keys(ProxySettings(data_dir=tmp_path / "dev"))  # real keys, mode 600
    dev.oidc_signing_key.chmod(mode)
    settings = ProxySettings(
        data_dir=tmp_path, generate_dev_keys=False,
        saml_key_file=dev.saml_key, saml_cert_file=dev.saml_cert,
        saml_encryption_key_file=dev.saml_encryption_key,
        saml_encryption_cert_file=dev.saml_encryption_cert,
        oidc_signing_key_file=dev.oidc_signing_key)

    with pytest.raises(ExposedKeyError, match=f"OIDC_SIGNING_KEY_FILE .* \\(mode 0{mode:o}\\)"):
        load_keys(settings)

    dev.oidc_signing_key.chmod(0o600)
    dev.saml_key.chmod(mode)
    with pytest.raises(ExposedKeyError, match="SAML_SIGNING_KEY_FILE"):
        load_keys(settings)
