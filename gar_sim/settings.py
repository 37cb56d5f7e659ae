"""Settings and the resource registry of the GAR simulator (development and tests only).

Nothing here is read by production configuration: the simulator only runs when a
developer, the demo or a test creates it explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kernel.devkeys import default_data_dir

NameFormat = Literal["uri", "basic"]

NAME_FORMATS: dict[str, str] = {
    "uri": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
    "basic": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
}

DEFAULT_PROXY_BASE_URL = "https://localhost:8443"
DEFAULT_PIX_BASE_URL = "https://localhost:8444"
DEFAULT_GAR_SIM_BASE_URL = "https://localhost:9443"
DEFAULT_ENT_BASE_URL = "https://localhost:9444"


@dataclass(frozen=True)
class Resource:
    """A resource as declared to the GAR.

    ``sp_entity_id`` is None for decorative resources (no SAML service provider);
    ``resource_url`` is the URL of the resource's description notice, which the GAR
    requires in the RelayState of every AuthnRequest from that SP.
    """

    resource_id: str
    name: str
    publisher: str
    sp_entity_id: str | None
    login_url: str
    resource_url: str
    description: str = ""
    category: str = ""
    levels: str = ""

    @property
    def is_decorative(self) -> bool:
        return self.sp_entity_id is None


def _strip(url: str) -> str:
    return url.rstrip("/")


def default_resources(
    gar_sim_base_url: str = DEFAULT_GAR_SIM_BASE_URL,
    proxy_base_url: str = DEFAULT_PROXY_BASE_URL,
    pix_base_url: str = DEFAULT_PIX_BASE_URL,
    pix_resource_url: str | None = None,
) -> tuple[Resource, ...]:
    """The registry: Pix (through the proxy) and three decorative resources from the slides."""
    sim = _strip(gar_sim_base_url)
    pix = _strip(pix_base_url)

    def decorative(rid: str, name: str, publisher: str, description: str) -> Resource:
        return Resource(
            resource_id=rid,
            name=name,
            publisher=publisher,
            sp_entity_id=None,
            login_url=f"{sim}/gar/hors-demo/{rid}",
            resource_url=f"{sim}/gar/hors-demo/{rid}",
            description=description,
            category="Site de référence",
            levels="Collège, Lycée",
        )

    return (
        decorative(
            "retronews-bnf",
            "Offre Éduthèque de RetroNews – BnF",
            "BnF-Partenariats",
            "Archives de presse de la Bibliothèque nationale de France.",
        ),
        decorative(
            "edutheque-arte",
            "Offre Éduthèque d'ARTE",
            "ARTE France",
            "Programmes d'ARTE pour la classe.",
        ),
        decorative(
            "educarte",
            "Educ'ARTE",
            "ARTE France Développement",
            "Vidéos et outils pédagogiques d'ARTE.",
        ),
        Resource(
            resource_id="pix",
            name="Pix",
            publisher="GIP PIX",
            sp_entity_id=f"{_strip(proxy_base_url)}/gar/metadata",
            login_url=f"{pix}/connexion/gar",
            resource_url=pix_resource_url or pix_base_url,
            description="Évaluer, développer et certifier ses compétences numériques.",
            category="Outil de positionnement",
            levels="Collège, Lycée",
        ),
    )


@dataclass(frozen=True)
class SimSettings:
    """Settings of the GAR simulator and of the simulated ENT.

    - ``base_url``: the simulator's public base URL (``GAR_SIM_BASE_URL``); the IdP
      entityID is ``{base_url}/idp/metadata``.
    - ``data_dir``: where the simulator's signing key, certificate and cookie secrets
      are generated on first run (never committed).
    - ``sp_metadata_path``: file(s) holding the SAML SP metadata (the proxy writes its own
      before the simulator starts); read on first SAML request.
    - ``resources``: the resource registry (see :func:`default_resources`).
    - ``sign_response``: sign the Response as well (the assertion is always signed).
    - ``encrypt_assertion``: encrypt the assertion when the SP metadata has a key for it.
    - ``attribute_name_format``: ``uri`` or ``basic``.
    - ``ent_base_url``: the simulated ENT's base URL (``ENT_BASE_URL``).
    - ``assertion_lifetime_seconds``: validity of assertions (Conditions, bearer data).
    - ``accept_sha1_request_signatures``: accept rsa-sha1 on AuthnRequests (pysaml2's
      default signing algorithm); refused by default.
    """

    base_url: str = DEFAULT_GAR_SIM_BASE_URL
    data_dir: Path = Path("var")
    sp_metadata_path: Path | tuple[Path, ...] = Path("var/proxy-sp-metadata.xml")
    resources: tuple[Resource, ...] = ()
    sign_response: bool = True
    encrypt_assertion: bool = False
    attribute_name_format: NameFormat = "uri"
    ent_base_url: str = DEFAULT_ENT_BASE_URL
    assertion_lifetime_seconds: int = 300
    xmlsec_binary: str | None = None
    accept_sha1_request_signatures: bool = False

    def __post_init__(self) -> None:
        if self.attribute_name_format not in NAME_FORMATS:
            raise ValueError("attribute_name_format must be 'uri' or 'basic'")
        object.__setattr__(self, "base_url", _strip(self.base_url))
        object.__setattr__(self, "ent_base_url", _strip(self.ent_base_url))
        if not self.resources:
            object.__setattr__(self, "resources", default_resources(self.base_url))

    @property
    def idp_entity_id(self) -> str:
        return f"{self.base_url}/idp/metadata"

    @property
    def sp_metadata_paths(self) -> tuple[Path, ...]:
        if isinstance(self.sp_metadata_path, tuple):
            return self.sp_metadata_path
        return (self.sp_metadata_path,)

    @property
    def name_format_uri(self) -> str:
        return NAME_FORMATS[self.attribute_name_format]

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def resource(self, resource_id: str) -> Resource | None:
        return next((r for r in self.resources if r.resource_id == resource_id), None)

    def resource_for_sp(self, sp_entity_id: str) -> Resource | None:
        return next((r for r in self.resources if r.sp_entity_id == sp_entity_id), None)


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def settings_from_env(environ: Mapping[str, str] | None = None) -> SimSettings:
    """Settings from the environment (the demo's variables; see docs/contract.md).

    ``GAR_SIM_BASE_URL``, ``ENT_BASE_URL``, ``PROXY_BASE_URL``, ``PIX_BASE_URL``,
    ``GAR_SIM_PIX_RESOURCE_URL`` (default ``PIX_BASE_URL``), ``GAR_SIM_SP_METADATA``
    (default ``{data dir}/proxy-sp-metadata.xml``; several paths separated by
    ``os.pathsep``), ``GAR_SIM_SIGN_RESPONSE`` (default true), ``GAR_SIM_ENCRYPT_ASSERTION``
    (default false), ``GAR_SIM_ATTRIBUTE_NAME_FORMAT`` (``uri`` or ``basic``),
    ``PIXGAR_DATA_DIR``.
    """
    env = os.environ if environ is None else environ
    data_dir = (
        Path(env["PIXGAR_DATA_DIR"]).resolve()
        if env.get("PIXGAR_DATA_DIR")
        else (default_data_dir())
    )
    base_url = env.get("GAR_SIM_BASE_URL", DEFAULT_GAR_SIM_BASE_URL)
    pix_base_url = env.get("PIX_BASE_URL", DEFAULT_PIX_BASE_URL)
    sp_md = env.get("GAR_SIM_SP_METADATA")
    sp_paths = (
        tuple(Path(p) for p in sp_md.split(os.pathsep) if p)
        if sp_md
        else (data_dir / "proxy-sp-metadata.xml",)
    )
    name_format = env.get("GAR_SIM_ATTRIBUTE_NAME_FORMAT", "uri")
    if name_format not in NAME_FORMATS:
        raise ValueError("GAR_SIM_ATTRIBUTE_NAME_FORMAT must be 'uri' or 'basic'")
    return SimSettings(
        base_url=base_url,
        data_dir=data_dir,
        sp_metadata_path=sp_paths if len(sp_paths) > 1 else sp_paths[0],
        resources=default_resources(
            gar_sim_base_url=base_url,
            proxy_base_url=env.get("PROXY_BASE_URL", DEFAULT_PROXY_BASE_URL),
            pix_base_url=pix_base_url,
            pix_resource_url=env.get("GAR_SIM_PIX_RESOURCE_URL") or pix_base_url,
        ),
        sign_response=_flag(env.get("GAR_SIM_SIGN_RESPONSE"), True),
        encrypt_assertion=_flag(env.get("GAR_SIM_ENCRYPT_ASSERTION"), False),
        attribute_name_format=name_format,  # type: ignore[arg-type]
        ent_base_url=env.get("ENT_BASE_URL", DEFAULT_ENT_BASE_URL),
    )
