import pytest
from django.contrib.auth.models import Group, Permission

from erp import roles

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_created_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


def test_role_permissions_match_the_declared_map():
    for role, declared in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == declared, role
    admin = Group.objects.get(name=roles.ADMIN)
    assert admin.permissions.count() == Permission.objects.count()


def test_retailer_role_has_no_staff_permissions(retailer_user, procurement_user):
    assert not retailer_user.get_all_permissions()
    assert roles.user_is_retailer(retailer_user) and not roles.user_is_staff_member(retailer_user)
    assert roles.user_is_staff_member(procurement_user) and not roles.user_is_retailer(procurement_user)


def test_sync_is_idempotent_and_repairs_drift():
    sales = Group.objects.get(name=roles.SALES)
    sales.permissions.add(Permission.objects.get(codename="delete_item"))
    roles.roles_sync_permissions()
    roles.roles_sync_permissions()
    assert not sales.permissions.filter(codename="delete_item").exists()
    assert sales.permissions.filter(codename="add_price").exists()
