from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import Role, User
from accounts.roles import ACCESS_DESK, VIEW_REPORTS
from accounts.services import user_roles_set
from accounts.tests.factories import UserFactory


def _fresh(user: User) -> User:
    """The same person as a new request would load them: no per-object permission cache."""
    return User.objects.get(pk=user.pk)


def test_permissions_are_read_once_then_served_from_the_cache(db, django_assert_num_queries) -> None:
    user = UserFactory(roles=[Role.AGENT])
    first, second = _fresh(user), _fresh(user)
    with django_assert_num_queries(2):
        assert first.has_perm(ACCESS_DESK)
    with django_assert_num_queries(0):
        assert second.has_perm(ACCESS_DESK)


def test_a_role_taken_away_applies_at_the_next_request(db) -> None:
    user = UserFactory(roles=[Role.AGENT, Role.MANAGER])
    assert _fresh(user).has_perm(VIEW_REPORTS)
    user_roles_set(user=user, roles=[Role.AGENT])
    fresh = _fresh(user)
    assert not fresh.has_perm(VIEW_REPORTS)
    assert fresh.has_perm(ACCESS_DESK)


def test_a_permission_taken_from_a_group_applies_at_the_next_request(db) -> None:
    user = UserFactory(roles=[Role.AGENT])
    assert _fresh(user).has_perm(ACCESS_DESK)
    agents = Group.objects.get(name=Role.AGENT)
    agents.permissions.remove(*agents.permissions.filter(codename="access_desk"))
    assert not _fresh(user).has_perm(ACCESS_DESK)


def test_an_inactive_user_has_no_permissions_even_when_cached(db) -> None:
    user = UserFactory(roles=[Role.AGENT])
    assert _fresh(user).has_perm(ACCESS_DESK)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not _fresh(user).has_perm(ACCESS_DESK)


def test_desk_is_refused_once_the_agent_role_is_removed(db) -> None:
    user = UserFactory(roles=[Role.AGENT])
    client = Client()
    client.force_login(user)
    assert client.get("/desk/").status_code == 200
    user_roles_set(user=user, roles=[Role.CUSTOMER])
    assert client.get("/desk/").status_code == 403
