"""Is a GAR metadata document acceptable? (docs/adr/0005-metadata-refresh.md)

:func:`verify_metadata`: no DTD, an enveloped XML signature on the root by a pinned
certificate (``GAR_METADATA_SIGNING_CERT``, one or more PEM certificates), allowed
algorithms only, ``validUntil`` in the future. Anything else raises
:class:`MetadataRefused` with a reason code. :func:`fetch` reads a document from its source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from cryptography import x509
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.algorithms import DigestAlgorithm, SignatureMethod

from proxy.saml.algorithms import (
    ACCEPTED_CANONICALIZATIONS,
    ACCEPTED_DIGEST_METHODS,
    ACCEPTED_SIGNATURE_METHODS,
    ACCEPTED_TRANSFORMS,
)

logger = logging.getLogger(__name__)

MAX_METADATA_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 10
_MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
_DS = "{http://www.w3.org/2000/09/xmldsig#}"


class MetadataRefused(Exception):
    """The document (or its source) is not acceptable; ``reason`` is a stable code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class AcceptedMetadata:
    """A metadata document that passed :func:`verify_metadata` (or was loaded unverified in dev)."""

    xml: bytes
    valid_until: dt.datetime | None
    verified: bool = True
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", hashlib.sha256(self.xml).hexdigest())

    def expired(self, now: dt.datetime) -> bool:
        return self.valid_until is not None and self.valid_until <= now

    def days_left(self, now: dt.datetime) -> float | None:
        if self.valid_until is None:
            return None
        return (self.valid_until - now).total_seconds() / 86400

    def warnings(self, now: dt.datetime, warn_days: int) -> list[str]:
        left = self.days_left(now)
        if left is None:
            return ["no_valid_until: the document has no validUntil"]
        if left < warn_days:
            return [f"expires_soon: {left:.1f} days left (validUntil "
                    f"{self.valid_until:%Y-%m-%dT%H:%M:%SZ}, warning below {warn_days} days)"]
        return []

    def describe(self, now: dt.datetime | None = None) -> dict[str, Any]:
        now = now or utcnow()
        return {"digest": self.digest, "verified": self.verified,
                "valid_until": iso_instant(self.valid_until), "expired": self.expired(now)}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso_instant(moment: dt.datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def parse_instant(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# -- verification ------------------------------------------------------------------------

def load_pins(path: Path | None) -> list[x509.Certificate]:
    """The pinned certificate(s) from ``GAR_METADATA_SIGNING_CERT`` (several during a rollover)."""
    if path is None:
        raise MetadataRefused("no_pinned_certificate",
                              "GAR_METADATA_SIGNING_CERT is not set (PEM of the GAR's metadata "
                              "signing certificate)")
    try:
        pins = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as error:
        raise MetadataRefused("unreadable_pinned_certificate", f"{path}: {error}") from None
    return pins


def _root(xml: bytes) -> etree._Element:
    if len(xml) > MAX_METADATA_BYTES:
        raise MetadataRefused("too_large", f"{len(xml)} bytes")
    try:
        safe_fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise MetadataRefused("dtd_forbidden", "the document has a DTD") from None
    except Exception as error:  # any parse error means "refuse"
        raise MetadataRefused("unparsable_xml", type(error).__name__) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    root = etree.fromstring(xml, parser=parser)
    if root.tag not in (f"{_MD}EntityDescriptor", f"{_MD}EntitiesDescriptor"):
        raise MetadataRefused("not_saml_metadata", f"root element {root.tag}")
    if root.find(f".//{_MD}IDPSSODescriptor") is None:
        raise MetadataRefused("no_idp_descriptor", "no IDPSSODescriptor")
    return root


def _check_signature_shape(root: etree._Element) -> None:
    signatures = root.findall(f"{_DS}Signature")
    if not signatures:
        raise MetadataRefused("unsigned", "no XML signature on the document root")
    if len(signatures) > 1 or len(list(root.iter(f"{_DS}Signature"))) > 1:
        raise MetadataRefused("bad_signature", "more than one signature")
    signed_info = signatures[0].find(f"{_DS}SignedInfo")
    if signed_info is None:
        raise MetadataRefused("bad_signature", "no SignedInfo")
    checks = [(f"{_DS}CanonicalizationMethod", ACCEPTED_CANONICALIZATIONS),
              (f"{_DS}SignatureMethod", ACCEPTED_SIGNATURE_METHODS),
              (f"{_DS}Reference/{_DS}DigestMethod", ACCEPTED_DIGEST_METHODS),
              (f"{_DS}Reference/{_DS}Transforms/{_DS}Transform", ACCEPTED_TRANSFORMS)]
    for path, accepted in checks:
        for element in signed_info.findall(path):
            if element.get("Algorithm") not in accepted:
                raise MetadataRefused("signature_algorithm_not_allowed",
                                      str(element.get("Algorithm")))
    references = signed_info.findall(f"{_DS}Reference")
    root_id = root.get("ID")
    if len(references) != 1 or references[0].get("URI") not in {"", f"#{root_id}"}:
        raise MetadataRefused("signature_not_on_root", "the signature must cover the document")


_EXPECT = SignatureConfiguration(
    require_x509=False,
    signature_methods=frozenset(SignatureMethod(m) for m in ACCEPTED_SIGNATURE_METHODS),
    digest_algorithms=frozenset(DigestAlgorithm(m) for m in ACCEPTED_DIGEST_METHODS),
)


def verify_metadata(xml: bytes, pins: list[x509.Certificate],
                    now: dt.datetime | None = None) -> AcceptedMetadata:
    """Accept ``xml`` only if signed on its root by one of ``pins`` and not expired."""
    now = now or utcnow()
    root = _root(xml)
    _check_signature_shape(root)
    for pin in pins:
        try:
            result = XMLVerifier().verify(xml, x509_cert=pin, expect_config=_EXPECT,
                                          id_attribute="ID")
        except Exception:  # noqa: S112 - signxml raises several types; each means "not this pin"
            continue
        signed = result[0] if isinstance(result, list) else result
        if signed.signed_xml is None or signed.signed_xml.tag != root.tag:
            raise MetadataRefused("signature_not_on_root")
        break
    else:
        raise MetadataRefused("bad_signature",
                              f"not signed by the pinned certificate(s) ({len(pins)} tried)")
    accepted = AcceptedMetadata(xml, _valid_until(root), verified=True)
    if accepted.expired(now):
        raise MetadataRefused("expired", f"validUntil {iso_instant(accepted.valid_until)} is past")
    return accepted


def _valid_until(root: etree._Element) -> dt.datetime | None:
    value = root.get("validUntil")
    if not value:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise MetadataRefused("bad_valid_until", value[:40]) from None


def unverified_metadata(xml: bytes) -> AcceptedMetadata:
    """Development only (no pin): today's behaviour, but ``validUntil`` is still read."""
    root = _root(xml)
    return AcceptedMetadata(xml, _valid_until(root), verified=False)


# -- fetching and storing ---------------------------------------------------------------

def fetch(source: str) -> bytes:
    """The document at ``source`` (https/http URL or path), or :class:`MetadataRefused`."""
    if not source:
        raise MetadataRefused("no_source", "GAR_IDP_METADATA is not set and no --source given")
    if source.startswith(("https://", "http://")):
        try:
            with requests.get(source, timeout=FETCH_TIMEOUT_SECONDS, stream=True) as answer:
                answer.raise_for_status()
                body = answer.raw.read(MAX_METADATA_BYTES + 1, decode_content=True)
        except (requests.RequestException, OSError) as error:
            raise MetadataRefused("unreachable", f"cannot fetch {source}: "
                                                 f"{type(error).__name__}") from None
        return bytes(body)
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise MetadataRefused("unreachable", f"cannot read {source}: {error.strerror}") from None
