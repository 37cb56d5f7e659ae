"""The image's HEALTHCHECK, ``pixgar health``, against ``pixgar serve`` run for real (gunicorn).

Both servers, as the image runs either: the same command, with nothing but the container's
environment to tell it where to look, says alive while the server runs and not once it stops.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.throwaway_services import ThrowawayRedis, free_port

PIXGAR = str(Path(sys.executable).with_name("pixgar"))


@pytest.fixture(scope="module")
def redis() -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis().start()
    yield server
    server.close()


def container_environment(tmp_path: Path, redis: ThrowawayRedis, tls: bool) -> dict[str, str]:
    """The demo's development configuration, served on a free port, one worker."""
    from pixgar.stack import stack_environment

    data_dir = tmp_path / "data"
    env = stack_environment({"PIXGAR_DATA_DIR": str(data_dir), "REDIS_URL": redis.url})
    env.update(PIXGAR_GENERATE_DEV_KEYS="1", HOST="127.0.0.1", PORT=str(free_port()),
               WEB_CONCURRENCY="1", GUNICORN_THREADS="2")
    if tls:
        env.update(TLS_CERT_FILE=str(data_dir / "tls" / "localhost.crt"),
                   TLS_KEY_FILE=str(data_dir / "tls" / "localhost.key"))
    return {**{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PORT"}},
            **env}


def health(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PIXGAR, "health", "--timeout", "2"], env=env, capture_output=True,
                          text=True, timeout=30, check=False)


def wait_until_alive(server: subprocess.Popen[bytes], env: dict[str, str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"pixgar serve exited with {server.returncode}")
        if health(env).returncode == 0:
            return
        time.sleep(0.5)
    raise AssertionError("pixgar serve never answered /healthz")


@pytest.mark.parametrize(("server", "tls"), [
    pytest.param("proxy", True, id="proxy over TLS"),
    pytest.param("pix", False, id="pix_core over plain HTTP"),
])
def test_the_healthcheck_follows_the_server_it_runs_beside(server, tls, tmp_path, redis):
    env = container_environment(tmp_path, redis, tls)
    assert health(env).returncode == 1  # nothing listens yet

    process = subprocess.Popen([PIXGAR, "serve", server], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_alive(process, env)
        alive = health(env)
        assert alive.returncode == 0
        assert alive.stdout == f"alive: 127.0.0.1:{env['PORT']}\n"
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # gunicorn and its worker
        process.wait(timeout=30)

    stopped = health(env)
    scheme = "https" if tls else "http"
    assert stopped.returncode == 1
    assert f"{scheme}://127.0.0.1:{env['PORT']}/healthz: ConnectionRefusedError" in stopped.stderr
