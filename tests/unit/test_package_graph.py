"""The package graph, read from the source: pure domains and use cases, no deferred imports.

``lint-imports`` (``[tool.importlinter]`` in pyproject.toml, docs/adr/0012 and 0016) checks
the graph with indirect imports; these tests read every module's own imports, walk every
sub-package (a new context is covered the day it is created) and check that the list of
I/O libraries the contract forbids keeps up with the dependencies.
"""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE_PACKAGES = ("pix_core", "roster")
PURE_LAYERS = ("domain", "usecases")
COMPUTING_ONLY = {"rapidfuzz"}  # dependencies that do no I/O: the roster's name matching
STANDARD_IO_CHECKED_BY_THE_CONTRACT = {"socket", "ssl", "sqlite3", "http", "subprocess"}
STANDARD_IO = STANDARD_IO_CHECKED_BY_THE_CONTRACT | {
    "urllib.request", "smtplib", "shelve", "dbm", "ftplib", "asyncio"}
ADAPTER_PARTS = {"adapters", "reading", "sql"}  # pix_core's and the roster's I/O sub-packages
LAZY_IMPORTS_ALLOWED = {
    # prometheus_client.multiprocess is read only in multiprocess mode (gunicorn workers)
    ("kernel/metrics_endpoint.py", "prometheus_client"),
}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def io_libraries() -> set[str]:
    """What the import-linter contract forbids to domains and use cases."""
    (contract,) = [c for c in pyproject()["tool"]["importlinter"]["contracts"]
                   if c["name"] == "Domains and use cases do no I/O"]
    return set(contract["forbidden_modules"])


def imported_names(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


def pure_modules() -> list[Path]:
    return sorted(path for package in PURE_PACKAGES for path in (ROOT / package).rglob("*.py")
                  if set(path.relative_to(ROOT).parts[:-1]) & set(PURE_LAYERS))


def test_every_context_s_domain_and_use_cases_are_walked():
    contexts = {path.parent.name for path in (ROOT / "pix_core").glob("*/domain")}
    assert {"accounts", "orga", "evaluation", "campaigns", "certification", "shared"} <= contexts
    walked = {path.relative_to(ROOT).parts[:2] for path in pure_modules()}
    assert {("pix_core", context) for context in contexts} <= walked
    assert {("roster", "domain"), ("roster", "usecases")} <= walked


@pytest.mark.parametrize("path", pure_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_domains_and_use_cases_import_no_io_library_and_no_adapter(path):
    forbidden = io_libraries() | STANDARD_IO
    for line, name in imported_names(path):
        assert not any(name == lib or name.startswith(lib + ".") for lib in forbidden), (
            f"{path.relative_to(ROOT)}:{line} imports {name}")
        assert not set(name.split(".")[1:]) & ADAPTER_PARTS, (
            f"{path.relative_to(ROOT)}:{line} imports the adapter {name}")


def test_the_contract_forbids_every_io_dependency():
    """A new runtime dependency is forbidden to the domains unless it is known to do no I/O."""
    wanted = {re.split(r"[\[<>=!~ ]", requirement)[0].lower().replace("_", "-")
              for requirement in pyproject()["project"]["dependencies"]}
    modules = {module for module, distributions in packages_distributions().items()
               if {d.lower().replace("_", "-") for d in distributions} & wanted
               and module.isidentifier() and not module.startswith("_")}
    assert "werkzeug" in modules and "saml2" in modules  # the lookup works
    assert modules - COMPUTING_ONLY - io_libraries() == set()
    assert STANDARD_IO_CHECKED_BY_THE_CONTRACT <= io_libraries()


@pytest.mark.parametrize("package", ["pix_core", "roster", "kernel"])
def test_no_import_is_deferred_into_a_function(package):
    """Imports at module level only: a deferred import hides a cycle or a cost."""
    deferred = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                    where = str(path.relative_to(ROOT))
                    if (where, (module or "").split(".")[0]) not in LAZY_IMPORTS_ALLOWED:
                        deferred.append(f"{where}:{node.lineno} {module}")
    assert deferred == []
