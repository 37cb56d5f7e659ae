"""The GAR's ``samlp:Response``: parsed once, checked once, read from what was signed.

:class:`ResponseReader` takes the ``SAMLResponse`` form value and returns a
:class:`VerifiedResponse`, or raises :class:`~proxy.errors.SamlResponseRejected` with a
log-safe code. In order:

1. before any cryptography: base64; one hardened parse (no DTD, entity or XInclude); the
   algorithm allow-lists on every signature and every encrypted part; the SAML schema; a
   success status; exactly one assertion (plain or encrypted) in the whole document, as
   the Response's child; signatures only on the Response and on that assertion; no
   ``ID`` twice;
2. the Response's signature if it has one (required when ``want_response_signed``) by a
   key of its issuer's metadata, then its version, issue instant and Destination, read
   from what that signature covers;
3. the assertion, decrypted if encrypted (RSA-OAEP, AES-GCM only; then step 1's checks
   on it), its signature (always required) by a key of its issuer's metadata, and the Web
   SSO profile on what it signed: issuer (the Response's, if named), bearer subject
   confirmations (Recipient, InResponseTo, times), conditions (times, audience), one
   authentication statement, the attributes (text only, comments excluded by the
   canonical form).

The caller keeps what needs state: InResponseTo against the requests it sent, and the
assertion ID in the replay cache until :attr:`VerifiedResponse.valid_until`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from proxy.errors import SamlResponseRejected
from proxy.saml.attributes import NameOf
from proxy.saml.encryption import DecryptionKey, check_encryption, decrypt_assertion
from proxy.saml.keys import IdpSigningKeys
from proxy.saml.signature import SIGNATURE, check_algorithms, verify_enveloped
from proxy.saml.xml import SAML, SAMLP, check_schema, decode_message, parse, schema, text_of

_P = f"{{{SAMLP}}}"
_A = f"{{{SAML}}}"
RESPONSE = _P + "Response"
ASSERTION = _A + "Assertion"
ENCRYPTED_ASSERTION = _A + "EncryptedAssertion"
STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
ISSUE_INSTANT_WINDOW = dt.timedelta(days=1)  # pysaml2's bound on a Response's IssueInstant
_STATUS_NAMES = frozenset({
    "Requester", "Responder", "VersionMismatch", "AuthnFailed", "InvalidAttrNameOrValue",
    "InvalidNameIDPolicy", "NoAuthnContext", "NoAvailableIDP", "NoPassive", "NoSupportedIDP",
    "PartialLogout", "ProxyCountExceeded", "RequestDenied", "RequestUnsupported",
    "RequestVersionDeprecated", "RequestVersionTooHigh", "RequestVersionTooLow",
    "ResourceNotRecognized", "TooManyResponses", "UnknownAttrProfile", "UnknownPrincipal",
    "UnsupportedBinding",
})


@dataclass(frozen=True)
class Expected:
    """What the service provider requires of every response addressed to it."""

    sp_entity_id: str
    acs_url: str
    accepted_time_diff: int
    """Seconds of clock skew tolerated on every time bound."""
    want_response_signed: bool = False


@dataclass(frozen=True)
class VerifiedResponse:
    """A response that passed every check; every value below was signed by its issuer."""

    issuer: str
    response_id: str
    in_response_to: str | None
    assertion_id: str
    valid_until: dt.datetime
    """The assertion's latest NotOnOrAfter: how long its ID must be remembered (replays)."""
    authn_context_class: str | None
    authn_instant: str | None
    attributes: dict[str, list[str]] = field(default_factory=dict)


class ResponseReader:
    """Reads the responses of the identity providers that ``idp_keys`` knows."""

    def __init__(self, expected: Expected, idp_keys: IdpSigningKeys,
                 decryption_keys: Sequence[DecryptionKey], name_of: NameOf,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.expected = expected
        self.idp_keys = idp_keys
        self.decryption_keys = list(decryption_keys)
        self.name_of = name_of
        self.clock = clock
        schema()  # loaded now rather than by the first login

    def read(self, saml_response: str) -> VerifiedResponse:
        """The verified content of a ``SAMLResponse`` form value (base64 XML)."""
        now = self.clock()
        root = parse(decode_message(saml_response))
        if root.tag != RESPONSE:
            raise SamlResponseRejected("not_a_response")
        _check_structure(root)
        response = _ResponseFields.of(self._signed_response(root), self.expected, now)
        assertion = self._assertion(root)
        issuer = text_of(assertion.find(_A + "Issuer"))
        if response.issuer is not None and response.issuer != issuer:
            raise SamlResponseRejected("issuer_mismatch")
        signed = parse(verify_enveloped(assertion, self.idp_keys.of(issuer)))
        return self._read_assertion(signed, issuer, response, now)

    def _signed_response(self, root: etree._Element) -> etree._Element:
        """The Response as it was signed, or as it came when unsigned and that is allowed."""
        if root.find(SIGNATURE) is None:
            if self.expected.want_response_signed:
                raise SamlResponseRejected("response_unsigned")
            return root
        issuer = root.find(_A + "Issuer")
        if issuer is None:
            raise SamlResponseRejected("response_issuer_missing")
        return parse(verify_enveloped(root, self.idp_keys.of(text_of(issuer))))

    def _assertion(self, root: etree._Element) -> etree._Element:
        """The Response's assertion; decrypted (then checked like a message) if encrypted."""
        encrypted = root.find(ENCRYPTED_ASSERTION)
        if encrypted is None:
            return root.find(ASSERTION)
        assertion = parse(decrypt_assertion(encrypted, self.decryption_keys))
        if assertion.tag != ASSERTION:
            raise SamlResponseRejected("encrypted_content_not_an_assertion")
        for signature in assertion.iter(SIGNATURE):
            check_algorithms(signature)
        check_encryption(assertion)
        check_schema(assertion)
        _check_signatures_placed(assertion, {assertion})
        _check_unique_ids(root, assertion)
        return assertion

    def _read_assertion(self, assertion: etree._Element, issuer: str,
                        response: _ResponseFields, now: dt.datetime) -> VerifiedResponse:
        skew = dt.timedelta(seconds=self.expected.accepted_time_diff)
        if text_of(assertion.find(_A + "Issuer")) != issuer:  # the one whose key verified
            raise SamlResponseRejected("issuer_mismatch")
        _require_version(assertion)
        stamps = _check_subject(assertion, self.expected.acs_url, response.in_response_to,
                                now, skew)
        stamps += _check_conditions(assertion, self.expected.sp_entity_id, now, skew)
        class_ref, instant = _authn_statement(assertion, now, skew)
        return VerifiedResponse(
            issuer=issuer,
            response_id=response.response_id,
            in_response_to=response.in_response_to,
            assertion_id=assertion.get("ID", ""),
            valid_until=max(stamps),
            authn_context_class=class_ref,
            authn_instant=instant,
            attributes=_attributes(assertion, self.name_of),
        )


# -- the message's shape, before any cryptography -------------------------------------

def _check_structure(root: etree._Element) -> None:
    for signature in root.iter(SIGNATURE):
        check_algorithms(signature)
    check_encryption(root)
    check_schema(root)
    _check_status(root)
    assertions = list(root.iter(ASSERTION, ENCRYPTED_ASSERTION))
    if len(assertions) != 1 or assertions[0].getparent() is not root:
        raise SamlResponseRejected("not_exactly_one_assertion")
    _check_signatures_placed(root, {root, *assertions})
    _check_unique_ids(root)


def _check_signatures_placed(root: etree._Element, signed: set[etree._Element]) -> None:
    """Signatures only as the enveloped signature of the Response or of its assertion."""
    for signature in root.iter(SIGNATURE):
        if signature.getparent() not in signed:
            raise SamlResponseRejected("signature_out_of_place")


def _check_unique_ids(*roots: etree._Element) -> None:
    """No ``ID`` value twice, where the schema types it or not (``Extensions``, ``Object``)."""
    ids = [value for root in roots for value in root.xpath("//@ID")]
    if len(ids) != len(set(ids)):
        raise SamlResponseRejected("duplicate_id")


# -- the Response ----------------------------------------------------------------------

@dataclass(frozen=True)
class _ResponseFields:
    response_id: str
    in_response_to: str | None
    issuer: str | None

    @classmethod
    def of(cls, response: etree._Element, expected: Expected,
           now: dt.datetime) -> _ResponseFields:
        _require_version(response)
        skew = dt.timedelta(seconds=expected.accepted_time_diff)
        issued = _instant(response.get("IssueInstant"))
        if abs(now - issued) > ISSUE_INSTANT_WINDOW + skew:
            raise SamlResponseRejected("response_issue_instant_out_of_range")
        destination = response.get("Destination")
        if destination is not None and destination != expected.acs_url:
            raise SamlResponseRejected("wrong_destination")
        issuer = response.find(_A + "Issuer")
        return cls(response_id=response.get("ID", ""),
                   in_response_to=response.get("InResponseTo") or None,
                   issuer=text_of(issuer) if issuer is not None else None)


def _check_status(response: etree._Element) -> None:
    code = response.find(f"{_P}Status/{_P}StatusCode")
    value = code.get("Value", "") if code is not None else ""
    if value == STATUS_SUCCESS:
        return
    detail = code.find(_P + "StatusCode") if code is not None else None
    name = (detail.get("Value", "") if detail is not None else value).rsplit(":", 1)[-1]
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
    raise SamlResponseRejected(f"status_{snake}" if name in _STATUS_NAMES else "status_error")


# -- the assertion (read from its canonical, signed form) ------------------------------

def _require_version(element: etree._Element) -> None:
    if element.get("Version") != "2.0":
        raise SamlResponseRejected("unsupported_saml_version")


def _check_subject(assertion: etree._Element, acs_url: str, in_response_to: str | None,
                   now: dt.datetime, skew: dt.timedelta) -> list[dt.datetime]:
    """Every subject confirmation is a bearer one for this ACS, this request, this time."""
    confirmations = assertion.findall(f"{_A}Subject/{_A}SubjectConfirmation")
    if not confirmations:
        raise SamlResponseRejected("no_subject_confirmation")
    stamps = []
    for confirmation in confirmations:
        if confirmation.get("Method") != BEARER:
            raise SamlResponseRejected("subject_confirmation_not_bearer")
        data = confirmation.find(_A + "SubjectConfirmationData")
        if data is None or data.get("Recipient") != acs_url:
            raise SamlResponseRejected("wrong_recipient")
        if (data.get("InResponseTo") or None) != in_response_to:
            raise SamlResponseRejected("subject_in_response_to_mismatch")
        expiry = _check_window(data, now, skew, "subject_confirmation")
        if expiry is None:
            raise SamlResponseRejected("subject_confirmation_without_expiry")
        stamps.append(expiry)
    return stamps


def _check_conditions(assertion: etree._Element, sp_entity_id: str, now: dt.datetime,
                      skew: dt.timedelta) -> list[dt.datetime]:
    """Time bounds and an audience restriction naming us (required: Web SSO profile)."""
    conditions = assertion.find(_A + "Conditions")
    restrictions = [] if conditions is None else conditions.findall(_A + "AudienceRestriction")
    if conditions is None or not restrictions:
        raise SamlResponseRejected("audience_missing")
    if conditions.find(_A + "Condition") is not None:
        raise SamlResponseRejected("unknown_condition")
    for restriction in restrictions:
        if sp_entity_id not in [text_of(a) for a in restriction.findall(_A + "Audience")]:
            raise SamlResponseRejected("wrong_audience")
    expiry = _check_window(conditions, now, skew, "conditions")
    return [expiry] if expiry is not None else []


def _check_window(element: etree._Element, now: dt.datetime, skew: dt.timedelta,
                  what: str) -> dt.datetime | None:
    """Refuse unless NotBefore − skew ≤ now < NotOnOrAfter + skew; return NotOnOrAfter."""
    not_before, not_on_or_after = element.get("NotBefore"), element.get("NotOnOrAfter")
    start = _instant(not_before) if not_before else None
    end = _instant(not_on_or_after) if not_on_or_after else None
    if start is not None and end is not None and start >= end:
        raise SamlResponseRejected(f"{what}_window_empty")
    if start is not None and start > now + skew:
        raise SamlResponseRejected(f"{what}_not_yet_valid")
    if end is not None and now >= end + skew:
        raise SamlResponseRejected(f"{what}_expired")
    return end


def _authn_statement(assertion: etree._Element, now: dt.datetime,
                     skew: dt.timedelta) -> tuple[str | None, str | None]:
    statements = assertion.findall(_A + "AuthnStatement")
    if len(statements) != 1:
        raise SamlResponseRejected("not_exactly_one_authn_statement")
    statement = statements[0]
    session_end = statement.get("SessionNotOnOrAfter")
    if session_end and now >= _instant(session_end) + skew:
        raise SamlResponseRejected("authn_session_expired")
    context = statement.find(_A + "AuthnContext")
    reference = None
    if context is not None:
        reference = context.find(_A + "AuthnContextClassRef")
        if reference is None:
            reference = context.find(_A + "AuthnContextDeclRef")
    return text_of(reference) or None, statement.get("AuthnInstant")


def _attributes(assertion: etree._Element, name_of: NameOf) -> dict[str, list[str]]:
    """Name → values (text, stripped); several statements or same names are merged."""
    if assertion.find(f"{_A}AttributeStatement/{_A}EncryptedAttribute") is not None:
        raise SamlResponseRejected("encrypted_attribute_unsupported")
    values: dict[str, list[str]] = {}
    for attribute in assertion.iterfind(f"{_A}AttributeStatement/{_A}Attribute"):
        name = name_of(attribute.get("Name", ""), attribute.get("NameFormat"))
        if name is None:
            continue
        for value in attribute.findall(_A + "AttributeValue"):
            if len(value.findall("*")):
                raise SamlResponseRejected("attribute_value_not_text")
            values.setdefault(name, []).append(text_of(value))
        values.setdefault(name, [])
    return values


def _instant(value: str | None) -> dt.datetime:
    """An xs:dateTime of the message (UTC when it names no zone)."""
    try:
        moment = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise SamlResponseRejected("bad_timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
