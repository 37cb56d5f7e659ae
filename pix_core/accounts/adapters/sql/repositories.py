"""SQL users and login methods (``database.unit_of_work`` holds them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from kernel.sql.base import as_utc
from pix_core.accounts.adapters.sql.tables import (
    AccountTokenRow,
    AuthenticationMethodRow,
    UserRow,
)
from pix_core.accounts.domain.tokens import AccountToken, TokenPurpose
from pix_core.accounts.domain.users import (
    AuthenticationMethod,
    IdentityProvider,
    SchoolClass,
    SchoolContext,
    SchoolGroup,
    SiecleClaims,
    User,
    normalize_email,
)
from pix_core.shared.adapters.sql.dates import maybe_utc

# Every GAR login looks its method up: the statement is built once
_METHOD_BY_IDENTIFIER = select(AuthenticationMethodRow).where(
    AuthenticationMethodRow.identity_provider == bindparam("provider"),
    AuthenticationMethodRow.external_identifier == bindparam("external_identifier"))
_METHOD_COLUMNS = ("user_id", "identity_provider", "external_identifier", "email",
                   "password_hash", "username", "must_change_password", "school_context",
                   "last_logged_at", "updated_at")
# ... and updates it: a Core statement on the table, built once (the ORM's bulk UPDATE,
# 7.5 % of pix_core's on-CPU samples, mostly went to synchronising the session's copies)
_METHODS: Table = AuthenticationMethodRow.__table__  # type: ignore[assignment]
_UPDATE_METHOD = update(_METHODS).where(_METHODS.c.id == bindparam("method_id")).values(
    {column: bindparam(f"new_{column}") for column in _METHOD_COLUMNS})


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: int) -> User | None:
        row = self._session.get(UserRow, user_id)
        return None if row is None else _user(row)

    def add(self, user: User) -> User:
        row = UserRow(
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )
        self._session.add(row)
        self._session.flush()
        return _user(row)

    def find_by_email(self, email: str) -> User | None:
        row = self._session.scalars(
            select(UserRow).where(UserRow.email == normalize_email(email))
        ).one_or_none()
        return None if row is None else _user(row)

    def update(self, user: User) -> None:
        row = self._session.get_one(UserRow, user.id)
        row.first_name, row.last_name = user.first_name, user.last_name
        row.email, row.updated_at = user.email, user.updated_at
        self._session.flush()

    def delete(self, user_id: int) -> None:
        self._session.execute(delete(UserRow).where(UserRow.id == user_id))
        self._session.flush()


class SqlAuthenticationMethodRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(
        self, provider: IdentityProvider, external_identifier: str
    ) -> AuthenticationMethod | None:
        row = self._session.scalars(_METHOD_BY_IDENTIFIER, {
            "provider": provider.value, "external_identifier": external_identifier,
        }).one_or_none()
        return None if row is None else _method(row)

    def find_pix_by_email(self, email: str) -> AuthenticationMethod | None:
        row = self._session.scalars(
            select(AuthenticationMethodRow)
            .where(
                AuthenticationMethodRow.identity_provider == IdentityProvider.PIX.value,
                AuthenticationMethodRow.email == normalize_email(email),
            )
            .order_by(AuthenticationMethodRow.id)
            .limit(1)
        ).one_or_none()
        return None if row is None else _method(row)

    def find_pix_by_username(self, username: str) -> AuthenticationMethod | None:
        row = self._session.scalars(
            select(AuthenticationMethodRow).where(
                AuthenticationMethodRow.identity_provider == IdentityProvider.PIX.value,
                AuthenticationMethodRow.username == username.strip().lower(),
            ).order_by(AuthenticationMethodRow.id).limit(1)
        ).one_or_none()
        return None if row is None else _method(row)

    def list_for_user(self, user_id: int) -> list[AuthenticationMethod]:
        rows = self._session.scalars(
            select(AuthenticationMethodRow)
            .where(AuthenticationMethodRow.user_id == user_id)
            .order_by(AuthenticationMethodRow.id)
        )
        return [_method(row) for row in rows]

    def add(self, method: AuthenticationMethod) -> AuthenticationMethod:
        row = AuthenticationMethodRow(user_id=method.user_id, created_at=method.created_at)
        _fill_method(row, method)
        self._session.add(row)
        self._session.flush()
        return _method(row)

    def update(self, method: AuthenticationMethod) -> None:
        """One ``UPDATE`` by id (the row read by ``find`` may be gone from the session's
        weak identity map by now: ``get`` would read it again first)."""
        values = {f"new_{column}": value for column, value in _method_columns(method).items()}
        done = self._session.execute(_UPDATE_METHOD, {"method_id": method.id, **values})
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise NoResultFound(f"no login method {method.id}")
        loaded = self._session.identity_map.get(
            self._session.identity_key(AuthenticationMethodRow, method.id))
        if loaded is not None:  # a Core UPDATE leaves the unit of work's copy as it was
            self._session.expire(loaded)


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )


def _fill_method(row: AuthenticationMethodRow, method: AuthenticationMethod) -> None:
    for column, value in _method_columns(method).items():
        setattr(row, column, value)


def _method_columns(method: AuthenticationMethod) -> dict[str, Any]:
    """The stored columns of ``method`` (``_METHOD_COLUMNS``, in that order)."""
    return {
        "user_id": method.user_id,  # a login method may move to another account (linking)
        "identity_provider": method.identity_provider.value,
        "external_identifier": method.external_identifier,
        "email": method.email,
        "password_hash": method.password_hash,
        "username": method.username,
        "must_change_password": method.must_change_password,
        "school_context": None if method.school is None else _school_to_json(method.school),
        "last_logged_at": method.last_logged_at,
        "updated_at": method.updated_at,
    }


def _method(row: AuthenticationMethodRow) -> AuthenticationMethod:
    return AuthenticationMethod(
        id=row.id,
        user_id=row.user_id,
        identity_provider=IdentityProvider(row.identity_provider),
        external_identifier=row.external_identifier,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        last_logged_at=maybe_utc(row.last_logged_at),
        school=None if row.school_context is None else _school_from_json(row.school_context),
        email=row.email,
        password_hash=row.password_hash,
        username=row.username,
        must_change_password=bool(row.must_change_password),
    )


class SqlAccountTokenRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, token: AccountToken) -> AccountToken:
        row = AccountTokenRow(token_hash=token.token_hash, purpose=token.purpose.value,
                              email=token.email, user_id=token.user_id, payload=token.payload,
                              created_at=token.created_at, expires_at=token.expires_at)
        self._session.add(row)
        self._session.flush()
        return _token(row)

    def find(self, token_hash: str) -> AccountToken | None:
        row = self._session.scalars(
            select(AccountTokenRow).where(AccountTokenRow.token_hash == token_hash)
        ).one_or_none()
        return None if row is None else _token(row)

    def update(self, token: AccountToken) -> None:
        row = self._session.get_one(AccountTokenRow, token.id)
        row.used_at = token.used_at
        row.payload = {} if token.used_at else token.payload  # no hash kept once used
        self._session.flush()


def _token(row: AccountTokenRow) -> AccountToken:
    return AccountToken(
        id=row.id, purpose=TokenPurpose(row.purpose), token_hash=row.token_hash,
        email=row.email, user_id=row.user_id, created_at=as_utc(row.created_at),
        expires_at=as_utc(row.expires_at), used_at=maybe_utc(row.used_at),
        payload=dict(row.payload or {}),
    )


def _school_to_json(school: SchoolContext) -> dict[str, Any]:
    return {
        "uai": list(school.uai),
        "profiles": list(school.profiles),
        "classes": [{"code": c.code, "label": c.label} for c in school.classes],
        "groups": [
            {"code": g.code, "label": g.label, "division": g.division} for g in school.groups
        ],
        "siecle": None if school.siecle is None else _siecle_to_json(school.siecle),
    }


def _siecle_to_json(siecle: SiecleClaims) -> dict[str, Any]:
    return {
        "match": siecle.match,
        "uai": siecle.uai,
        "ine": siecle.ine,
        "birthdate": None if siecle.birthdate is None else siecle.birthdate.isoformat(),
        "class_code": siecle.class_code,
    }


def _siecle_from_json(data: dict[str, Any] | None) -> SiecleClaims | None:
    if not data:
        return None
    birthdate = data.get("birthdate")
    return SiecleClaims(
        match=data["match"],
        uai=data.get("uai"),
        ine=data.get("ine"),
        birthdate=date.fromisoformat(birthdate) if birthdate else None,
        class_code=data.get("class_code"),
    )


def _school_from_json(data: dict[str, Any]) -> SchoolContext:
    return SchoolContext(
        uai=tuple(data.get("uai", ())),
        profiles=tuple(data.get("profiles", ())),
        classes=tuple(SchoolClass(c["code"], c["label"]) for c in data.get("classes", ())),
        groups=tuple(
            SchoolGroup(g["code"], g["label"], g["division"]) for g in data.get("groups", ())
        ),
        siecle=_siecle_from_json(data.get("siecle")),
    )
