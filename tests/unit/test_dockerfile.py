"""The Dockerfile cannot be built here (no Docker engine); check what can be checked."""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp

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


def test_copies_every_package_the_servers_import():
    """``serve proxy`` and ``serve pix`` run from the image: every first-party package they
    import (the shared kernel, the roster) is copied; the simulator is not among them."""
    root_packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"][
        "importlinter"]["root_packages"]
    graph = grimp.build_graph(*root_packages, cache_dir=None)
    needed = {"pixgar", "proxy", "pix_core"}
    for app in ("proxy", "pix_core"):
        needed |= {name.split(".")[0] for name in graph.find_upstream_modules(app, as_package=True)}
    copied = {args[-1].removeprefix("./") for args in instructions("COPY")}
    assert "gar_sim" not in needed
    assert needed <= copied, f"not copied into the image: {sorted(needed - copied)}"
