import pytest
from django.contrib.auth.models import Group

from accounts.models import AgentProfile, AgentTier, CustomerProfile, Role
from accounts.roles import ACCESS_DESK, VIEW_REPORTS
from accounts.services import agent_availability_set, agent_create, customer_create, user_roles_set
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_migrations_create_a_group_per_role_with_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    agent_perms = set(Group.objects.get(name=Role.AGENT).permissions.values_list("codename", flat=True))
    manager_perms = set(Group.objects.get(name=Role.MANAGER).permissions.values_list("codename", flat=True))
    assert "access_desk" in agent_perms
    assert "view_reports" not in agent_perms
    assert {"access_desk", "view_reports", "change_agentprofile", "change_category"} <= manager_perms
    assert not Group.objects.get(name=Role.CUSTOMER).permissions.exists()


@pytest.mark.parametrize(
    ("roles", "desk", "reports", "staff", "superuser"),
    [
        ([Role.CUSTOMER], False, False, False, False),
        ([Role.AGENT], True, False, False, False),
        ([Role.MANAGER], True, True, True, False),
        ([Role.ADMIN], True, True, True, True),
        ([Role.AGENT, Role.MANAGER, Role.CUSTOMER], True, True, True, False),
    ],
)
def test_roles_decide_surface_access_and_staff_status(roles, desk, reports, staff, superuser):
    # given
    user = UserFactory()
    # when
    user_roles_set(user=user, roles=roles)
    # then
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    assert user.has_perm(ACCESS_DESK) is desk
    assert user.has_perm(VIEW_REPORTS) is reports
    assert user.is_staff is staff
    assert user.is_superuser is superuser
    assert user.roles == frozenset(roles) or superuser


def test_removing_a_role_removes_its_access():
    user = UserFactory(roles=[Role.MANAGER])
    user_roles_set(user=user, roles=[Role.CUSTOMER])
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm(VIEW_REPORTS)
    assert not user.is_staff
    assert user.roles == {Role.CUSTOMER}


def test_roles_create_the_profiles_they_need():
    user = UserFactory()
    user_roles_set(user=user, roles=[Role.CUSTOMER, Role.AGENT])
    assert CustomerProfile.objects.filter(user=user).exists()
    assert AgentProfile.objects.filter(user=user).exists()


def test_unknown_role_is_refused():
    with pytest.raises(ValueError, match="Unknown roles"):
        user_roles_set(user=UserFactory(), roles=["wizard"])


def test_one_person_company_owner_holds_every_working_role():
    owner = agent_create(email="owner@example.com", name="店主", tier=AgentTier.TIER_2, extra_roles=[Role.MANAGER])
    owner = type(owner).objects.get(pk=owner.pk)
    assert owner.roles == {Role.AGENT, Role.MANAGER}
    assert owner.agent_profile.works_tier(1)
    assert owner.agent_profile.works_tier(2)


def test_tier1_agent_works_tier1_only():
    agent = agent_create(email="t1@example.com", name="一线", tier=AgentTier.TIER_1)
    assert agent.agent_profile.works_tier(1)
    assert not agent.agent_profile.works_tier(2)


def test_customer_create_normalises_email():
    customer = customer_create(email="Li.Na@Example.COM", name="李娜")
    assert customer.email == "li.na@example.com"
    assert customer.roles == {Role.CUSTOMER}


def test_availability_change_is_timestamped_only_when_it_changes():
    profile = agent_create(email="a@example.com", name="A").agent_profile
    before = profile.availability_changed_at
    agent_availability_set(agent=profile, available=True)
    assert profile.availability_changed_at == before
    agent_availability_set(agent=profile, available=False)
    profile.refresh_from_db()
    assert profile.is_available is False
    assert profile.availability_changed_at > before


def test_customer_get_or_create_matches_any_case_and_creates_once(customer_a):
    from accounts.services import customer_get_or_create

    assert customer_get_or_create(email="  CUSTOMER-A@example.com ", name="Someone else") == customer_a
    customer_a.refresh_from_db()
    assert customer_a.name == "Customer A"  # an existing account is not changed
    new = customer_get_or_create(email="New.Person@Example.com", name=" 新客户 ", language="en")
    assert (new.email, new.name, new.language, new.roles) == ("new.person@example.com", "新客户", "en", {"customer"})
    assert customer_get_or_create(email="new.person@example.com") == new


def test_customer_get_or_create_refuses_staff_accounts(manager):
    from accounts.services import NotACustomerError, customer_get_or_create

    with pytest.raises(NotACustomerError):
        customer_get_or_create(email=manager.email)
