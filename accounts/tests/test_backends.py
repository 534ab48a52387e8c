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


def test_someone_becoming_a_customer_leaves_the_agents_cached_sets_alone(db, django_assert_num_queries) -> None:
    agent = UserFactory(roles=[Role.AGENT])
    assert _fresh(agent).has_perm(ACCESS_DESK)
    UserFactory(roles=[Role.CUSTOMER])
    fresh = _fresh(agent)
    with django_assert_num_queries(0):
        assert fresh.has_perm(ACCESS_DESK)


def test_roles_changed_from_the_groups_side_apply_at_the_next_request(db) -> None:
    user = UserFactory(roles=[Role.AGENT])
    other = UserFactory(roles=[Role.AGENT])
    managers = Group.objects.get(name=Role.MANAGER)
    assert not _fresh(user).has_perm(VIEW_REPORTS)
    managers.user_set.add(user, other)
    assert _fresh(user).has_perm(VIEW_REPORTS)
    managers.user_set.remove(other)
    assert not _fresh(other).has_perm(VIEW_REPORTS)
    assert _fresh(user).has_perm(VIEW_REPORTS)
    managers.user_set.clear()
    assert not _fresh(user).has_perm(VIEW_REPORTS)


def test_a_permission_given_to_one_person_applies_at_their_next_request(db) -> None:
    from django.contrib.auth.models import Permission

    user = UserFactory(roles=[Role.CUSTOMER])
    assert not _fresh(user).has_perm(ACCESS_DESK)
    app_label, codename = ACCESS_DESK.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    assert _fresh(user).has_perm(ACCESS_DESK)


def test_a_change_is_applied_again_at_commit(db, django_capture_on_commit_callbacks) -> None:
    """A request that read the old rows before the change committed must not leave them cached."""
    user = UserFactory(roles=[Role.AGENT])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user_roles_set(user=user, roles=[Role.AGENT, Role.MANAGER])
    stale = {ACCESS_DESK}
    from django.core.cache import cache

    from accounts.backends import _permissions_key

    cache.set(_permissions_key(user.pk), stale)  # what a concurrent request cached meanwhile
    assert not _fresh(user).has_perm(VIEW_REPORTS)
    for callback in callbacks:
        callback()
    assert _fresh(user).has_perm(VIEW_REPORTS)
