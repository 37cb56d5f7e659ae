"""The package graph, read from the source: pure domains and use cases, no deferred imports.

``lint-imports`` (``[tool.importlinter]`` in pyproject.toml, docs/adr/0012 and 0016) checks
the graph with indirect imports; these tests read every module's own imports, walk every
sub-package at any depth (a new context, or a package nested in one, is covered the day it
is created) and keep the contract's list of I/O libraries equal to the locked dependencies.

What counts as I/O, and why:
- every module of requirements/lock.txt (what runs in production) but ``COMPUTING_ONLY``:
  a domain that needs a new library says so here, with the reason it does no I/O;
- the standard library's network (``socket``, ``ssl``, ``http``, ``urllib.request``, mail
  and file-transfer clients, ``asyncio``), processes (``subprocess``, ``multiprocessing``),
  databases (``sqlite3``, ``dbm``, ``shelve``) and file system (``os``, ``pathlib``,
  ``shutil``, ``tempfile``, ``glob``): settings, files and the environment reach a use case
  as arguments, read by an adapter. ``os`` is forbidden whole: ``os.environ`` and
  ``os.open`` are the hidden inputs this rule is about, and the domain needs no path.
- allowed: ``io`` (``StringIO`` builds a CSV in memory), ``logging`` (events without
  personal data; the handlers that write them are configured by the application),
  ``random``/``secrets``/``hashlib`` (computation), ``datetime`` (values; the clock itself
  is passed in).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE_PACKAGES = ("pix_core", "roster")
PURE_LAYERS = ("domain", "usecases")
COMPUTING_ONLY = {  # locked modules a domain may import: they only compute
    "rapidfuzz",  # Levenshtein distance: the roster's name matching
    "typing_extensions", "annotated_types", "typing_inspection",  # type annotations
    "sortedcontainers",  # sorted collections in memory
}
STANDARD_IO_CHECKED_BY_THE_CONTRACT = {
    "socket", "ssl", "http", "smtplib", "ftplib", "poplib", "imaplib", "socketserver", "xmlrpc",
    "wsgiref", "asyncio", "select", "selectors", "subprocess", "multiprocessing", "sqlite3",
    "dbm", "shelve", "os", "pathlib", "shutil", "tempfile", "glob", "fileinput", "mmap"}
# import-linter takes only top-level external modules: these sub-modules are checked here
STANDARD_IO = STANDARD_IO_CHECKED_BY_THE_CONTRACT | {"urllib.request"}
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


def pure_packages() -> list[str]:
    """Every ``domain`` and ``usecases`` package of pix_core and the roster, at any depth."""
    return sorted(".".join(path.parent.relative_to(ROOT).parts)
                  for package in PURE_PACKAGES for layer in PURE_LAYERS
                  for path in (ROOT / package).rglob(f"{layer}/__init__.py"))


def matches(expression: str, module: str) -> bool:
    """import-linter's module expressions: ``*`` one level, ``**`` one level or more."""
    pattern = r"\.".join({"*": r"[^.]+", "**": r"[^.]+(?:\.[^.]+)*"}.get(part, re.escape(part))
                         for part in expression.split("."))
    return re.fullmatch(pattern, module) is not None


def lock_modules() -> set[str]:
    """The top-level modules of the distributions requirements/lock.txt installs."""
    lock = (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8")
    locked = {name.lower().replace("_", "-")
              for name in re.findall(r"^([A-Za-z0-9_.-]+)==", lock, flags=re.MULTILINE)}
    return {module for module, distributions in packages_distributions().items()
            if {d.lower().replace("_", "-") for d in distributions} & locked
            and module.isidentifier() and not module.startswith("_")}


def test_every_context_s_domain_and_use_cases_are_walked():
    contexts = {path.parent.name for path in (ROOT / "pix_core").glob("*/domain")}
    assert {"accounts", "orga", "evaluation", "campaigns", "certification", "shared"} <= contexts
    walked = {path.relative_to(ROOT).parts[:2] for path in pure_modules()}
    assert {("pix_core", context) for context in contexts} <= walked
    assert {("roster", "domain"), ("roster", "usecases")} <= walked


def test_the_contract_covers_every_domain_and_use_case_package_at_any_depth():
    (contract,) = [c for c in pyproject()["tool"]["importlinter"]["contracts"]
                   if c["name"] == "Domains and use cases do no I/O"]
    found = pure_packages()
    assert "pix_core.shared.domain" in found  # the walk works
    assert "roster.usecases" in found
    uncovered = [package for package in found
                 if not any(matches(e, package) for e in contract["source_modules"])]
    assert uncovered == []


def test_module_expressions_match_as_import_linter_does():
    assert matches("pix_core.**.domain", "pix_core.accounts.domain")
    assert matches("pix_core.**.domain", "pix_core.certification.sessions.domain")
    assert not matches("pix_core.**.domain", "pix_core.domain")
    assert not matches("pix_core.*.domain", "pix_core.a.b.domain")


@pytest.mark.parametrize("path", pure_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_domains_and_use_cases_import_no_io_library_and_no_adapter(path):
    forbidden = io_libraries() | STANDARD_IO
    for line, name in imported_names(path):
        assert not any(name == lib or name.startswith(lib + ".") for lib in forbidden), (
            f"{path.relative_to(ROOT)}:{line} imports {name}")
        assert not set(name.split(".")[1:]) & ADAPTER_PARTS, (
            f"{path.relative_to(ROOT)}:{line} imports the adapter {name}")


def test_the_contract_forbids_every_locked_module_that_may_do_io():
    """A new locked module is forbidden to the domains unless it is known to do no I/O."""
    modules = lock_modules()
    assert {"werkzeug", "saml2", "urllib3", "rapidfuzz"} <= modules  # the lookup works
    assert modules - COMPUTING_ONLY - io_libraries() == set()
    assert COMPUTING_ONLY & io_libraries() == set()
    assert io_libraries() >= STANDARD_IO_CHECKED_BY_THE_CONTRACT


def test_the_contract_names_no_module_that_is_gone():
    """Each forbidden name is a locked module or a standard I/O module: no stale entry."""
    assert io_libraries() - lock_modules() - STANDARD_IO_CHECKED_BY_THE_CONTRACT == set()
    assert {name.split(".")[0] for name in STANDARD_IO} <= set(sys.stdlib_module_names)


@pytest.mark.parametrize("package", ["pix_core", "roster", "kernel", "proxy", "gar_sim"])
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
