import pytest

from pix_core.accounts.domain.errors import UserNotFound
from pix_core.accounts.domain.users import IdentityProvider, SchoolContext
from pix_core.accounts.usecases.login_with_gar import login_with_gar
from pix_core.evaluation.domain.framework import PIX_FRAMEWORK
from pix_core.evaluation.usecases.show_profile import show_profile
from tests.unit.pix_core.accounts.fakes import NOW, InMemoryMethods, InMemoryUsers, gar_identity


def test_first_visit_creates_an_account_without_email_and_a_gar_method(clock):
    users, methods = InMemoryUsers(), InMemoryMethods()

    login = login_with_gar(gar_identity(), users, methods, clock)

    assert login.created
    user = users.get(login.user.id)
    assert (user.first_name, user.last_name, user.email) == ("Flora", "Dupont", None)
    assert user.created_at == NOW
    [method] = methods.rows.values()
    assert method.identity_provider is IdentityProvider.GAR
    assert method.external_identifier == "pseudo-123"
    assert method.user_id == user.id
    assert method.school.uai == ("0561641E",)
    assert method.last_logged_at == NOW


def test_later_visit_finds_the_same_account_and_updates_names_and_school(clock):
    users, methods = InMemoryUsers(), InMemoryMethods()
    first = login_with_gar(gar_identity(), users, methods, clock)
    clock.advance(days=30)
    renamed = gar_identity(first="Flore", last="Dupont-Martin")
    renamed = type(renamed)(renamed.sub, renamed.first_name, renamed.last_name, SchoolContext())

    again = login_with_gar(renamed, users, methods, clock)

    assert not again.created
    assert again.user.id == first.user.id
    assert len(users.rows) == 1
    assert len(methods.rows) == 1
    stored = users.get(first.user.id)
    assert (stored.first_name, stored.last_name) == ("Flore", "Dupont-Martin")
    assert stored.updated_at == clock()
    assert stored.created_at == NOW
    [method] = methods.rows.values()
    assert method.school == SchoolContext()
    assert method.last_logged_at == clock()


def test_another_sub_is_another_account(clock):
    users, methods = InMemoryUsers(), InMemoryMethods()
    login_with_gar(gar_identity(sub="a"), users, methods, clock)
    login_with_gar(gar_identity(sub="b"), users, methods, clock)
    assert len(users.rows) == 2


def test_method_pointing_to_a_missing_user_is_an_error(clock):
    users, methods = InMemoryUsers(), InMemoryMethods()
    login = login_with_gar(gar_identity(), users, methods, clock)
    del users.rows[login.user.id]
    with pytest.raises(UserNotFound):
        login_with_gar(gar_identity(), users, methods, clock)


def test_show_profile_uses_the_stored_names(clock):
    users, methods = InMemoryUsers(), InMemoryMethods()
    login = login_with_gar(gar_identity(), users, methods, clock)
    profile = show_profile(login.user.id, users, PIX_FRAMEWORK)
    assert (profile.first_name, profile.last_name, profile.max_pix) == ("Flora", "Dupont", 1024)
    with pytest.raises(UserNotFound):
        show_profile(999, users, PIX_FRAMEWORK)


def test_identity_repr_leaks_nothing():
    text = repr(gar_identity())
    assert "Flora" not in text
    assert "pseudo-123" not in text
