"""The Dockerfile cannot be built here (no Docker engine); check what can be checked."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[list[str]]:
    return [line.split()[1:] for line in DOCKERFILE.splitlines() if line.startswith(name + " ")]


def test_every_copied_file_exists():
    sources = [src for args in instructions("COPY") for src in args[:-1]
               if not src.startswith("--")]
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"


def test_runs_as_a_non_root_user():
    users = instructions("USER")
    assert users and users[-1][0] not in {"root", "0"}


def test_installs_xmlsec1_and_generates_no_keys():
    assert "xmlsec1" in DOCKERFILE
    assert "PIXGAR_GENERATE_DEV_KEYS=0" in DOCKERFILE


def test_does_not_ship_the_gar_simulator():
    assert "gar_sim" not in " ".join(" ".join(a) for a in instructions("COPY"))
