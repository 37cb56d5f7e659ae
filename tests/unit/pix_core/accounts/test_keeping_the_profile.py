"""Use cases of life after the GAR, on in-memory repositories: the roster's INE tie, linking
a GAR login to an account by its password, rehash on login, one-time passwords."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace

import pytest

from pix_core.accounts.domain import passwords
from pix_core.accounts.domain.errors import AccountHasActivity, LoginFailed
from pix_core.accounts.domain.users import (
    AuthenticationMethod,
    GarIdentity,
    SchoolContext,
    SiecleClaims,
    User,
)
from pix_core.accounts.usecases.link_gar_account import link_gar_account
from pix_core.accounts.usecases.log_in_with_password import log_in_with_password
from pix_core.accounts.usecases.login_with_gar import login_with_gar
from tests.unit.pix_core.accounts.fakes import NOW
from tests.unit.pix_core.orga.fakes import OrgaMethods, OrgaUsers

INE = "070801239FG"


class Users(OrgaUsers):
    def delete(self, user_id):
        del self.rows[user_id]


class Methods(OrgaMethods):
    def find_pix_by_username(self, username):
        return next((m for m in self.rows.values() if m.username == username), None)


class Ties:
    def __init__(self, by_ine):
        self.by_ine = by_ine

    def users_tied_to_ine(self, ine):
        return set(self.by_ine.get(ine, ()))


class Activity:
    def __init__(self, busy=()):
        self.busy = set(busy)

    def has_activity(self, user_id):
        return user_id in self.busy


def matched(sub: str, ine: str = INE) -> GarIdentity:
    school = SchoolContext(uai=("0999999Z",), profiles=("National_elv",),
                           siecle=SiecleClaims("matched", "0999999Z", ine))
    return GarIdentity(sub, "Noé", "Garçon", school)


def email_account(users, methods, email="noe@exemple.fr", password="Mon-mot-2-passe"):
    user = users.add(User.new("Noé", "Garçon", NOW, email))
    methods.add(AuthenticationMethod.for_pix(user.id, email, passwords.hash_password(password),
                                             NOW))
    return user


def test_a_new_school_s_gar_login_reaches_the_account_the_roster_ties_by_ine(clock):
    users, methods = Users(), Methods()
    first = login_with_gar(matched("sub-school-1"), users, methods, clock)
    again = login_with_gar(matched("sub-school-2"), users, methods, clock,
                           Ties({INE: [first.user.id]}))
    assert again.user.id == first.user.id
    assert again.tied_by_roster
    assert not again.created
    assert len(users.rows) == 1
    assert {m.external_identifier for m in methods.list_for_user(first.user.id)} == {
        "sub-school-1", "sub-school-2"}


def test_the_ine_never_opens_an_account_that_was_never_a_gar_one(clock):
    users, methods = Users(), Methods()
    owner = email_account(users, methods)
    login = login_with_gar(matched("sub-new"), users, methods, clock, Ties({INE: [owner.id]}))
    assert login.created
    assert login.user.id != owner.id


def test_two_accounts_tied_to_one_ine_tie_nothing(clock):
    users, methods = Users(), Methods()
    a = login_with_gar(matched("a"), users, methods, clock).user
    b = login_with_gar(matched("b", ine="OTHER"), users, methods, clock).user
    login = login_with_gar(matched("c"), users, methods, clock, Ties({INE: [a.id, b.id]}))
    assert login.created


def test_an_unsure_match_ties_nothing(clock):
    users, methods = Users(), Methods()
    first = login_with_gar(matched("a"), users, methods, clock).user
    unsure = replace(matched("b"), school=SchoolContext(siecle=SiecleClaims("ambiguous")))
    assert login_with_gar(unsure, users, methods, clock, Ties({INE: [first.id]})).created


def test_linking_moves_the_gar_login_with_the_password_and_deletes_the_empty_account(clock):
    users, methods = Users(), Methods()
    owner = email_account(users, methods)
    gar = login_with_gar(matched("sub-x"), users, methods, clock).user
    target = link_gar_account(gar.id, "NOE@exemple.fr", "Mon-mot-2-passe", users, methods,
                              Activity(), clock)
    assert target == owner.id
    assert gar.id not in users.rows
    assert login_with_gar(matched("sub-x"), users, methods, clock).user.id == owner.id


def test_linking_needs_the_password_and_an_account_without_results(clock):
    users, methods = Users(), Methods()
    email_account(users, methods)
    gar = login_with_gar(matched("sub-y"), users, methods, clock).user
    with pytest.raises(LoginFailed):
        link_gar_account(gar.id, "noe@exemple.fr", "pas-le-bon-1", users, methods, Activity(),
                         clock)
    with pytest.raises(AccountHasActivity):
        link_gar_account(gar.id, "noe@exemple.fr", "Mon-mot-2-passe", users, methods,
                         Activity([gar.id]), clock)
    assert gar.id in users.rows
    assert all(m.user_id == gar.id for m in methods.rows.values() if m.is_gar)


def old_hash(password: str, n: int = 2**12) -> str:
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(password.encode(), salt=salt, n=n, r=8, p=1, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}$8$1${b64(salt).decode()}${b64(key).decode()}"


def test_a_login_rehashes_a_password_hashed_with_older_parameters(clock):
    users, methods = Users(), Methods()
    user = users.add(User.new("A", "B", NOW, "a@exemple.fr"))
    methods.add(AuthenticationMethod.for_pix(user.id, "a@exemple.fr", old_hash("Ancien-1"), NOW))
    assert passwords.needs_rehash(old_hash("Ancien-1"))
    log_in_with_password("a@exemple.fr", "Ancien-1", methods, clock)
    (method,) = methods.rows.values()
    assert not passwords.needs_rehash(method.password_hash)
    assert method.password_hash.startswith(f"scrypt${passwords.N}$")
    assert passwords.verify_password("Ancien-1", method.password_hash)


def test_a_one_time_password_says_it_must_be_changed(clock):
    users, methods = Users(), Methods()
    user = users.add(User.new("Léa", "Lefèvre", NOW))
    methods.add(AuthenticationMethod.for_username(user.id, "lea.lefevre1403",
                                                  passwords.hash_password("Temp-1234"), NOW))
    done = log_in_with_password("Lea.Lefevre1403", "Temp-1234", methods, clock)
    assert done.user_id == user.id
    assert done.must_change_password


@pytest.mark.parametrize(("password", "ok"), [
    ("court1", False), ("seulementdeslettres", False), ("12345678901", False),
    ("Cahier-de-texte-7", True), ("x" * 1025, False),
])
def test_new_password_rule(password, ok):
    assert passwords.is_acceptable_new_password(password) is ok
