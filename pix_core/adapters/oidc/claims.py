"""Map the proxy's userinfo claims (see docs/contract.md) to a domain ``GarIdentity``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pix_core.domain.errors import AuthenticationFailed
from pix_core.domain.users import GarIdentity, SchoolClass, SchoolContext, SchoolGroup


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
        )
    except (KeyError, TypeError) as err:
        raise AuthenticationFailed("claims_malformed") from err
    return GarIdentity(
        sub=sub,
        first_name=_name(claims.get("given_name")),
        last_name=_name(claims.get("family_name")),
        school=school,
    )


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
