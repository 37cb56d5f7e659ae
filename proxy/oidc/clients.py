"""The relying parties the OpenID Provider serves, declared in one YAML file.

An admin adds a relying party by adding an entry; no code changes. Example::

    clients:
      pix:
        name: Pix
        secret_env: PIX_CLIENT_SECRET        # or secret_file: /run/secrets/pix, or secret: ...
        # rotation: secrets: [new, old] or secret_files: [/run/secrets/new, /run/secrets/old]
        # (any listed secret is accepted during the overlap; the first one is the primary)
        redirect_uris: [https://pix.example/connexion/oidc/callback]
        initiate_login_uri: https://pix.example/connexion/gar/initier
        target_link_uris: [https://pix.example/]   # allowed RelayStates of unsolicited logins
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from kernel.secret import Secret


class ClientsFileError(ValueError):
    """The relying parties file is missing, malformed or incomplete."""


@dataclass(frozen=True)
class RelyingParty:
    """One OpenID Connect client of the proxy."""

    client_id: str
    name: str
    secret: Secret
    redirect_uris: tuple[str, ...]
    initiate_login_uri: str | None
    target_link_uris: tuple[str, ...]
    other_secrets: tuple[Secret, ...] = ()  # also accepted while a secret rotates

    @property
    def accepted_secrets(self) -> tuple[Secret, ...]:
        return (self.secret, *self.other_secrets)

    def accepts_target(self, url: str) -> bool:
        """True when ``url`` lies under an allowed target link (same origin, path prefix)."""
        candidate = urlsplit(url)
        for allowed in map(urlsplit, self.target_link_uris):
            same_origin = (candidate.scheme, candidate.netloc) == (allowed.scheme, allowed.netloc)
            allowed_path = allowed.path.rstrip("/") + "/"
            if same_origin and (candidate.path + "/").startswith(allowed_path):
                return True
        return False

    def to_config(self) -> dict[str, Any]:
        """A JSON-able form for SATOSA's plugin configuration (which is serialised)."""
        return {
            "client_id": self.client_id, "name": self.name, "secret": self.secret.reveal(),
            "redirect_uris": list(self.redirect_uris),
            "initiate_login_uri": self.initiate_login_uri,
            "target_link_uris": list(self.target_link_uris),
            "secrets": [s.reveal() for s in self.accepted_secrets],
        }

    @classmethod
    def from_config(cls, entry: Mapping[str, Any]) -> RelyingParty:
        """Inverse of :meth:`to_config`."""
        return _parse_client(entry["client_id"], entry, {})

    def as_pyop_client(self) -> dict[str, Any]:
        """The client record pyop expects."""
        return {
            "client_id": self.client_id,
            "client_name": self.name,
            "client_secret": self.secret.reveal(),
            "redirect_uris": list(self.redirect_uris),
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
            "subject_type": "pairwise",
            # pyop derives pairwise subs from this URI's host: one sector per client, so two
            # relying parties never share a sub, even on one host.
            "sector_identifier_uri": f"https://{self.client_id}.sector.pixgar.invalid/",
        }


def _secrets(client_id: str, entry: Mapping[str, Any], environ: Mapping[str, str]
             ) -> tuple[Secret, ...]:
    """Every accepted secret, primary first: ``secrets``/``secret_files`` lists, or one."""
    listed = [Secret(str(value)) for value in entry.get("secrets") or ()]
    listed += [Secret(Path(name).read_text(encoding="utf-8").strip())
               for name in entry.get("secret_files") or ()]
    if any(not secret.reveal() for secret in listed):
        raise ClientsFileError(f"client {client_id!r}: an empty secret is listed")
    if listed:
        return tuple(listed)
    return (_secret(client_id, entry, environ),)


def _secret(client_id: str, entry: Mapping[str, Any], environ: Mapping[str, str]) -> Secret:
    if entry.get("secret"):
        return Secret(str(entry["secret"]))
    if entry.get("secret_env"):
        value = environ.get(entry["secret_env"])
        if not value:
            raise ClientsFileError(f"client {client_id!r}: ${entry['secret_env']} is not set")
        return Secret(value)
    if entry.get("secret_file"):
        return Secret(Path(entry["secret_file"]).read_text(encoding="utf-8").strip())
    raise ClientsFileError(f"client {client_id!r}: one of secret, secret_env, secret_file, "
                           "secrets, secret_files needed")


def _parse_client(client_id: str, entry: Mapping[str, Any],
                  environ: Mapping[str, str]) -> RelyingParty:
    redirect_uris = tuple(entry.get("redirect_uris") or ())
    if not redirect_uris:
        raise ClientsFileError(f"client {client_id!r}: redirect_uris is empty")
    secrets = _secrets(client_id, entry, environ)
    return RelyingParty(
        client_id=client_id,
        name=str(entry.get("name", client_id)),
        secret=secrets[0],
        other_secrets=secrets[1:],
        redirect_uris=redirect_uris,
        initiate_login_uri=entry.get("initiate_login_uri"),
        target_link_uris=tuple(entry.get("target_link_uris") or ()),
    )


def load_relying_parties(path: Path, environ: Mapping[str, str] | None = None
                         ) -> dict[str, RelyingParty]:
    """Read and check the relying parties file."""
    env = os.environ if environ is None else environ
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ClientsFileError(f"{path}: cannot read relying parties file: {error}") from error
    entries = document.get("clients")
    if not isinstance(entries, dict) or not entries:
        raise ClientsFileError(f"{path}: expected a non-empty 'clients:' mapping")
    return {cid: _parse_client(str(cid), entry, env) for cid, entry in entries.items()}
