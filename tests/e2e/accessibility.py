"""axe-core in the browser: the WCAG 2.1 A and AA rules that RGAA builds on.

axe-core comes inside the PyPI package ``axe-playwright-python`` (``axe.min.js``), so a
test never downloads it. ``page.evaluate`` runs it through the DevTools protocol, which
the pages' Content-Security-Policy (no script at all) does not govern.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class AccessibilityAudit:
    """Runs axe on each page it is shown; keeps the violations by page name."""

    def __init__(self) -> None:
        self._axe = Axe()
        self.pages: list[str] = []
        self.violations: dict[str, list[dict[str, Any]]] = {}

    def check(self, page: Any, name: str) -> list[dict[str, Any]]:
        """Audit the page as it is now; return (and keep) its violations."""
        page.wait_for_load_state()
        results = self._axe.run(page, options={
            "runOnly": {"type": "tag", "values": WCAG_21_AA},
            "resultTypes": ["violations"],
        })
        found = results.response["violations"]
        self.pages.append(name)
        if found:
            self.violations[name] = found
        return found

    def report(self) -> str:
        """One line per rule broken, then one per element, with axe's reason."""
        lines = [f"{sum(len(v) for v in self.violations.values())} WCAG 2.1 A/AA rule(s) "
                 f"broken on {len(self.violations)} of {len(self.pages)} page(s)"]
        for name, found in self.violations.items():
            for violation in found:
                lines.append(f"[{name}] {violation['id']} ({violation['impact']}): "
                             f"{violation['help']} ({len(violation['nodes'])} element(s))")
                for node in violation["nodes"]:
                    reason = (node.get("failureSummary") or "").strip().splitlines()[-1:]
                    lines.append(f"    {' '.join(node['target'])}: {''.join(reason).strip()}")
        return "\n".join(lines)
