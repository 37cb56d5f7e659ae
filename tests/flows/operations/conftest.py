"""Fixtures for the operations tests: a proxy with its own audit trail and release policy."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import pytest
import yaml

from proxy.settings import REPO_CONFIG_DIR
from tests.flows.test_siecle_matching import monkeypatch_module, roster  # noqa: F401


@pytest.fixture
def audit_env(tmp_path) -> dict[str, str]:
    """Settings giving a proxy its own audit directory and its own Redis stream (db 9)."""
    return {"PIXGAR_AUDIT_DIR": str(tmp_path / "audit"),
            "PIXGAR_AUDIT_STREAM": f"pixgar:test:audit:{secrets.token_hex(8)}",
            "PIXGAR_AUDIT_STREAM_MAXLEN": "1000"}


@pytest.fixture
def config_dir(tmp_path):
    """A copy of config/ to change; ``write(policy)`` replaces its release policy."""
    directory = tmp_path / "config"
    shutil.copytree(REPO_CONFIG_DIR, directory)

    def write(policy: dict) -> Path:
        (directory / "release_policy.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
        return directory

    write.directory = directory
    return write


@pytest.fixture
def audited_proxy(proxy_with, audit_env, browser, stack, roster):  # noqa: F811
    """A proxy instance with its own audit trail, the browser routed to it."""
    def build(**overrides: str):
        app = proxy_with(**{**audit_env, **overrides})
        browser.route_proxy_to(app)
        return app
    yield build
    import redis

    redis.Redis.from_url(stack.env["REDIS_URL"]).delete(audit_env["PIXGAR_AUDIT_STREAM"])
