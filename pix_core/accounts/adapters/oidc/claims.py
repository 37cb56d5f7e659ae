"""Map the proxy's userinfo claims (see docs/contract.md) to a domain ``GarIdentity``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pix_core.accounts.domain.errors import AuthenticationFailed
from pix_core.accounts.domain.users import (
    SIECLE_MATCH_VALUES,
    GarIdentity,
    SchoolClass,
    SchoolContext,
    SchoolGroup,
    SiecleClaims,
)


def identity_from_claims(claims: Mapping[str, Any]) -> GarIdentity:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise AuthenticationFailed("claims_sub_missing")
    try:
        school = SchoolContext(
            uai=_strings(claims.get("gar_uai")),
            profiles=_strings(claims.get("gar_profiles")),
            classes=tuple(
                SchoolClass(str(c["code"]), str(c["label"])) for c in _list(claims, "gar_classes")
            ),
            groups=tuple(
                SchoolGroup(str(g["code"]), str(g["label"]), str(g.get("division", "")))
                for g in _list(claims, "gar_groups")
            ),
            siecle=siecle_from_claims(claims),
        )
    except (KeyError, TypeError) as err:
        raise AuthenticationFailed("claims_malformed") from err
    return GarIdentity(
        sub=sub,
        first_name=_name(claims.get("given_name")),
        last_name=_name(claims.get("family_name")),
        school=school,
    )


def siecle_from_claims(claims: Mapping[str, Any]) -> SiecleClaims | None:
    """The proxy's roster match (``siecle_*`` and ``birthdate`` claims); all optional.

    Older proxies and staff logins send none: ``None``. An unknown ``siecle_match`` is
    ignored rather than failing the login; ``siecle_ine``, ``birthdate`` and
    ``siecle_class`` are kept only with ``matched``.
    """
    match = claims.get("siecle_match")
    if not isinstance(match, str) or match not in SIECLE_MATCH_VALUES:
        return None
    uai = _optional_string(claims.get("siecle_uai"))
    if match != "matched":
        return SiecleClaims(match=match, uai=uai)
    return SiecleClaims(
        match=match,
        uai=uai,
        ine=_optional_string(claims.get("siecle_ine")),
        birthdate=_optional_date(claims.get("birthdate")),
        class_code=_optional_string(claims.get("siecle_class")),
    )


def _optional_string(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _optional_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _name(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise TypeError("expected a list of strings")
    return tuple(str(item) for item in value)


def _list(claims: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = claims.get(name) or []
    if not isinstance(value, list):
        raise TypeError(f"{name} is not a list")
    return value
