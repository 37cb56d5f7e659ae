"""The README is the map: every package has its row, and every path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPLICATION_PACKAGES = ("kernel", "roster", "proxy", "pix_core", "gar_sim", "pixgar")
# in every pix_core context, the layers the Layout section explains once for all
CONTEXT_LAYERS = {"domain", "usecases", "adapters", "adapters/http", "adapters/sql"}
TOP_LEVEL = ("benchmarks/", "config/", "docs/", "metadata/", "requirements/", "scripts/",
             "tests/", *(f"{package}/" for package in APPLICATION_PACKAGES))


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def layout_rows() -> dict[str, str]:
    """First cell (a path ending in /) -> the whole row, from the Layout section's table."""
    section = readme().split("## Layout", 1)[1].split("\n## ", 1)[0]
    return {match[1]: match[0] for match in re.finditer(r"^\| `([^`]+/)` \|.*$", section, re.M)}


def packages() -> list[str]:
    return sorted(str(init.parent.relative_to(ROOT))
                  for package in APPLICATION_PACKAGES
                  for init in (ROOT / package).rglob("__init__.py")
                  if "versions" not in init.parts)


def is_named(package: str, rows: dict[str, str]) -> bool:
    if f"{package}/" in rows:
        return True
    parts = package.split("/")
    if parts[0] == "pix_core" and len(parts) > 2 and "/".join(parts[2:]) in CONTEXT_LAYERS:
        return True
    for cut in range(len(parts) - 1, 0, -1):  # the nearest ancestor's row names it
        row = rows.get("/".join(parts[:cut]) + "/")
        if row is not None:
            return f"`{'/'.join(parts[cut:])}/`" in row
    return False


def test_every_package_has_its_row_in_the_layout_table():
    rows = layout_rows()
    assert "pix_core/accounts/" in rows  # the table is read
    assert [package for package in packages() if not is_named(package, rows)] == []


def test_a_package_without_a_row_is_reported():
    rows = {"proxy/": "| `proxy/` | the SATOSA side |"}
    assert not is_named("proxy/keys", rows)
    assert is_named("proxy/keys", {**rows, "proxy/keys/": "| `proxy/keys/` | keys |"})
    assert is_named("pix_core/orga/adapters/sql", {})
    assert not is_named("pix_core/orga/adapters/oidc", {"pix_core/orga/": "| `pix_core/orga/` | |"})


def test_every_path_the_readme_names_exists():
    text = readme()
    named = {path.split("#")[0] for path in re.findall(r"`([\w./-]+)`", text)
             + re.findall(r"\]\(([\w./#-]+)\)", text) + re.findall(r"\bdocs/[\w./-]+\.md", text)}
    assert "tests/support/redis_guard.py" in named  # the lookup works
    missing = sorted(path for path in named
                     if path.startswith(TOP_LEVEL) and "<" not in path
                     and not (ROOT / path.rstrip("/")).exists())
    assert missing == []
