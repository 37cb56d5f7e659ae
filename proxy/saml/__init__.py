"""The GAR's SAML responses, verified and read in process: no ``xmlsec1``, one parse.

- :mod:`proxy.saml.response`: :class:`~proxy.saml.response.ResponseReader`, every check a
  response goes through, in order, and what the login goes on with;
- :mod:`proxy.saml.signature`: enveloped XML signatures of the SAML profile;
- :mod:`proxy.saml.encryption`: ``EncryptedAssertion`` (RSA-OAEP, AES);
- :mod:`proxy.saml.algorithms`: the allow-lists;
- :mod:`proxy.saml.xml`: the hardened parse and the SAML schema;
- :mod:`proxy.saml.keys`: the IdP's keys from metadata, ours from the keyring's files;
- :mod:`proxy.saml.attributes`: attribute names as pysaml2's converters give them.

See docs/adr/0013-saml-in-process.md.
"""
