"""Reading a GAR message as XML: one hardened parse, then the SAML schema.

The parser (libxml2 through lxml) never loads a DTD, never expands an entity, never
touches the network; a document that declares a DTD or keeps an entity reference, or
that carries an XInclude element, is refused. The schema check is the SAML 2.0 protocol
schema (with assertion, XML Signature and XML Encryption), as pysaml2 shipped it, run by
libxml2 from local files only.
"""

from __future__ import annotations

import base64
import binascii
import threading
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import saml2.data.schemas
from lxml import etree

from proxy.errors import SamlResponseRejected

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
_XINCLUDE = "{http://www.w3.org/2001/XInclude}"

# The schemas import XML Signature and XML Encryption from the W3C's site: local copies.
_SCHEMA_FILES = {
    "http://www.w3.org/TR/2002/REC-xmldsig-core-20020212/xmldsig-core-schema.xsd":
        "xmldsig-core-schema.xsd",
    "http://www.w3.org/TR/2002/REC-xmlenc-core-20021210/xenc-schema.xsd": "xenc-schema.xsd",
}
_local_parser = threading.local()


def _parser() -> etree.XMLParser:
    """One parser per thread (an lxml parser is not shared between threads)."""
    parser = getattr(_local_parser, "parser", None)
    if parser is None:
        parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                                 huge_tree=False, remove_comments=False, remove_pis=False)
        _local_parser.parser = parser
    return parser


def decode_message(saml_response: str) -> bytes:
    """The XML bytes of a ``SAMLResponse`` form value (base64, whitespace ignored)."""
    try:
        return base64.b64decode("".join(saml_response.split()), validate=True)
    except (binascii.Error, ValueError):
        raise SamlResponseRejected("not_base64") from None


def parse(xml: bytes) -> etree._Element:
    """The root element of ``xml``, or a refusal (DTD, entity, XInclude, not well-formed)."""
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError:
        raise SamlResponseRejected("unparsable_xml") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise SamlResponseRejected("dtd_forbidden")
    if next(root.iter(etree.Entity), None) is not None:
        raise SamlResponseRejected("dtd_forbidden")
    if next(root.iter(_XINCLUDE + "*"), None) is not None:
        raise SamlResponseRejected("xinclude_forbidden")
    return root


_BUNDLE = b"""<schema xmlns="http://www.w3.org/2001/XMLSchema">
  <import namespace="urn:oasis:names:tc:SAML:2.0:protocol"
          schemaLocation="saml-schema-protocol-2.0.xsd"/>
  <import namespace="http://www.w3.org/2009/xmlenc11#" schemaLocation="xenc-schema-11.xsd"/>
</schema>"""
"""The protocol schema (it imports assertion, XML Signature, XML Encryption) and XML
Encryption 1.1 (RSA-OAEP's ``MGF``), which pysaml2's validator also loaded."""


class _LocalSchemas(etree.Resolver):  # type: ignore[misc]  # lxml: no type information here
    """Resolves the schemas' imports to pysaml2's copies; refuses anything else."""

    def __init__(self, folder: Traversable) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, system_url: str, public_id: str | None, context: Any) -> Any:
        if system_url.endswith("XMLSchema.dtd"):  # named by the W3C's DOCTYPEs; not needed
            return self.resolve_string("", context)
        name = _SCHEMA_FILES.get(system_url, system_url.rsplit("/", 1)[-1])
        path = self.folder.joinpath(name)
        if not path.is_file():
            raise LookupError(f"SAML schema import not shipped with pysaml2: {system_url}")
        return self.resolve_filename(str(path), context)


@cache
def schema() -> etree.XMLSchema:
    """The SAML schema set, loaded once per process (about 60 ms)."""
    folder = files(saml2.data.schemas)
    parser = etree.XMLParser(load_dtd=True, no_network=True)  # the W3C's xsd use entities
    parser.resolvers.add(_LocalSchemas(folder))
    bundle = etree.fromstring(_BUNDLE, parser, base_url=str(folder.joinpath("bundle.xsd")))
    return etree.XMLSchema(bundle)


_schema_lock = threading.Lock()


def check_schema(element: etree._Element) -> None:
    """Refuse ``element`` (a Response, or a decrypted Assertion) if the SAML schema does."""
    validator = schema()
    with _schema_lock:  # an XMLSchema keeps its error log: one validation at a time
        valid = validator.validate(element)
    if not valid:
        raise SamlResponseRejected("schema_invalid")


def text_of(element: etree._Element | None) -> str:
    """The text of ``element`` without comments or processing instructions, stripped."""
    if element is None:
        return ""
    return "".join(element.itertext()).strip()
