"""The Dockerfile cannot be built here (no Docker engine); check what can be checked.

The Dockerfile and .dockerignore are read as Docker reads them (tests/support/dockerfile.py).
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import grimp
import pytest

from tests.support.dockerfile import DockerIgnore, Instruction, stages

ROOT = Path(__file__).resolve().parents[2]
STAGES = stages(ROOT / "Dockerfile")
FINAL = STAGES[-1]
IGNORE = DockerIgnore(ROOT / ".dockerignore")
KEY_SUFFIXES = {".pem", ".key", ".p12", ".pfx", ".secret"}


def every(keyword: str) -> list[Instruction]:
    return [i for stage in STAGES for i in stage.all(keyword)]


def context_sources() -> list[str]:
    """What the build reads from the context: COPY sources and RUN bind mounts without from."""
    sources = [src for copy in every("COPY") if "from" not in copy.flags for src in copy.args[:-1]]
    sources += [mount["source"] for run in every("RUN") for mount in run.mounts
                if mount.get("type") == "bind" and "from" not in mount]
    return sources


def shipped_files(source: str) -> list[str]:
    """The files under ``source`` that reach the build (the context minus .dockerignore)."""
    path = ROOT / source
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    relative = [str(f.relative_to(ROOT)) for f in files]
    return [f for f in relative if not IGNORE.excludes(f)]


def pip_commands() -> list[list[str]]:
    commands = []
    for run in every("RUN"):
        for command in re.split(r"&&|;", " ".join(run.args)):
            words = shlex.split(command)
            if "pip" in words and {"install", "download", "wheel"} & set(words):
                commands.append(words)
    return commands


def test_every_context_source_exists_and_is_not_left_out_of_the_context():
    sources = context_sources()
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), f"{source}: no such file in the repository"
        assert not IGNORE.excludes(source), f"{source}: left out by .dockerignore"
        assert shipped_files(source), f"{source}: .dockerignore leaves out all it holds"


@pytest.mark.parametrize("path", [
    ".git/HEAD", ".venv/bin/python", "var/keys/saml-signing.key", "var/pix.db",
    "tests/unit/test_dockerfile.py", "gar_sim/idp.py", "benchmarks/login.py",
    ".mypy_cache/3.11/x.json", ".ruff_cache/x", ".pytest_cache/x", "proxy/__pycache__/a.pyc",
    "requirements/test-lock.txt", "pixgar/leftover.key", "metadata/gar-signing.pem",
    "config/tls/server.pem", "config/.env", "build/lib/x.py", "pix_gar.egg-info/PKG-INFO",
])
def test_the_context_leaves_out(path):
    assert IGNORE.excludes(path)


def test_a_public_certificate_goes_in_a_key_never():
    """The GAR's metadata-signing certificate may be pinned from ``metadata/``."""
    assert not IGNORE.excludes("metadata/gar-metadata-signing.crt")
    assert IGNORE.excludes("metadata/gar-metadata-signing.pem")


def test_nothing_under_var_nor_any_key_is_copied():
    for source in context_sources():
        assert not source.startswith(("var/", "./var/")), f"{source} is local state"
        for shipped in shipped_files(source):
            path = ROOT / shipped
            assert path.suffix not in KEY_SUFFIXES, f"{shipped} would be in the image"
            assert b"PRIVATE KEY" not in path.read_bytes(), f"{shipped} holds a private key"


def test_dockerignore_reads_as_docker_reads_it(tmp_path):
    """The rules of moby's patternmatcher that the project's file relies on."""
    (tmp_path / ".dockerignore").write_text(
        "*\n!keep\n!docs/keep.md\n**/*.pem\n!keep/public.pem\n")
    ignore = DockerIgnore(tmp_path / ".dockerignore")

    assert ignore.excludes("anything")
    assert ignore.excludes(".hidden")
    assert not ignore.excludes("keep/a/b.py")  # a directory's exception covers what it holds
    assert ignore.excludes("docs/other.md")
    assert not ignore.excludes("docs/keep.md")
    assert ignore.excludes("keep/deep/x.pem")
    assert ignore.excludes("keep/x.pem")
    assert not ignore.excludes("keep/public.pem")  # the last matching pattern wins


def test_builds_in_stages_and_ships_the_final_one_only():
    assert len(STAGES) >= 2
    builder_names = {stage.name for stage in STAGES[:-1]}
    assert None not in builder_names
    assert re.fullmatch(r"(python:3\.11-slim\S*|\$\{PYTHON_IMAGE\})", FINAL.base)
    borrowed = [c.flags["from"] for c in FINAL.all("COPY") if "from" in c.flags]
    borrowed += [m["from"] for r in FINAL.all("RUN") for m in r.mounts if "from" in m]
    assert borrowed
    assert set(borrowed) <= builder_names


def test_the_final_stage_installs_no_compiler_and_the_builder_builds_no_sdist():
    installed = " ".join(" ".join(run.args) for run in FINAL.all("RUN"))
    for compiler in ("gcc", "g++", "build-essential", "-dev ", "clang", "make "):
        assert compiler not in installed
    downloads = [w for w in pip_commands() if "download" in w or "wheel" in w]
    assert any("--only-binary=:all:" in words for words in downloads)


def test_every_pip_command_is_pinned_by_hash_or_offline():
    commands = pip_commands()
    assert commands
    for words in commands:
        assert "--require-hashes" in words or "--no-index" in words, " ".join(words)
    hashed = [w for w in commands if "--require-hashes" in w]
    assert len(hashed) >= 2  # the builder fetches, the final stage checks again
    for words in hashed:
        assert words[words.index("-r") + 1].endswith("lock.txt")
        assert "--no-deps" in words  # the lock is the whole list: pip adds nothing


def test_the_lock_installed_is_the_runtime_lock():
    assert "requirements/lock.txt" in context_sources()
    assert "requirements/test-lock.txt" not in context_sources()


def test_runs_as_a_non_root_user():
    users = FINAL.all("USER")
    assert users
    user = users[-1].args[0].split(":")[0]
    assert user not in {"root", "0"}


def test_checks_its_health_with_pixgar_health():
    healthchecks = FINAL.all("HEALTHCHECK")
    assert len(healthchecks) == 1
    command = json.loads(healthchecks[0].text.split("CMD", 1)[1])
    assert command == ["pixgar", "health"]

    from pixgar.cli import parser
    assert parser().parse_args(["health"]).command == "health"


def test_installs_xmlsec1_and_generates_no_keys():
    installed = " ".join(" ".join(run.args) for run in FINAL.all("RUN"))
    assert "xmlsec1" in installed
    assert "libpangoft2-1.0-0" in installed  # WeasyPrint: certificates as PDF
    env = " ".join(e.text for e in FINAL.all("ENV"))
    assert "PIXGAR_GENERATE_DEV_KEYS=0" in env


def test_does_not_ship_the_gar_simulator():
    assert not any(source.startswith("gar_sim") for source in context_sources())
    assert IGNORE.excludes("gar_sim/__init__.py")


def test_copies_every_package_the_servers_import():
    """``serve proxy`` and ``serve pix`` run from the image: every first-party package they
    import (the shared kernel, the roster) is copied; the simulator is not among them."""
    root_packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"][
        "importlinter"]["root_packages"]
    graph = grimp.build_graph(*root_packages, cache_dir=None)
    needed = {"pixgar", "proxy", "pix_core"}
    for app in ("proxy", "pix_core"):
        needed |= {name.split(".")[0] for name in graph.find_upstream_modules(app, as_package=True)}
    copied = set(context_sources())
    assert "gar_sim" not in needed
    assert needed <= copied, f"not copied into the image: {sorted(needed - copied)}"
