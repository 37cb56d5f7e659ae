"""``pixgar audit report``: what the proxy released to whom, from the audit files.

Counts released logins by claim and by school, refusals by reason, and checks every
release against the release policy: a claim released outside the policy is an anomaly,
and the command then exits with code 3 (0 proves there is none in the period).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ANOMALY_EXIT = 3


def _since(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def build_report(events, policy: dict[str, list[str]], *, client: str | None = None,
                 uai: str | None = None) -> dict[str, Any]:
    """The report of ``events`` (audit events), checked against ``policy``."""
    by_claim: Counter[str] = Counter()
    by_school: Counter[str] = Counter()
    by_client: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    anomalies: list[dict[str, Any]] = []
    checked = released = 0
    for event in events:
        if event.get("kind") != "login":
            continue
        if client and event.get("client_id") != client:
            continue
        if uai and event.get("uai") != uai:
            continue
        if event.get("outcome") != "released":
            refusals[event.get("reason") or "unknown"] += 1
            continue
        released += 1
        checked += 1
        by_client[event.get("client_id") or "unknown"] += 1
        by_school[event.get("uai") or "unknown"] += 1
        claims = event.get("claims") or []
        by_claim.update(claims)
        allowed = set(policy.get(event.get("client_id") or "", [])) | {"sub"}
        outside = sorted(set(claims) - allowed)
        if outside:
            anomalies.append({"event_id": event.get("id"), "time": event.get("time"),
                              "client_id": event.get("client_id"), "claims_outside": outside})
    return {
        "released": released, "refused": sum(refusals.values()),
        "by_client": dict(sorted(by_client.items())), "by_claim": dict(sorted(by_claim.items())),
        "by_school": dict(sorted(by_school.items())),
        "refusals_by_reason": dict(sorted(refusals.items())),
        "releases_checked_against_policy": checked, "anomalies": anomalies,
    }


def _policy(settings) -> dict[str, list[str]]:
    from proxy.oidc.release_policy import POLICY_FILE, openid_claim_names, parse_policy
    from proxy.settings import load_yaml

    document = load_yaml(settings, POLICY_FILE)
    clients = list(settings.relying_parties) or list((document.get("clients") or {}).keys())
    known = openid_claim_names(load_yaml(settings, "internal_attributes.yaml"))
    return parse_policy(document, known, clients, str(settings.config_dir / POLICY_FILE))


def _print_text(report: dict[str, Any], out) -> None:
    out.write(f"released logins: {report['released']}   refused: {report['refused']}\n")
    for title, key in (("by relying party", "by_client"), ("by claim", "by_claim"),
                       ("by school (UAI)", "by_school"),
                       ("refusals by reason", "refusals_by_reason")):
        out.write(f"{title}:\n")
        for name, count in report[key].items():
            out.write(f"  {name:<24} {count}\n")
    if report["anomalies"]:
        out.write(f"ANOMALIES: {len(report['anomalies'])} release(s) outside the policy\n")
        for anomaly in report["anomalies"]:
            out.write(f"  event {anomaly['event_id']} {anomaly['time']} "
                      f"{anomaly['client_id']}: {', '.join(anomaly['claims_outside'])}\n")
    else:
        out.write(f"no anomaly: {report['releases_checked_against_policy']} release(s) checked "
                  "against the release policy\n")


def run_report(args: argparse.Namespace) -> int:
    from proxy.observability.audit_files import read_events
    from proxy.settings import ProxySettings

    settings = ProxySettings.from_env()
    directory = Path(args.audit_dir) if args.audit_dir else (
        settings.audit.directory or settings.data_dir / "audit")
    report = build_report(read_events(directory, _since(args.since)), _policy(settings),
                          client=args.client, uai=args.uai)
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
    else:
        _print_text(report, sys.stdout)
    return ANOMALY_EXIT if report["anomalies"] else 0


def register(commands) -> None:
    """Add ``pixgar audit report`` to the ``pixgar`` command."""
    audit = commands.add_parser("audit", help="login audit (docs/adr/0007-audit.md)"
                                ).add_subparsers(dest="action", required=True)
    report = audit.add_parser("report", help="what was released to whom; exit 3 on anomaly")
    report.add_argument("--since", required=True, help="ISO date or time, e.g. 2026-09-01")
    report.add_argument("--client", default=None, help="only this relying party")
    report.add_argument("--uai", default=None, help="only this school")
    report.add_argument("--json", action="store_true", help="machine-readable output")
    report.add_argument("--audit-dir", default=None,
                        help="audit files (default: PIXGAR_AUDIT_DIR, else <data dir>/audit)")
    report.set_defaults(run=run_report)
