"""Signed IdP metadata of the simulator, as the GAR publishes it (development and tests only).

The real GAR signs its metadata; the proxy pins the signing certificate
(``GAR_METADATA_SIGNING_CERT``). This module gives the simulator's metadata a
``validUntil``, optional extra signing certificates (the GAR's certificate rollover) and an
enveloped signature.

- :func:`published_idp_metadata`: the document the simulator publishes (``GET
  /idp/metadata``, and the file the development stack hands to the proxy). Signed with the
  simulator's own *metadata-signing* key (:func:`metadata_signing_key_paths`, generated on
  first run in the data dir, distinct from the key that signs responses), valid for
  :data:`PUBLISHED_VALIDITY` from today's midnight (UTC), with an ID derived from its
  content: the same bytes all day, so a refresh of an unchanged document says so.
- :func:`signed_idp_metadata`: variants for tests (rollover, expired, unsigned, another
  signer); signed by default with the simulator's response-signing key (the rogue key
  with ``rogue_signer=True``), or with ``signing_key=(key, cert)``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml import XMLSigner
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod

from gar_sim.idp_config import idp_key_paths, idp_metadata_xml
from gar_sim.settings import SimSettings
from kernel.devkeys import ensure_self_signed_cert

_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
_DS = "http://www.w3.org/2000/09/xmldsig#"

PUBLISHED_VALIDITY = dt.timedelta(days=30)


def metadata_signing_key_paths(settings: SimSettings) -> tuple[Path, Path]:
    """The key and certificate the simulator signs its metadata with (generated on first run).

    The development stack pins this certificate (``GAR_METADATA_SIGNING_CERT``), as a
    production proxy pins the GAR's metadata-signing certificate.
    """
    directory = settings.data_dir / "gar_sim"
    return ensure_self_signed_cert(directory / "metadata-signing.key",
                                   directory / "metadata-signing.crt",
                                   common_name="Simulateur GAR (signature des metadonnees)")


def _cert_b64(path: Path) -> str:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _unsigned_root(settings: SimSettings, valid_until: dt.datetime | None,
                   extra_signing_certs: tuple[Path, ...]):
    root = etree.fromstring(idp_metadata_xml(settings).encode("utf-8"))
    if valid_until is not None:
        root.set("validUntil", _instant(valid_until))
    idp = root.find(f"{{{_MD}}}IDPSSODescriptor")
    for cert_path in extra_signing_certs:  # rollover: a second signing certificate
        descriptor = etree.SubElement(idp, f"{{{_MD}}}KeyDescriptor", use="signing")
        info = etree.SubElement(descriptor, f"{{{_DS}}}KeyInfo")
        data = etree.SubElement(info, f"{{{_DS}}}X509Data")
        etree.SubElement(data, f"{{{_DS}}}X509Certificate").text = _cert_b64(cert_path)
        idp.remove(descriptor)
        idp.insert(0, descriptor)  # KeyDescriptors come first in IDPSSODescriptor
    return root


def _sign(root, key_path: Path, cert_path: Path) -> bytes:
    # the signature goes first in the root (SAML metadata schema): signxml fills a placeholder
    root.insert(0, etree.Element(f"{{{_DS}}}Signature", Id="placeholder"))
    signer = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256,
                       digest_algorithm=DigestAlgorithm.SHA256,
                       c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    signed = signer.sign(root, key=key_path.read_bytes(), cert=cert_path.read_text(),
                         reference_uri=f"#{root.get('ID')}", id_attribute="ID")
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def signed_idp_metadata(settings: SimSettings, *, valid_for: dt.timedelta | None =
                        dt.timedelta(days=30), extra_signing_certs: tuple[Path, ...] = (),
                        rogue_signer: bool = False, sign: bool = True,
                        signing_key: tuple[Path, Path] | None = None) -> bytes:
    """The simulator's IdP metadata, signed; ``valid_for=None`` gives no ``validUntil``.

    Signed with ``signing_key`` (key and certificate paths) if given, else with the
    simulator's response-signing key (its rogue key with ``rogue_signer=True``).
    """
    until = dt.datetime.now(dt.UTC) + valid_for if valid_for is not None else None
    root = _unsigned_root(settings, until, extra_signing_certs)
    root.set("ID", f"_{secrets.token_hex(16)}")
    if not sign:
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    key_path, cert_path = signing_key or idp_key_paths(settings, rogue=rogue_signer)
    return _sign(root, key_path, cert_path)


def published_idp_metadata(settings: SimSettings, *, now: dt.datetime | None = None,
                           signing_key: tuple[Path, Path] | None = None) -> bytes:
    """What the simulator publishes: signed with its metadata-signing key, stable all day.

    ``signing_key`` (key and certificate paths) replaces the metadata-signing key: the same
    document signed by someone else, for negative tests.
    """
    today = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    today = today.replace(hour=0, minute=0, second=0, microsecond=0)
    root = _unsigned_root(settings, today + PUBLISHED_VALIDITY, ())
    content = etree.tostring(root, method="c14n", exclusive=True)
    root.set("ID", f"_{hashlib.sha256(content).hexdigest()[:32]}")
    key_path, cert_path = signing_key or metadata_signing_key_paths(settings)
    return _sign(root, key_path, cert_path)


def write_idp_metadata(settings: SimSettings, path: Path | str) -> Path:
    """Write the metadata the simulator publishes (signed) to ``path`` (``GAR_IDP_METADATA``)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(published_idp_metadata(settings))
    return target
