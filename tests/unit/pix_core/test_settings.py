import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from pix_core.settings import PixSettings, SettingsError


def test_defaults_follow_the_contract(tmp_path):
    settings = PixSettings.from_env(
        {"PIX_CLIENT_SECRET": "s3cret", "PIXGAR_DATA_DIR": str(tmp_path)}
    )
    assert settings.base_url == "https://localhost:8444"
    assert settings.issuer == "https://localhost:8443"
    assert settings.redirect_uri == "https://localhost:8444/connexion/oidc/callback"
    assert settings.client_id == "pix"
    assert settings.client_secret.reveal() == "s3cret"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/pix.db"
    assert settings.proxy_ca_file is None
    assert settings.session_lifetime == timedelta(hours=8)
    assert settings.log_level == "INFO"


def test_everything_can_be_overridden(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file\n")
    settings = PixSettings.from_env(
        {
            "PIX_CLIENT_SECRET_FILE": str(secret_file),
            "PIX_BASE_URL": "https://pix.example.fr/",
            "PROXY_BASE_URL": "https://proxy.example.fr",
            "PIX_CLIENT_ID": "pix-prod",
            "DATABASE_URL": "postgresql+psycopg://pix@db/pix",
            "PROXY_CA_FILE": "/etc/ca.pem",
            "PIX_SESSION_LIFETIME_MINUTES": "30",
            "LOG_LEVEL": "warning",
        }
    )
    assert settings.client_secret.reveal() == "from-file"
    assert settings.base_url == "https://pix.example.fr"
    assert settings.issuer == "https://proxy.example.fr"
    assert settings.client_id == "pix-prod"
    assert settings.database_url == "postgresql+psycopg://pix@db/pix"
    assert settings.proxy_ca_file == Path("/etc/ca.pem")
    assert settings.session_lifetime == timedelta(minutes=30)
    assert settings.log_level == "WARNING"


def test_client_secret_is_required():
    with pytest.raises(SettingsError, match="PIX_CLIENT_SECRET"):
        PixSettings.from_env({})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PROXY_BASE_URL", "http://localhost:8443"),
        ("PIX_BASE_URL", "localhost:8444"),
        ("PIX_SESSION_LIFETIME_MINUTES", "0"),
        ("PIX_SESSION_LIFETIME_MINUTES", "soon"),
        ("PIX_TRUSTED_PROXIES", "-1"),
        ("PIX_TRUSTED_PROXIES", "all"),
    ],
)
def test_malformed_values_are_refused(name, value):
    with pytest.raises(SettingsError, match=name):
        PixSettings.from_env({"PIX_CLIENT_SECRET": "x", name: value})


def test_settings_are_frozen_and_never_print_the_secret():
    settings = PixSettings.from_env({"PIX_CLIENT_SECRET": "very-secret-value"})
    assert "very-secret-value" not in repr(settings)
    assert "very-secret-value" not in str(settings)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.client_id = "other"  # type: ignore[misc]


def test_trusted_proxies_default_to_none():
    assert PixSettings.from_env({"PIX_CLIENT_SECRET": "x"}).trusted_proxies == 0
    assert PixSettings.from_env({"PIX_CLIENT_SECRET": "x",
                                 "PIX_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
