"""SAML signature verification and decryption: the candidates, side by side, in one process.

    .venv/bin/python benchmarks/saml_crypto.py [--rounds 200] [--json]

What it compares, on genuine responses of the GAR simulator (a response and an assertion
signed with RSA-SHA256, and an assertion encrypted with AES-256-GCM under RSA-OAEP for
the proxy's key), each timed over ``--rounds`` runs, candidates alternated round by round
so that they share the machine's noise:

- **proxy/saml** (lxml + cryptography, what the proxy runs): ``verify_enveloped`` per
  signature, ``decrypt_assertion`` per decryption, and ``ResponseReader.read``, the whole
  ACS check (parse, schema, allow-lists, both signatures, profile checks, attributes);
- **signxml** (lxml + cryptography, used for the GAR metadata): ``XMLVerifier.verify``
  per signature, with the same pinned certificate and allow-list;
- **xmlsec1 processes** (what pysaml2 ran before): ``CryptoBackendXmlSec1`` per signature
  and per decryption (one ``xmlsec1`` process each, version probed once), and pysaml2's
  whole ``parse_authn_request_response`` (its schema objects, schema validation, two
  processes);
- **xmlsec** (the libxmlsec1 Python binding), only if it is installed (it is not a
  dependency: ``pip install xmlsec`` to include it).

Prints the median µs of each, and the ratio to the xmlsec1 process (or to pysaml2's
whole parse). Redis: a database nobody else uses (default db 13), never flushed.
Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cryptography import x509  # noqa: E402
from lxml import etree  # noqa: E402

SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
XENC = "{http://www.w3.org/2001/04/xmlenc#}"
RESPONSE_CLASS = "urn:oasis:names:tc:SAML:2.0:protocol:Response"
ASSERTION_CLASS = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"


def build(tmp: Path, redis_url: str) -> dict[str, Any]:
    """A development stack's proxy backend, the simulator's responses and the keys."""
    from gar_sim.idp import SimulatedGar
    from gar_sim.idp_config import idp_key_paths
    from gar_sim.settings import settings_from_env
    from gar_sim.users import get_user
    from pixgar.stack import stack_environment
    from proxy.app import create_app
    from proxy.saml.xmlsec1_version import probing_version_once
    from proxy.settings import ProxySettings

    env = stack_environment({"PIXGAR_DATA_DIR": str(tmp / "stack"), "REDIS_URL": redis_url})
    app = create_app(ProxySettings.from_env(env))
    backend = next(b for b in app.module_router.backends.values())["instance"]
    gar = SimulatedGar(settings_from_env(env))
    acs = f"{env['PROXY_BASE_URL']}/gar/acs/post"
    sp = f"{env['PROXY_BASE_URL']}/gar/metadata"

    def response(**overrides: Any) -> str:
        return gar.build_response(get_user("lea-lefevre"), sp_entity_id=sp, acs_url=acs,
                                  in_response_to=None, **overrides)

    pair = backend.sp.config.encryption_keypairs[0]
    return {
        "backend": backend,
        "crypto": probing_version_once(backend.sp.sec.crypto),
        "signed": response(sign_response=True),
        "encrypted": response(encrypt_assertion=True, sign_response=False),
        "idp_cert": idp_key_paths(gar.settings)[1],
        "sp_key": pair["key_file"],
    }


def candidates(world: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """Name → one run. Each run starts from the base64 or XML text, as the ACS would."""
    from signxml import SignatureConfiguration, XMLVerifier
    from signxml.algorithms import DigestAlgorithm, SignatureMethod

    from proxy.saml.algorithms import ACCEPTED_DIGEST_METHODS, ACCEPTED_SIGNATURE_METHODS
    from proxy.saml.encryption import decrypt_assertion
    from proxy.saml.signature import verify_enveloped
    from proxy.saml.xml import parse

    backend, crypto = world["backend"], world["crypto"]
    signed_xml = base64.b64decode(world["signed"])
    encrypted_xml = base64.b64decode(world["encrypted"])
    signed_text, encrypted_text = signed_xml.decode(), encrypted_xml.decode()
    cert_pem = Path(world["idp_cert"]).read_bytes()
    cert = x509.load_pem_x509_certificate(cert_pem)
    keys = [cert.public_key()]
    reader = backend.reader
    decryption = reader.decryption_keys
    root = parse(signed_xml)
    response_id = root.get("ID")
    assertion_id = root.find(f"{SAML}Assertion").get("ID")
    cert_file = str(world["idp_cert"])
    methods = dict(signature_methods=frozenset(SignatureMethod(m)
                                               for m in ACCEPTED_SIGNATURE_METHODS),
                   digest_algorithms=frozenset(DigestAlgorithm(m)
                                               for m in ACCEPTED_DIGEST_METHODS))
    at_response = SignatureConfiguration(location="./", **methods)
    at_assertion = SignatureConfiguration(location=f"./{SAML}Assertion/", **methods)
    from saml2 import BINDING_HTTP_POST

    runs: dict[str, Callable[[], Any]] = {
        "verify response signature: proxy/saml": lambda: verify_enveloped(
            parse(signed_xml), keys),
        "verify response signature: signxml": lambda: XMLVerifier().verify(
            signed_xml, x509_cert=cert, expect_config=at_response, id_attribute="ID"),
        "verify response signature: xmlsec1 process": lambda: crypto.validate_signature(
            signed_text, cert_file, "pem", RESPONSE_CLASS, response_id),
        "verify assertion signature: proxy/saml": lambda: verify_enveloped(
            parse(signed_xml).find(f"{SAML}Assertion"), keys),
        "verify assertion signature: signxml": lambda: XMLVerifier().verify(
            signed_xml, x509_cert=cert, expect_config=at_assertion, id_attribute="ID"),
        "verify assertion signature: xmlsec1 process": lambda: crypto.validate_signature(
            signed_text, cert_file, "pem", ASSERTION_CLASS, assertion_id),
        "decrypt assertion: proxy/saml": lambda: decrypt_assertion(
            parse(encrypted_xml).find(f"{SAML}EncryptedAssertion"), decryption),
        "decrypt assertion: xmlsec1 process": lambda: crypto.decrypt(
            encrypted_text, world["sp_key"]),
        "whole response check: proxy/saml": lambda: reader.read(world["signed"]),
        "whole response check: pysaml2 + xmlsec1": lambda: backend.sp.parse_authn_request_response(
            world["signed"], BINDING_HTTP_POST, outstanding={}),
        "whole encrypted response check: proxy/saml": lambda: reader.read(world["encrypted"]),
        "whole encrypted response check: pysaml2 + xmlsec1": lambda: (
            backend.sp.parse_authn_request_response(world["encrypted"], BINDING_HTTP_POST,
                                                    outstanding={})),
    }
    runs.update(_xmlsec_binding(signed_xml, encrypted_xml, world, response_id, assertion_id))
    return runs


def _xmlsec_binding(signed_xml: bytes, encrypted_xml: bytes, world: dict[str, Any],
                    response_id: str, assertion_id: str) -> dict[str, Callable[[], Any]]:
    """The libxmlsec1 binding's runs, if ``xmlsec`` is installed (not a dependency)."""
    try:
        import xmlsec  # type: ignore[import-not-found]
    except ImportError:
        return {}
    key = xmlsec.Key.from_file(str(world["idp_cert"]), xmlsec.constants.KeyDataFormatCertPem)
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_file(world["sp_key"], xmlsec.constants.KeyDataFormatPem))

    def verify(where: str) -> None:
        root = etree.fromstring(signed_xml)
        element = root if where == "response" else root.find(f"{SAML}Assertion")
        xmlsec.tree.add_ids(element, ["ID"])
        context = xmlsec.SignatureContext()
        context.key = key
        context.verify(element.find(f"{DS}Signature"))

    def decrypt() -> None:
        root = etree.fromstring(encrypted_xml)
        xmlsec.EncryptionContext(manager).decrypt(root.find(f".//{XENC}EncryptedData"))

    return {"verify response signature: xmlsec binding": lambda: verify("response"),
            "verify assertion signature: xmlsec binding": lambda: verify("assertion"),
            "decrypt assertion: xmlsec binding": decrypt}


def measure(runs: dict[str, Callable[[], Any]], rounds: int) -> dict[str, float]:
    """Median µs per run, candidates alternated round by round."""
    for run in runs.values():  # warm-up (schemas, caches, the version probe)
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1e6 for name, values in times.items()}


def report(medians: dict[str, float]) -> str:
    lines = [f"{'what: candidate':<58}{'median µs':>11}{'× faster than xmlsec1':>24}"]
    for name, micros in medians.items():
        what = name.split(": ")[0]
        base = next((m for n, m in medians.items() if n.startswith(what + ":")
                     and ("xmlsec1" in n)), None)
        ratio = f"{base / micros:>22.1f}×" if base else ""
        lines.append(f"{name:<58}{micros:>11.0f}{ratio}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--redis-url", default=os.environ.get(
        "REDIS_URL", "redis://127.0.0.1:6379/13"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from kernel.logging_setup import configure_logging

    configure_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="saml-crypto-") as tmp:
        medians = measure(candidates(build(Path(tmp), args.redis_url)), args.rounds)
    print(json.dumps({k: round(v) for k, v in medians.items()}, indent=2) if args.json
          else report(medians))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
