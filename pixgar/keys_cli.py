"""``pixgar keys``: rotate the proxy's SAML and OIDC keys (docs/adr/0006).

    pixgar keys status [--json]
    pixgar keys saml next|activate|retire|status [--json]
    pixgar keys oidc next|activate|retire|status [--json]

Exit codes: 0 done, 3 refused (too early, nothing to do: the reason is printed),
2 configuration error. Nothing printed is secret: ids, statuses, dates, file paths.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping

from proxy.keys.keyring import (
    KINDS,
    OIDC_SIGNING,
    SAML_ENCRYPTION,
    SAML_SIGNING,
    Clock,
    Keyring,
    RotationRefused,
    system_clock,
)

EXIT_REFUSED = 3
FAMILIES = {"saml": (SAML_SIGNING, SAML_ENCRYPTION), "oidc": (OIDC_SIGNING,)}
HINTS = {
    ("saml", "next"): "hand the new SP metadata to the GAR now (pixgar metadata export); "
                      "activate after PIXGAR_KEY_PUBLISH_DELAY_HOURS",
    ("saml", "activate"): "hand the SP metadata to the GAR again (the old encryption "
                          "certificate is no longer offered); retire after the delay",
    ("saml", "retire"): "the old keys are gone from the metadata and the configuration",
    ("oidc", "next"): "the JWKS publishes the next key; activate once every worker serves it",
    ("oidc", "activate"): "ID tokens are signed with the new key; the old one stays in the "
                          "JWKS until every token it signed has expired",
    ("oidc", "retire"): "the old key is gone from the JWKS",
}


def _status(keyring: Keyring, kinds: tuple[str, ...]) -> dict[str, list[dict[str, object]]]:
    return {kind: [entry.public() for entry in keyring.entries(kind)] for kind in kinds}


def _print(args: argparse.Namespace, document: dict, lines: list[str], error: bool = False
           ) -> None:
    stream = sys.stderr if error and not args.json else sys.stdout
    if args.json:
        stream.write(json.dumps(document, indent=2) + "\n")
        return
    for line in lines:
        stream.write(line + "\n")


def _status_lines(status: Mapping[str, list[dict[str, object]]]) -> list[str]:
    lines = []
    for kind, entries in status.items():
        if not entries:
            lines.append(f"{kind}: no keyring state (the configured key is current)")
        for entry in entries:
            if entry["status"] == "retired":
                continue
            lines.append(f"{kind}: {entry['id']} {entry['status']:<8} created {entry['created_at']}"
                         + (f", activated {entry['activated_at']}" if entry["activated_at"] else "")
                         + (f", retiring since {entry['retiring_at']}"
                            if entry["retiring_at"] else ""))
    return lines


def execute(args: argparse.Namespace, environ: Mapping[str, str] | None = None,
            clock: Clock = system_clock) -> int:
    """Run a parsed ``pixgar keys`` command."""
    from proxy.keys.files import load_keys
    from proxy.keys.rotation import activate_delays, keyring_of, retire_delays
    from proxy.settings import ProxySettings

    settings = ProxySettings.from_env(environ)
    keyring = keyring_of(settings, clock)
    family = getattr(args, "family", None)
    kinds = FAMILIES[family] if family else KINDS
    step = getattr(args, "step", "status")
    if step == "status":
        status = _status(keyring, kinds)
        _print(args, {"ok": True, "keys": status}, _status_lines(status))
        return 0
    if family is None:  # argparse asks for it on every step but status
        print(f"pixgar keys {step}: name a key family", file=sys.stderr)
        return 2
    delays = {"next": {}, "activate": activate_delays(settings),
              "retire": retire_delays(settings)}[step]
    refusals = [r for r in (keyring.refusal(step, kind, delays.get(kind, _zero()))
                            for kind in kinds) if r]
    if refusals:  # nothing is changed unless every kind of the family can take the step
        _print(args, {"ok": False, "step": step, "refused": refusals},
               [f"pixgar keys {family} {step}: refused: {r}" for r in refusals], error=True)
        return EXIT_REFUSED
    try:
        for kind in kinds:
            if step == "next":
                keys = load_keys(settings)
                configured = {SAML_SIGNING: (keys.saml_key, keys.saml_cert),
                              SAML_ENCRYPTION: (keys.saml_encryption_key,
                                                keys.saml_encryption_cert),
                              OIDC_SIGNING: (keys.oidc_signing_key, None)}[kind]
                keyring.next(kind, configured)
            elif step == "activate":
                keyring.activate(kind, delays[kind])
            else:
                keyring.retire(kind, delays[kind])
    except RotationRefused as refusal:  # a concurrent command got there first
        _print(args, {"ok": False, "step": step, "refused": [str(refusal)]},
               [f"pixgar keys {family} {step}: refused: {refusal}"], error=True)
        return EXIT_REFUSED
    status = _status(keyring, kinds)
    _print(args, {"ok": True, "step": step, "keys": status, "hint": HINTS[(family, step)]},
           [*_status_lines(status), HINTS[(family, step)]])
    return 0


def _zero():
    import datetime as dt

    return dt.timedelta(0)


def register(commands) -> None:
    """Add ``keys`` to the ``pixgar`` command's subcommands."""
    keys = commands.add_parser(
        "keys", help="rotate the proxy's SAML and OIDC keys (next, activate, retire)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    keys.add_argument("--json", action="store_true", help="machine-readable output")
    keys.set_defaults(run=execute, family=None, step="status")
    families = keys.add_subparsers(dest="family_command")
    families.add_parser("status", help="the state of every kind of key"
                        ).add_argument("--json", action="store_true")
    for family, what in (("saml", "the SP signing and encryption keys (AuthnRequests, "
                                  "encrypted assertions)"),
                         ("oidc", "the ID token signing key (JWKS)")):
        parser = families.add_parser(family, help=what)
        steps = parser.add_subparsers(dest="step", required=True)
        for step, help_text in (
                ("next", "generate the next key and publish it beside the current one"),
                ("activate", "sign with the next key (refused until published long enough)"),
                ("retire", "drop the old key (refused until nothing can still use it)"),
                ("status", "the state of these keys")):
            sub = steps.add_parser(step, help=help_text)
            sub.add_argument("--json", action="store_true", help="machine-readable output")
            sub.set_defaults(family=family)


def run(argv: list[str], environ: Mapping[str, str] | None = None,
        clock: Clock = system_clock) -> int:
    """``pixgar keys ...`` with an injected environment and clock (tests)."""
    root = argparse.ArgumentParser(prog="pixgar")
    register(root.add_subparsers(dest="command", required=True))
    args = root.parse_args(["keys", *argv])
    return execute(args, environ, clock)
