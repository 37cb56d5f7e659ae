"""A simulated GAR: a real SAML 2.0 identity provider on pysaml2 (development and tests only).

Endpoints (under the simulator's base URL):

- ``GET /idp/metadata``: IdP metadata (entityID = that URL, signing certificate), signed
  with the simulator's metadata-signing key, with a ``validUntil``
  (:func:`gar_sim.signed_metadata.published_idp_metadata`).
- ``GET /idp/sso``: SSO, HTTP-Redirect binding. The AuthnRequest must be signed (the
  redirect-binding signature is checked on the raw query string against the SP
  metadata's signing certificates), its ACS must be in the SP metadata, and its
  RelayState must carry the resource URL declared for that SP (the GAR's rule).
  The answer is an auto-POSTed ``SAMLResponse`` (HTTP-POST binding).
- ``GET /idp/unsolicited?sp=<entityID>&target=<RelayState>``: IdP-initiated SSO.
- ``GET /gar/acces/<resource_id>?user=<id>&mode=sp|unsolicited``: the GAR entry that
  the ENT links to; records the user in the simulator's session cookie.
- ``GET /gar/hors-demo/<resource_id>``: landing page of the decorative resources.
- ``GET /static/autopost.js``, ``/static/sim.css``.

Nothing here logs attribute values, names, IDO or SAML messages.
"""

from __future__ import annotations

import base64
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, class_name, saml
from saml2.s_utils import sid
from saml2.saml import NAMEID_FORMAT_ENTITY, NAMEID_FORMAT_TRANSIENT
from saml2.samlp import STATUS_SUCCESS, Status, StatusCode
from saml2.server import Server
from saml2.sigver import (
    RSA_OAEP_MGF1P,
    get_pem_wrapped_unwrapped,
    make_temp,
    pre_encryption_part,
    pre_signature_part,
)
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from gar_sim.idp_config import SsoRefused, idp_config, idp_key_paths, idp_metadata_xml
from gar_sim.settings import NAME_FORMATS, Resource, SimSettings
from gar_sim.signed_metadata import metadata_signing_key_paths, published_idp_metadata
from gar_sim.users import USERS, GarUser, get_user
from gar_sim.web import SECURITY_HEADERS, CookieSigner, render, static_response

logger = logging.getLogger(__name__)

SESSION_COOKIE = "gar_sim_session"
SESSION_MAX_AGE = 8 * 3600
MAX_QUERY_BYTES = 16 * 1024
# an authentication context class, not a password
PASSWORD_PROTECTED_TRANSPORT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"  # noqa: E501, S105
CONTENT_ENCRYPTION = "http://www.w3.org/2009/xmlenc11#aes256-gcm"  # assertions, when encrypted
KEY_TRANSPORT = RSA_OAEP_MGF1P
SESSION_KEY = "aes-256"  # xmlsec1's name for a fresh 256-bit AES content key

# Accepted redirect-binding signature algorithms (SHA-1 is refused).
REDIRECT_SIG_ALGS: dict[str, hashes.HashAlgorithm] = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256(),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384(),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512(),
}

AUTOPOST_JS = """\
// GAR simulator: submit the SAML HTTP-POST form as soon as the page is loaded.
(function () {
  "use strict";
  function submit() {
    var form = document.getElementById("saml-post");
    if (form && !form.dataset.submitted) {
      form.dataset.submitted = "1";
      form.submit();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", submit);
  } else {
    submit();
  }
})();
"""


@dataclass(frozen=True)
class SsoRequest:
    """A verified AuthnRequest: who asked, where to answer, and the RelayState."""

    sp_entity_id: str
    acs_url: str
    request_id: str
    relay_state: str
    resource: Resource


# --------------------------------------------------------------------------- helpers


def _instant(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _raw_query_params(query: str) -> dict[str, str]:
    """Parameters with their raw (still URL-encoded) values; repeated names are refused."""
    params: dict[str, str] = {}
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        key = unquote_plus(name)
        if key in params:
            raise SsoRefused(f"Paramètre répété dans la requête : {key}.")
        params[key] = value
    return params


def relay_state_matches(relay_state: str, resource_url: str) -> bool:
    """The GAR rule: RelayState carries the resource URL (equal, or it plus a path/query)."""
    if not relay_state or not resource_url:
        return False
    base = resource_url.rstrip("/")
    if relay_state.rstrip("/") == base:
        return True
    return any(relay_state.startswith(base + sep) for sep in ("/", "?", "#"))


def _verify_redirect_signature(
    raw: dict[str, str], certs_b64: list[str], accept_sha1: bool = False
) -> None:
    """Check the HTTP-Redirect binding signature (SAML bindings §3.4.4.1) on raw values."""
    if "Signature" not in raw or "SigAlg" not in raw:
        raise SsoRefused("Requête d'authentification refusée : elle n'est pas signée.")
    sig_alg = unquote_plus(raw["SigAlg"])
    digest = REDIRECT_SIG_ALGS.get(sig_alg)
    if accept_sha1 and sig_alg == "http://www.w3.org/2000/09/xmldsig#rsa-sha1":
        digest = hashes.SHA1()  # noqa: S303 - opt-in: shows that the proxy refuses SHA-1
    if digest is None:
        raise SsoRefused("Requête d'authentification refusée : algorithme de signature refusé.")
    signed = f"SAMLRequest={raw['SAMLRequest']}"
    if "RelayState" in raw:
        signed += f"&RelayState={raw['RelayState']}"
    signed += f"&SigAlg={raw['SigAlg']}"
    try:
        signature = base64.b64decode(unquote_plus(raw["Signature"]), validate=True)
    except ValueError as exc:
        raise SsoRefused("Requête d'authentification refusée : signature illisible.") from exc
    for cert_b64 in certs_b64:
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode("".join(cert_b64.split())))
        except ValueError:
            continue
        public_key = cert.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            continue
        try:
            public_key.verify(signature, signed.encode("ascii"), padding.PKCS1v15(), digest)
            return
        except InvalidSignature:
            continue
    raise SsoRefused("Requête d'authentification refusée : signature invalide.")


# --------------------------------------------------------------------------- the simulated GAR


class SimulatedGar:
    """The simulator's SAML side, usable without a browser (tests craft responses with it)."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._servers: dict[bool, tuple[tuple[float, ...], Server]] = {}

    # -- pysaml2 servers (rebuilt when the SP metadata file changes)

    def server(self, rogue: bool = False) -> Server:
        paths = self.settings.sp_metadata_paths
        stamp = tuple(p.stat().st_mtime if p.is_file() else -1.0 for p in paths)
        with self._lock:
            cached = self._servers.get(rogue)
            if cached and cached[0] == stamp:
                return cached[1]
            # Signature checks of AuthnRequests are done here on the raw query string
            # (pysaml2 re-encodes the parameters before checking), hence False.
            config = idp_config(
                self.settings,
                want_authn_requests_signed=False,
                with_sp_metadata=True,
                rogue=rogue,
            )
            server = GarSimServer(config=config)
            self._servers[rogue] = (stamp, server)
            return server

    def metadata_xml(self) -> str:
        return idp_metadata_xml(self.settings)

    # -- request checks

    def _acs_urls(self, sp_entity_id: str) -> list[dict[str, Any]]:
        try:
            found = self.server().metadata.assertion_consumer_service(
                sp_entity_id, BINDING_HTTP_POST
            )
        except KeyError:
            return []
        return list(found or [])

    def default_acs(self, sp_entity_id: str) -> str:
        acs = self._acs_urls(sp_entity_id)
        if not acs:
            raise SsoRefused("Fournisseur de service inconnu ou sans ACS HTTP-POST.")
        for endpoint in acs:
            if str(endpoint.get("is_default", "")).lower() == "true":
                return str(endpoint["location"])
        return str(acs[0]["location"])

    def parse_sso_request(self, query_string: str) -> SsoRequest:
        """Parse and check an HTTP-Redirect AuthnRequest query string; raise SsoRefused."""
        if len(query_string) > MAX_QUERY_BYTES:
            raise SsoRefused("Requête d'authentification trop longue.")
        raw = _raw_query_params(query_string)
        request = self._signed_request(raw)
        sp_entity_id = (request.issuer.text or "").strip()
        if request.protocol_binding and request.protocol_binding != BINDING_HTTP_POST:
            raise SsoRefused("Le GAR ne répond qu'en HTTP-POST.")
        acs_url = self._acs_of(request, sp_entity_id)
        resource = self.settings.resource_for_sp(sp_entity_id)
        if resource is None:
            raise SsoRefused("Aucune ressource n'est déclarée au GAR pour ce fournisseur.")
        relay_state = unquote_plus(raw["RelayState"]) if "RelayState" in raw else ""
        if not relay_state_matches(relay_state, resource.resource_url):
            logger.info("AuthnRequest refused: RelayState rule (resource %s)", resource.resource_id)
            raise SsoRefused(
                "Requête refusée par le GAR : le RelayState doit porter l'URL de la ressource "
                "déclarée."
            )
        return SsoRequest(
            sp_entity_id=sp_entity_id,
            acs_url=acs_url,
            request_id=str(request.id),
            relay_state=relay_state,
            resource=resource,
        )

    def _signed_request(self, raw: dict[str, str]) -> Any:
        """The AuthnRequest of a known SP, its redirect-binding signature checked."""
        if "SAMLRequest" not in raw:
            raise SsoRefused("Requête d'authentification absente (paramètre SAMLRequest).")
        server = self.server()
        try:
            parsed = server.parse_authn_request(
                unquote_plus(raw["SAMLRequest"]), BINDING_HTTP_REDIRECT
            )
        except Exception as exc:  # pysaml2 raises many exception types
            logger.info("AuthnRequest refused: unparsable (%s)", type(exc).__name__)
            raise SsoRefused("Requête d'authentification illisible.") from exc
        if parsed is None or parsed.message is None or parsed.message.issuer is None:
            raise SsoRefused("Requête d'authentification illisible.")
        request = parsed.message
        sp_entity_id = (request.issuer.text or "").strip()
        try:
            certs = [cert for _name, cert in server.metadata.certs(sp_entity_id, "any", "signing")]
        except KeyError:
            certs = []
        if not certs and not self._acs_urls(sp_entity_id):
            raise SsoRefused("Fournisseur de service inconnu du simulateur GAR.")
        _verify_redirect_signature(raw, certs, self.settings.accept_sha1_request_signatures)
        return request

    def _acs_of(self, request: Any, sp_entity_id: str) -> str:
        """Where to answer: the request's ACS URL or index, if the SP's metadata has it."""
        acs_list = self._acs_urls(sp_entity_id)
        known = [str(a["location"]) for a in acs_list]
        if request.assertion_consumer_service_url:
            if request.assertion_consumer_service_url not in known:
                raise SsoRefused("Adresse de retour (ACS) absente des métadonnées du SP.")
            return str(request.assertion_consumer_service_url)
        if request.assertion_consumer_service_index is not None:
            by_index = {str(a.get("index")): str(a["location"]) for a in acs_list}
            if str(request.assertion_consumer_service_index) not in by_index:
                raise SsoRefused("Index d'ACS absent des métadonnées du SP.")
            return by_index[str(request.assertion_consumer_service_index)]
        return self.default_acs(sp_entity_id)

    # -- responses

    def sso_response(
        self, user_id: str, authn_request_query_string: str, **overrides: Any
    ) -> tuple[str, str, str]:
        """Answer an AuthnRequest (its redirect query string) for ``user_id``.

        Returns ``(acs_url, saml_response_b64, relay_state)``. ``overrides`` as in
        :meth:`build_response`.
        """
        request = self.parse_sso_request(authn_request_query_string.lstrip("?"))
        user = self._user(user_id)
        acs_url = overrides.pop("acs_url", request.acs_url)
        response = self.build_response(
            user,
            sp_entity_id=request.sp_entity_id,
            acs_url=acs_url,
            in_response_to=request.request_id,
            **overrides,
        )
        logger.info("SSO response issued (resource %s)", request.resource.resource_id)
        return acs_url, response, request.relay_state

    def unsolicited_response(
        self, user_id: str, sp_entity_id: str, relay_state: str, **overrides: Any
    ) -> tuple[str, str, str]:
        """An IdP-initiated response (no InResponseTo). Returns like :meth:`sso_response`."""
        user = self._user(user_id)
        acs_url = overrides.pop("acs_url", None) or self.default_acs(sp_entity_id)
        response = self.build_response(
            user, sp_entity_id=sp_entity_id, acs_url=acs_url, in_response_to=None, **overrides
        )
        logger.info("Unsolicited response issued")
        return acs_url, response, relay_state

    @staticmethod
    def _user(user_id: str) -> GarUser:
        user = get_user(user_id)
        if user is None:
            raise SsoRefused("Utilisateur de test inconnu.")
        return user

    def build_response(
        self,
        user: GarUser,
        *,
        sp_entity_id: str,
        acs_url: str,
        in_response_to: str | None,
        audience: str | None = None,
        recipient: str | None = None,
        destination: str | None = None,
        issuer: str | None = None,
        lifetime: int | None = None,
        time_shift: int = 0,
        sign_assertion: bool = True,
        sign_response: bool | None = None,
        encrypt_assertion: bool | None = None,
        untrusted_signer: bool = False,
        attributes: dict[str, list[str]] | None = None,
        extra_attributes: dict[str, list[str]] | None = None,
        name_format: str | None = None,
        subject_in_response_to: str | None = None,
        assertion_id: str | None = None,
        status: str = STATUS_SUCCESS,
    ) -> str:
        """Build a SAML Response for ``user``; return it base64-encoded (HTTP-POST form value).

        Overrides are for negative tests and still give real signed XML:
        ``audience``, ``recipient`` (SubjectConfirmationData), ``destination``,
        ``issuer`` (of response and assertion), ``lifetime`` (seconds of validity,
        default the setting), ``time_shift`` (seconds added to every timestamp; e.g.
        ``-3600`` gives an expired response), ``sign_assertion``, ``sign_response``,
        ``encrypt_assertion``, ``untrusted_signer`` (sign with a key no metadata
        knows), ``attributes`` (replace) / ``extra_attributes`` (add or replace some),
        ``name_format`` (``uri``, ``basic`` or a full URI), ``subject_in_response_to``,
        ``assertion_id``, ``status`` (a non-success status URI gives no assertion).
        """
        server = self.server(rogue=untrusted_signer)
        settings = self.settings
        now = time.time() + time_shift
        validity = settings.assertion_lifetime_seconds if lifetime is None else lifetime
        issuer_id = issuer or settings.idp_entity_id
        fmt = NAME_FORMATS.get(name_format or settings.attribute_name_format, name_format)

        values = dict(user.attributes() if attributes is None else attributes)
        if extra_attributes:
            values.update(extra_attributes)

        attribute_statement = saml.AttributeStatement(
            attribute=[
                saml.Attribute(
                    name=name,
                    name_format=fmt,
                    attribute_value=[saml.AttributeValue(text=str(v)) for v in vals],
                )
                for name, vals in values.items()
            ]
        )
        irt = in_response_to if subject_in_response_to is None else subject_in_response_to
        confirmation_data = saml.SubjectConfirmationData(
            recipient=recipient or acs_url,
            not_on_or_after=_instant(now + validity),
            in_response_to=irt or None,
        )
        assertion = saml.Assertion(
            id=assertion_id or sid(),
            version="2.0",
            issue_instant=_instant(now),
            issuer=saml.Issuer(text=issuer_id, format=NAMEID_FORMAT_ENTITY),
            subject=saml.Subject(
                name_id=saml.NameID(
                    format=NAMEID_FORMAT_TRANSIENT,
                    name_qualifier=issuer_id,
                    sp_name_qualifier=sp_entity_id,
                    text="_" + secrets.token_hex(20),
                ),
                subject_confirmation=[
                    saml.SubjectConfirmation(
                        method=saml.SCM_BEARER,
                        subject_confirmation_data=confirmation_data,
                    )
                ],
            ),
            conditions=saml.Conditions(
                not_before=_instant(now),
                not_on_or_after=_instant(now + validity),
                audience_restriction=[
                    saml.AudienceRestriction(
                        audience=[saml.Audience(text=audience or sp_entity_id)]
                    )
                ],
            ),
            authn_statement=[
                saml.AuthnStatement(
                    authn_instant=_instant(now),
                    session_index=sid(),
                    session_not_on_or_after=_instant(now + 8 * 3600),
                    authn_context=saml.AuthnContext(
                        authn_context_class_ref=saml.AuthnContextClassRef(
                            text=PASSWORD_PROTECTED_TRANSPORT
                        )
                    ),
                )
            ],
            attribute_statement=[attribute_statement],
        )

        do_sign_response = settings.sign_response if sign_response is None else sign_response
        do_encrypt = settings.encrypt_assertion if encrypt_assertion is None else encrypt_assertion
        if do_encrypt and not server.has_encrypt_cert_in_metadata(sp_entity_id):
            logger.warning("Encryption asked but the SP metadata has no key: not encrypted")
            do_encrypt = False

        to_sign: list[tuple[str, str]] = []
        if sign_assertion and not do_encrypt:
            assertion.signature = pre_signature_part(
                assertion.id,
                server.sec.my_cert,
                2,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
            )
            to_sign.append((class_name(assertion), assertion.id))

        kwargs: dict[str, Any] = {}
        if status == STATUS_SUCCESS:
            kwargs["assertion"] = assertion
            status_obj = None
        else:
            status_obj = Status(status_code=StatusCode(value=status))
        response = server._response(  # pysaml2's own response builder (signing, encryption)
            in_response_to,
            consumer_url=destination or acs_url,
            status=status_obj,
            issuer=saml.Issuer(text=issuer_id, format=NAMEID_FORMAT_ENTITY),
            sign=do_sign_response,
            to_sign=to_sign,
            sp_entity_id=sp_entity_id,
            encrypt_assertion=do_encrypt,
            encrypt_assertion_self_contained=True,
            sign_assertion=sign_assertion,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            **kwargs,
        )
        xml = response if isinstance(response, str) else response.to_string().decode("utf-8")
        if isinstance(xml, bytes):
            xml = xml.decode("utf-8")
        return base64.b64encode(xml.encode("utf-8")).decode("ascii")


class GarSimServer(Server):
    """pysaml2's IdP, encrypting assertions with AES-256-GCM under an RSA-OAEP key.

    pysaml2's own choice, 3DES-CBC, is refused by the proxy (proxy/saml/algorithms.py), as
    AES-CBC and RSA PKCS#1 v1.5 key transport are.
    """

    def _encrypt_assertion(self, encrypt_cert, sp_entity_id, response, node_xpath=None):
        certs = ([(None, encrypt_cert)] if encrypt_cert
                 else self.metadata.certs(sp_entity_id, "any", "encryption"))
        failure: Exception | None = None
        for name, cert in certs:  # the first certificate that works, as pysaml2 does
            wrapped, unwrapped = get_pem_wrapped_unwrapped(cert)
            pem = make_temp(wrapped.encode("ascii"), decode=False,
                            delete_tmpfiles=self.config.delete_tmpfiles)
            template = pre_encryption_part(msg_enc=CONTENT_ENCRYPTION, key_enc=KEY_TRANSPORT,
                                           key_name=name, encrypt_cert=unwrapped)
            try:
                return self.sec.encrypt_assertion(response, pem.name, template,
                                                  key_type=SESSION_KEY, node_xpath=node_xpath)
            except Exception as error:  # pysaml2 raises EncryptError and others
                failure = error
        if failure is not None:
            raise failure
        return response


# --------------------------------------------------------------------------- WSGI app


class GarSimApp:
    """The simulator's WSGI application."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.gar = SimulatedGar(settings)
        self.signer = CookieSigner(settings.data_dir / "gar_sim" / "session-secret")
        prefix = urlsplit(settings.base_url).path.rstrip("/")
        self.prefix = prefix
        self.url_map = Map(
            [
                Rule(f"{prefix}/", endpoint="home"),
                Rule(f"{prefix}/idp/metadata", endpoint="metadata"),
                Rule(f"{prefix}/idp/sso", endpoint="sso"),
                Rule(f"{prefix}/idp/unsolicited", endpoint="unsolicited"),
                Rule(f"{prefix}/gar/acces/<resource_id>", endpoint="entry"),
                Rule(f"{prefix}/gar/session", endpoint="session", methods=["POST"]),
                Rule(f"{prefix}/gar/deconnexion", endpoint="logout"),
                Rule(f"{prefix}/gar/hors-demo/<resource_id>", endpoint="decorative"),
                Rule(f"{prefix}/static/autopost.js", endpoint="autopost_js"),
                Rule(f"{prefix}/static/<name>", endpoint="static"),
            ]
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        return self.dispatch(request)(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
            return getattr(self, f"on_{endpoint}")(request, **values)
        except SsoRefused as exc:
            return self._error(exc.message, exc.status)
        except NotFound:
            return self._error("Page introuvable.", 404)
        except HTTPException as exc:
            return exc  # type: ignore[return-value]

    # -- pages

    def _error(self, message: str, status: int) -> Response:
        return render("gar_error.html", status=status, message=message, base=self.settings.base_url)

    def _session_user(self, request: Request) -> GarUser | None:
        user_id = self.signer.loads(request.cookies.get(SESSION_COOKIE))
        return get_user(user_id) if user_id else None

    def _set_session(self, response: Response, user: GarUser) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            self.signer.dumps(user.user_id),
            max_age=SESSION_MAX_AGE,
            path=self.prefix or "/",
            secure=self.settings.secure_cookies,
            httponly=True,
            samesite="Lax",
        )

    def _autopost(self, acs_url: str, saml_response: str, relay_state: str) -> Response:
        return render(
            "gar_autopost.html",
            base=self.settings.base_url,
            acs_url=acs_url,
            saml_response=saml_response,
            relay_state=relay_state,
        )

    def _picker(self, next_url: str) -> Response:
        return render(
            "gar_picker.html",
            base=self.settings.base_url,
            users=USERS,
            next_url=next_url,
        )

    def on_home(self, request: Request) -> Response:
        return render(
            "gar_home.html",
            base=self.settings.base_url,
            resources=self.settings.resources,
            users=USERS,
            current=self._session_user(request),
        )

    def on_metadata(self, request: Request) -> Response:
        return Response(published_idp_metadata(self.settings),
                        content_type="application/samlmetadata+xml; charset=utf-8")

    def on_autopost_js(self, request: Request) -> Response:
        response = Response(AUTOPOST_JS, content_type="text/javascript; charset=utf-8")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def on_static(self, request: Request, name: str) -> Response:
        return static_response(name)

    def on_sso(self, request: Request) -> Response:
        query = request.query_string.decode("latin-1")
        self.gar.parse_sso_request(query)  # refuses before showing anything
        user = self._session_user(request)
        if user is None:
            return self._picker(f"{self.prefix}/idp/sso?{query}")
        acs_url, saml_response, relay_state = self.gar.sso_response(user.user_id, query)
        return self._autopost(acs_url, saml_response, relay_state)

    def on_unsolicited(self, request: Request) -> Response:
        sp_entity_id = request.args.get("sp", "")
        target = request.args.get("target", "")
        resource = self.settings.resource_for_sp(sp_entity_id)
        if resource is None:
            raise SsoRefused("Aucune ressource n'est déclarée au GAR pour ce fournisseur.")
        if not relay_state_matches(target, resource.resource_url):
            raise SsoRefused("La cible (RelayState) ne porte pas l'URL de la ressource déclarée.")
        user = self._session_user(request)
        if user is None:
            return self._picker(f"{self.prefix}/idp/unsolicited?{request.query_string.decode()}")
        acs_url, saml_response, relay_state = self.gar.unsolicited_response(
            user.user_id, sp_entity_id, target
        )
        return self._autopost(acs_url, saml_response, relay_state)

    def on_entry(self, request: Request, resource_id: str) -> Response:
        resource = self.settings.resource(resource_id)
        if resource is None:
            raise SsoRefused("Ressource inconnue du GAR.", status=404)
        user = get_user(request.args.get("user", ""))
        if user is None:
            user = self._session_user(request)
        if user is None:
            mode = request.args.get("mode", "sp")
            return render(
                "gar_entry_picker.html",
                base=self.settings.base_url,
                users=USERS,
                resource=resource,
                mode=mode if mode in ("sp", "unsolicited") else "sp",
            )
        mode = request.args.get("mode", "sp")
        if mode not in ("sp", "unsolicited"):
            raise SsoRefused("Mode d'accès inconnu (sp ou unsolicited).")
        if mode == "unsolicited" and resource.sp_entity_id:
            query = urlencode({"sp": resource.sp_entity_id, "target": resource.resource_url})
            location = f"{self.settings.base_url}/idp/unsolicited?{query}"
        else:
            location = resource.login_url
        response = redirect(location, code=302)
        response.headers.update({"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
        self._set_session(response, user)
        logger.info("GAR entry: resource %s, mode %s", resource.resource_id, mode)
        return response

    def on_session(self, request: Request) -> Response:
        user = get_user(request.form.get("user", ""))
        next_url = request.form.get("next", "")
        allowed = (f"{self.prefix}/idp/sso?", f"{self.prefix}/idp/unsolicited?")
        if user is None or not next_url.startswith(allowed) or "//" in next_url.split("?")[0]:
            raise SsoRefused("Choix de l'utilisateur invalide.")
        response = redirect(next_url, code=303)
        response.headers.update(SECURITY_HEADERS)
        self._set_session(response, user)
        return response

    def on_logout(self, request: Request) -> Response:
        response = render(
            "gar_error.html",
            message="Session du simulateur GAR fermée.",
            base=self.settings.base_url,
        )
        response.delete_cookie(
            SESSION_COOKIE,
            path=self.prefix or "/",
            secure=self.settings.secure_cookies,
            httponly=True,
            samesite="Lax",
        )
        return response

    def on_decorative(self, request: Request, resource_id: str) -> Response:
        resource = self.settings.resource(resource_id)
        if resource is None:
            raise SsoRefused("Ressource inconnue du GAR.", status=404)
        return render("gar_decorative.html", base=self.settings.base_url, resource=resource)


def create_idp_app(settings: SimSettings) -> GarSimApp:
    """The GAR simulator as a WSGI application (development and tests only)."""
    # Generate the signing keys and certificates now rather than on the first request.
    idp_key_paths(settings)
    metadata_signing_key_paths(settings)
    return GarSimApp(settings)
