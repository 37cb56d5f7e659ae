"""Enveloped signatures: the SAML profile's shape, and exclusive c14n's prefix list."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from saml2.sigver import get_xmlsec_binary

from proxy.errors import SamlResponseRejected
from proxy.saml.keys import IdpSigningKeys
from proxy.saml.signature import verify_enveloped
from proxy.saml.xml import parse
from tests.support import saml_forge as forge
from tests.unit.gar_sim.gar_sim_helpers import GAR

EC = "http://www.w3.org/2001/10/xml-exc-c14n#"
XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _keys(world):
    return IdpSigningKeys(lambda: world.client.metadata).of(f"{GAR}/idp/metadata")


def _signed_assertion(world):
    response = world.response(sign_assertion=False, sign_response=False)
    return forge.sign(forge.assertion_of(response), world.keys)


def _resigned(world, edit):
    """The assertion's SignedInfo edited by ``edit`` and signed again with the GAR key."""
    assertion = _signed_assertion(world)
    signature = forge.signature_of(assertion)
    edit(signature.find("ds:SignedInfo", forge.NS))
    forge.resign_signed_info(signature, world.keys)
    return parse(etree.tostring(assertion))


def _add_reference(signed_info):
    signed_info.append(copy.deepcopy(signed_info.find("ds:Reference", forge.NS)))


def _drop_enveloped(signed_info):
    transforms = signed_info.find("ds:Reference/ds:Transforms", forge.NS)
    transforms.remove(transforms[0])


def _with_comments(signed_info):
    signed_info.find("ds:CanonicalizationMethod", forge.NS).set("Algorithm",
                                                                EC + "WithComments")


def _whole_document(signed_info):
    signed_info.find("ds:Reference", forge.NS).set("URI", "")


@pytest.mark.parametrize(("edit", "code"), [
    (_add_reference, "signature_malformed"),
    (_drop_enveloped, "signature_transforms_not_allowed"),
    (_with_comments, "signature_algorithm_not_allowed"),
    (_whole_document, "reference_not_to_signed_element"),
], ids=["two-references", "no-enveloped-transform", "c14n-with-comments", "uri-empty"])
def test_a_signature_outside_the_saml_profile_is_refused_before_rsa(world, edit, code):
    assertion = _resigned(world, edit)

    with pytest.raises(SamlResponseRejected) as refused:
        verify_enveloped(assertion, _keys(world))

    assert refused.value.code == code


def test_the_signed_bytes_are_the_canonical_element_without_its_signature(world):
    assertion = parse(etree.tostring(_signed_assertion(world)))
    expected = copy.deepcopy(assertion)
    expected.remove(expected.find("ds:Signature", forge.NS))

    signed = verify_enveloped(assertion, _keys(world))

    assert signed == etree.tostring(expected, method="c14n", exclusive=True,
                                    with_comments=False)
    assert assertion.find("ds:Signature", forge.NS) is None


TEMPLATE = """<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="{ec}"/>
<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<ds:Reference URI="#{id}"><ds:Transforms>
<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<ds:Transform Algorithm="{ec}"><ec:InclusiveNamespaces xmlns:ec="{ec}" PrefixList="{prefixes}"/>
</ds:Transform></ds:Transforms>
<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>
</ds:Reference></ds:SignedInfo><ds:SignatureValue/></ds:Signature>"""


def _signed_by_xmlsec1(world, tmp_path: Path, prefixes: str) -> bytes:
    """A response whose assertion uses ``xs:`` only in attribute values, signed by xmlsec1
    with an exclusive c14n ``PrefixList``: the case OpenSAML-based IdPs produce."""
    response = etree.fromstring(etree.tostring(world.response(sign_response=False)))
    root = etree.Element(response.tag, nsmap={**response.nsmap, "xs": XS, "xsi": XSI},
                         attrib=dict(response.attrib))
    root.extend(list(response))
    assertion = forge.strip_signature(forge.assertion_of(root))
    for value in assertion.iterfind(".//saml:AttributeValue", forge.NS):
        value.set(f"{{{XSI}}}type", "xs:string")
    template = etree.fromstring(TEMPLATE.format(ec=EC, id=assertion.get("ID"),
                                                prefixes=prefixes))
    assertion.find("saml:Issuer", forge.NS).addnext(template)
    unsigned, signed = tmp_path / "unsigned.xml", tmp_path / "signed.xml"
    unsigned.write_bytes(etree.tostring(root))
    key_file = world.setup.settings.data_dir / "gar_sim" / "idp-signing.key"
    subprocess.run([get_xmlsec_binary(), "--sign", "--privkey-pem", str(key_file),
                    "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
                    "--output", str(signed), str(unsigned)], check=True, capture_output=True)
    return signed.read_bytes()


@pytest.mark.parametrize("prefixes", ["xs", "xs #default"])
def test_an_inclusive_prefix_list_is_canonicalized_as_xmlsec1_does(world, tmp_path, prefixes):
    signed = _signed_by_xmlsec1(world, tmp_path, prefixes)

    assert verify_enveloped(parse(signed).find("saml:Assertion", forge.NS), _keys(world))
    moved = signed.replace(f'xmlns:xs="{XS}"'.encode(), b'xmlns:xs="urn:elsewhere"', 1)
    with pytest.raises(SamlResponseRejected, match="digest_mismatch"):  # xs is signed now
        verify_enveloped(parse(moved).find("saml:Assertion", forge.NS), _keys(world))
