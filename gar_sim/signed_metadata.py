"""Signed IdP metadata of the simulator, as the GAR publishes it (development and tests only).

The real GAR signs its metadata; the proxy pins the signing certificate
(``GAR_METADATA_SIGNING_CERT``). This module gives the simulator's metadata a
``validUntil``, optional extra signing certificates (the GAR's certificate rollover) and an
enveloped signature made with the simulator's key (or the rogue key, for negative tests).
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml import XMLSigner
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod

from gar_sim.idp import idp_key_paths, idp_metadata_xml
from gar_sim.settings import SimSettings

_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
_DS = "http://www.w3.org/2000/09/xmldsig#"


def _cert_b64(path: Path) -> str:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


def signed_idp_metadata(settings: SimSettings, *, valid_for: dt.timedelta | None =
                        dt.timedelta(days=30), extra_signing_certs: tuple[Path, ...] = (),
                        rogue_signer: bool = False, sign: bool = True) -> bytes:
    """The simulator's IdP metadata, signed; ``valid_for=None`` gives no ``validUntil``."""
    root = etree.fromstring(idp_metadata_xml(settings).encode("utf-8"))
    root.set("ID", f"_{secrets.token_hex(16)}")
    if valid_for is not None:
        until = dt.datetime.now(dt.UTC) + valid_for
        root.set("validUntil", until.strftime("%Y-%m-%dT%H:%M:%SZ"))
    idp = root.find(f"{{{_MD}}}IDPSSODescriptor")
    for cert_path in extra_signing_certs:  # rollover: a second signing certificate
        descriptor = etree.SubElement(idp, f"{{{_MD}}}KeyDescriptor", use="signing")
        info = etree.SubElement(descriptor, f"{{{_DS}}}KeyInfo")
        data = etree.SubElement(info, f"{{{_DS}}}X509Data")
        etree.SubElement(data, f"{{{_DS}}}X509Certificate").text = _cert_b64(cert_path)
        idp.remove(descriptor)
        idp.insert(0, descriptor)  # KeyDescriptors come first in IDPSSODescriptor
    if not sign:
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    key_path, cert_path = idp_key_paths(settings, rogue=rogue_signer)
    # the signature goes first in the root (SAML metadata schema): signxml fills a placeholder
    root.insert(0, etree.Element(f"{{{_DS}}}Signature", Id="placeholder"))
    signer = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256,
                       digest_algorithm=DigestAlgorithm.SHA256,
                       c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    signed = signer.sign(root, key=key_path.read_bytes(), cert=cert_path.read_text(),
                         reference_uri=f"#{root.get('ID')}", id_attribute="ID")
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
