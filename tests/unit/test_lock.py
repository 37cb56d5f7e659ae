"""The lock files (scripts/lock): made from pyproject.toml as it is, every file hashed,
the runtime lock a part of the test lock, so the image runs the releases CI tested."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME, TEST = ROOT / "requirements" / "lock.txt", ROOT / "requirements" / "test-lock.txt"


def pins(lock: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """``{name: (version, hashes)}`` of a lock file written by uv or pip-compile."""
    found: dict[str, tuple[str, frozenset[str]]] = {}
    name = ""
    for line in lock.read_text().splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            requirement = Requirement(line.rstrip(" \\"))
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", line
            name = canonicalize_name(requirement.name)
            found[name] = (specifier.version, frozenset())
        elif line.strip().startswith("--hash=sha256:"):
            version, hashes = found[name]
            found[name] = (version, hashes | {line.strip().rstrip(" \\").split(":", 1)[1]})
    return found


def lock_check(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(directory / "scripts" / "lock"), "--check"], capture_output=True,
                          text=True, timeout=60, check=False, cwd=directory)


@pytest.fixture
def checkout(tmp_path) -> Path:
    """What ``scripts/lock --check`` reads, copied: pyproject.toml, the locks, the script."""
    for path in ("pyproject.toml", "requirements/lock.txt", "requirements/test-lock.txt",
                 "scripts/lock"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, tmp_path / path)
    return tmp_path


def test_the_locks_were_made_from_pyproject_as_it_is():
    result = lock_check(ROOT)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("old", "new"), [
    pytest.param('"redis>=5"', '"redis>=6"', id="a runtime dependency"),
    pytest.param('"pytest>=8",', '"pytest>=8",\n    "freezegun",', id="a test extra"),
    pytest.param('requires = ["setuptools>=77"]', 'requires = ["setuptools>=78"]',
                 id="the build requirements"),
])
def test_a_dependency_changed_without_a_new_lock_fails_the_check(checkout, old, new):
    pyproject = checkout / "pyproject.toml"
    assert old in pyproject.read_text()
    pyproject.write_text(pyproject.read_text().replace(old, new, 1))

    result = lock_check(checkout)

    assert result.returncode == 1
    assert "does not match pyproject.toml's dependencies: run scripts/lock" in result.stderr


def test_a_change_elsewhere_in_pyproject_needs_no_new_lock(checkout):
    pyproject = checkout / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        '"redis>=5",', '"redis>=5",  # a comment', 1).replace("line-length = 100",
                                                              "line-length = 99", 1))

    assert lock_check(checkout).returncode == 0


@pytest.mark.parametrize(("lock", "groups"), [
    pytest.param(RUNTIME, ("dependencies",), id="runtime"),
    pytest.param(TEST, ("dependencies", "test"), id="test"),
])
def test_every_declared_requirement_is_pinned_within_its_range(lock, groups):
    locked = pins(lock)
    project = PYPROJECT["project"]
    declared = [*PYPROJECT["build-system"]["requires"]]
    for group in groups:
        declared += project[group] if group == "dependencies" else (
            project["optional-dependencies"][group])
    for line in declared:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in {lock.name}"
        assert requirement.specifier.contains(locked[name][0], prereleases=True), (
            f"{lock.name} pins {name}=={locked[name][0]}, pyproject.toml asks {requirement}")


@pytest.mark.parametrize("lock", [RUNTIME, TEST], ids=["runtime", "test"])
def test_every_pin_carries_hashes(lock):
    locked = pins(lock)
    assert len(locked) > 20
    unhashed = sorted(name for name, (_, hashes) in locked.items() if not hashes)
    assert not unhashed


def test_the_runtime_lock_pins_what_the_test_lock_pins():
    runtime, test = pins(RUNTIME), pins(TEST)
    different = {name: (pin, test.get(name)) for name, pin in runtime.items()
                 if test.get(name) != pin}
    assert not different
    assert "pytest" not in runtime
    assert "playwright" not in runtime
