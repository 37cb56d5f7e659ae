"""The keyring: the proxy's rotating keys and their state machine (docs/adr/0006).

One directory (``PIXGAR_KEYRING_DIR``, default ``<data dir>/keyring``) holds the key files
and one small JSON state per kind (``saml-signing.json``, ...). Each key moves
``next`` → ``current`` → ``retiring`` → ``retired``:

- ``next``: generated and published (SP metadata, JWKS) but not used to sign;
- ``current``: signs (AuthnRequests, ID tokens) and is published;
- ``retiring``: no longer signs; still decrypts (SAML) or is still published (OIDC)
  until nothing made with it can still arrive;
- ``retired``: gone from every configuration; its private key file is deleted when the
  keyring created it.

When a kind has no state yet, the key configured today (``*_FILE`` variables or the
development keys) is its ``current`` key; the first ``next`` records it as such.

This module knows nothing of SATOSA: :mod:`proxy.keys.rotation` turns the state into
configuration. No function here returns or prints private key material.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from kernel.devkeys import ensure_rsa_key, ensure_self_signed_cert

SAML_SIGNING = "saml-signing"
SAML_ENCRYPTION = "saml-encryption"
OIDC_SIGNING = "oidc-signing"
KINDS = (SAML_SIGNING, SAML_ENCRYPTION, OIDC_SIGNING)
WITH_CERTIFICATE = frozenset({SAML_SIGNING, SAML_ENCRYPTION})

NEXT, CURRENT, RETIRING, RETIRED = "next", "current", "retiring", "retired"
STATUSES = (NEXT, CURRENT, RETIRING, RETIRED)

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RotationRefused(RuntimeError):
    """A step cannot be taken now; the message says why (and when it can)."""


@dataclass(frozen=True)
class KeyEntry:
    """One key of a kind: its id, status, files (paths only) and timestamps (ISO 8601)."""

    id: str
    status: str
    key_file: str
    cert_file: str | None
    created_at: str
    activated_at: str | None = None
    retiring_at: str | None = None
    retired_at: str | None = None
    owned: bool = True  # created by the keyring (else: the key configured before it)

    def public(self) -> dict[str, object]:
        """What ``pixgar keys status`` shows: everything but nothing secret (paths only)."""
        return asdict(self)


def key_id(key_file: Path) -> str:
    """An id derived from the public key: SHA-256 of its DER form, 16 hex digits.

    The same function gives the OIDC ``kid`` (proxy.config.signing_key_id).
    """
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:16]


def _parse(instant: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(instant) if instant else None


def _too_early(now: dt.datetime, since_text: str | None, min_age: dt.timedelta,
               refusal: str) -> str | None:
    """``refusal`` with the wait left when less than ``min_age`` has passed since then."""
    since = _parse(since_text)
    if since is None:  # written by this keyring with every status change
        raise ValueError("keyring entry without the date of its status")
    if now - since < min_age:
        return f"{refusal} (try again in {_wait_text(since + min_age - now)})"
    return None


def _wait_text(remaining: dt.timedelta) -> str:
    minutes = max(1, -(-int(remaining.total_seconds()) // 60))  # rounded up
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


class Keyring:
    """The keyring directory; every change is atomic and serialised by a lock file."""

    def __init__(self, directory: Path, clock: Clock = system_clock) -> None:
        self.directory = Path(directory)
        self.clock = clock

    # -- reading ---------------------------------------------------------------------------

    def state_file(self, kind: str) -> Path:
        if kind not in KINDS:
            raise ValueError(f"unknown key kind {kind!r}")
        return self.directory / f"{kind}.json"

    def entries(self, kind: str) -> list[KeyEntry]:
        path = self.state_file(kind)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        return [KeyEntry(**entry) for entry in document.get("keys", [])]

    def with_status(self, kind: str, *statuses: str) -> list[KeyEntry]:
        return [entry for entry in self.entries(kind) if entry.status in statuses]

    def stamp(self) -> tuple[float, ...]:
        """The state files' modification times: what workers watch to reload."""
        stamps = []
        for kind in KINDS:
            try:
                stamps.append(self.state_file(kind).stat().st_mtime_ns)
            except FileNotFoundError:
                stamps.append(-1)
        return tuple(stamps)

    # -- the steps -------------------------------------------------------------------------

    def refusal(self, step: str, kind: str, min_age: dt.timedelta = dt.timedelta(0)
                ) -> str | None:
        """Why ``step`` (next, activate, retire) cannot be taken now, or None."""
        entries = self.entries(kind)
        now = self.clock()
        if step == "next":
            if any(e.status == NEXT for e in entries):
                return f"{kind}: a next key already exists; activate it first"
            if any(e.status == RETIRING for e in entries):
                return f"{kind}: retire the retiring key first"
            return None
        if step == "activate":
            upcoming = [e for e in entries if e.status == NEXT]
            if not upcoming:
                return f"{kind}: no next key to activate (run 'next' first)"
            published = upcoming[0].created_at
            return _too_early(now, published, min_age,
                              f"{kind}: the next key was published at {published}; "
                              f"activation needs it published for {min_age}")
        if step == "retire":
            leaving = [e for e in entries if e.status == RETIRING]
            if not leaving:
                return f"{kind}: no retiring key (run 'activate' first)"
            since = leaving[0].retiring_at
            return _too_early(now, since, min_age,
                              f"{kind}: the old key is retiring since {since}; it must stay "
                              f"for {min_age}")
        raise ValueError(f"unknown step {step!r}")

    def _refuse(self, step: str, kind: str, min_age: dt.timedelta) -> None:
        reason = self.refusal(step, kind, min_age)
        if reason:
            raise RotationRefused(reason)

    def next(self, kind: str, configured: tuple[Path, Path | None]) -> KeyEntry:
        """Generate the next key of ``kind``; ``configured`` is today's key (key, cert)."""
        with self._locked():
            self._refuse("next", kind, dt.timedelta(0))
            entries = self.entries(kind)
            now = self.clock().isoformat()
            if not any(e.status == CURRENT for e in entries):
                key_file, cert_file = configured
                entries.append(KeyEntry(id=key_id(key_file), status=CURRENT,
                                        key_file=str(key_file.resolve()),
                                        cert_file=str(cert_file.resolve()) if cert_file else None,
                                        created_at=now, owned=False))
            stem = f"{kind}-{self.clock().strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
            self.directory.mkdir(parents=True, exist_ok=True)
            os.chmod(self.directory, 0o700)
            key_path = self.directory / f"{stem}.key"
            cert_path: Path | None = None
            if kind in WITH_CERTIFICATE:
                cert_path = self.directory / f"{stem}.crt"
                ensure_self_signed_cert(key_path, cert_path, "pix-gar proxy")
            else:
                ensure_rsa_key(key_path)
            entry = KeyEntry(id=key_id(key_path), status=NEXT, key_file=str(key_path),
                             cert_file=str(cert_path) if cert_path else None, created_at=now)
            self._write(kind, [*entries, entry])
            return entry

    def activate(self, kind: str, min_age: dt.timedelta) -> KeyEntry:
        """``next`` → ``current`` (and ``current`` → ``retiring``) once published long enough."""
        with self._locked():
            self._refuse("activate", kind, min_age)
            entries = self.entries(kind)
            stamp = self.clock().isoformat()
            changed = []
            for entry in entries:
                if entry.status == CURRENT:
                    entry = replace(entry, status=RETIRING, retiring_at=stamp)
                elif entry.status == NEXT:
                    entry = replace(entry, status=CURRENT, activated_at=stamp)
                changed.append(entry)
            self._write(kind, changed)
            return next(e for e in changed if e.status == CURRENT)

    def retire(self, kind: str, min_age: dt.timedelta) -> KeyEntry:
        """``retiring`` → ``retired`` once retiring long enough; delete its private key."""
        with self._locked():
            self._refuse("retire", kind, min_age)
            entries = self.entries(kind)
            leaving = [e for e in entries if e.status == RETIRING]
            now = self.clock()
            changed = [replace(e, status=RETIRED, retired_at=now.isoformat())
                       if e.status == RETIRING else e for e in entries]
            self._write(kind, changed)
            for entry in leaving:
                if entry.owned:
                    with contextlib.suppress(FileNotFoundError):
                        Path(entry.key_file).unlink()
            return replace(leaving[0], status=RETIRED, retired_at=now.isoformat())

    # -- storage ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _write(self, kind: str, entries: list[KeyEntry]) -> None:
        path = self.state_file(kind)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        document = {"kind": kind, "keys": [asdict(e) for e in entries]}
        partial.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, path)  # atomic: a worker never reads half a state
